import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import SettingsPanel from './SettingsPanel.svelte';
import type { Settings } from '../ipc';

afterEach(cleanup);

const settings: Settings = { locale: null, technical: false, resolvers: [], check_every_secs: 15, longest_gap_secs: 900 };

describe('SettingsPanel', () => {
  it('says settings that could not be written were not saved, and that the previous ones stay', async () => {
    const onsave = vi.fn().mockRejectedValueOnce({ code: 'not_saved', message: '/home/u/.local/share/app/mxdoctor.json could not be written (No space left on device (os error 28))' });
    render(SettingsPanel, { settings, onsave });
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    const said = await screen.findByRole('alert');
    expect(said.textContent).toContain('Your settings were not saved');
    expect(said.textContent).toContain('No space left on device');
    expect(said.textContent).toContain('The previous settings are still in use.');
    expect(screen.queryByText('Settings saved.')).toBeNull();
  });

  it('keeps a refused value in its field with the reason, and saves the fixed one', async () => {
    const onsave = vi
      .fn()
      .mockRejectedValueOnce({ code: 'bad_setting', message: '"dns.google" is not a DNS server address' })
      .mockResolvedValueOnce(undefined);
    render(SettingsPanel, { settings, onsave });
    const field = screen.getByLabelText(/DNS services to ask/) as HTMLTextAreaElement;
    await fireEvent.input(field, { target: { value: 'dns.google' } });
    await fireEvent.input(screen.getByLabelText(/ask your DNS host every/), { target: { value: '30' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await screen.findByText('"dns.google" is not a DNS server address');
    expect(field.value).toBe('dns.google');
    await fireEvent.input(field, { target: { value: '8.8.8.8\n 1.1.1.1:53 \n' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await screen.findByText('Settings saved.');
    expect(onsave.mock.calls[1]![0]).toMatchObject({ resolvers: ['8.8.8.8', '1.1.1.1:53'], check_every_secs: 30, longest_gap_secs: 900 });
  });
});

describe('SettingsPanel bounds', () => {
  it('offers the same interval bounds the core enforces (propagation/mod.rs)', () => {
    // The core is where the bounds are enforced; the fields' min/max only guide the number
    // spinner. This ties the two, so the window never offers a value the core refuses.
    const core = readFileSync(`${process.cwd()}/../src-tauri/core/src/propagation/mod.rs`, 'utf-8');
    const poll = /POLL_SECS: std::ops::RangeInclusive<u32> = ([\d_]+)\.\.=([\d_]+);/.exec(core);
    const gap = /MAX_GAP_SECS: u32 = ([\d_]+);/.exec(core);
    expect(poll && gap).toBeTruthy();
    const n = (s: string) => Number(s.replaceAll('_', ''));
    render(SettingsPanel, { settings, onsave: vi.fn() });
    const every = screen.getByLabelText(/ask your DNS host every/) as HTMLInputElement;
    expect([Number(every.min), Number(every.max)]).toEqual([n(poll![1]!), n(poll![2]!)]);
    const longest = document.getElementById('settings-gap') as HTMLInputElement;
    expect(Number(longest.max)).toBe(n(gap![1]!));
  });
});
