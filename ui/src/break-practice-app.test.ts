/** Break tests (issue 15, items 5–8): practice mode in the window. */
import { afterEach, describe, expect, it } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from './App.svelte';
import { report } from './test-support';

afterEach(() => {
  cleanup();
  clearMocks();
});

const examples = [
  { id: 'seed000', domain: 'seed000.test', provider: 'alibaba-standard' },
  { id: 'seed001', domain: 'seed001.test', provider: 'alibaba-standard' },
  { id: 'seed004', domain: 'aliasmx.test', provider: null },
];
const view = (id: string) => ({ scenario: examples.find((e) => e.id === id)!, rows: [], locked: [] });
const normalise = (a: Record<string, unknown>) => {
  const input = String(a.input).toLowerCase();
  return { ascii: input, unicode: input, input, adjustments: [] };
};

/** The practice commands as the core answers them (seed000 running, the three examples), with
 * `answers` for the commands a test changes; every domain `run_check` is asked about lands in
 * the list returned. */
function mockPractice(answers: Record<string, (a: Record<string, unknown>) => unknown> = {}): string[] {
  const checked: string[] = [];
  mockIPC((cmd, args) => {
    const a = args as Record<string, unknown>;
    if (cmd in answers) return answers[cmd]!(a);
    switch (cmd) {
      case 'practice_scenarios':
        return examples;
      case 'practice_status':
        return view('seed000');
      case 'normalise_domain':
        return normalise(a);
      case 'run_check': {
        const domain = (a.request as { input: string }).input;
        checked.push(domain);
        return report({ domain, domain_unicode: domain, input: domain });
      }
      default:
        return null;
    }
  });
  return checked;
}

describe('break: switching examples quickly', () => {
  it('the window ends on the example picked last, even when the core answers the earlier pick last', async () => {
    // Two picks in a row (seed001, then seed004); the core's answer to the first comes back
    // after its answer to the second (two async commands, answered in any order).
    const pending: Record<string, (v: unknown) => void> = {};
    const checked = mockPractice({
      practice_start: (a) => new Promise((resolve) => (pending[String(a.id)] = () => resolve(view(String(a.id))))),
    });
    render(App);
    const select = (await screen.findByRole('combobox', { name: 'Example' })) as HTMLSelectElement;
    await screen.findByLabelText('Your domain or an email address at it');
    await fireEvent.change(select, { target: { value: 'seed001' } });
    await fireEvent.change(select, { target: { value: 'seed004' } });
    await waitFor(() => expect(Object.keys(pending).sort()).toEqual(['seed001', 'seed004']));
    pending.seed004!(undefined);
    await screen.findByText('Results for aliasmx.test');
    pending.seed001!(undefined);
    await new Promise((r) => setTimeout(r, 50));
    const banner = screen.getByRole('region', { name: 'Example' }).textContent ?? '';
    expect(select.value, 'the menu must show the example the user picked last (seed004), not one an older answer put back').toBe('seed004');
    expect(banner, 'the banner must name the example picked last: a stale answer must not swap the practice domain behind the user’s back').toContain('aliasmx.test');
    expect(screen.queryByText('Results for seed001.test'), 'the results shown must be of the example picked last').toBeNull();
    expect(checked.at(-1), 'the last check run is of the example picked last').toBe('aliasmx.test');
  });
});

describe('break: practice mode when the list of examples could not be read', () => {
  it('still checks the example that is running (it is the one domain practice mode surely knows)', async () => {
    const checked = mockPractice({
      practice_scenarios: () => {
        throw { code: 'internal', message: 'catalog unavailable' };
      },
    });
    render(App);
    const field = (await screen.findByLabelText('Your domain or an email address at it')) as HTMLInputElement;
    expect(field.value).toBe('seed000.test');
    const main = document.querySelector('main')!;
    expect(main.textContent, 'never "knows only its example domains: ." with an empty list').not.toMatch(/example domains: \./);
    await fireEvent.click(screen.getByRole('button', { name: 'Check my domain' }));
    await waitFor(() => expect(checked, 'the running example’s own domain must be checkable; refusing it leaves practice mode unusable').toEqual(['seed000.test']));
  });
});

describe('break: the "Checked before" list in and out of practice mode', () => {
  const recent = [
    { domain: 'my-real-shop.com', input: 'my-real-shop.com', provider: null, mx: [], status: 'problems', problems: 1, risks: 0, taken_at: 1_800_000_000 },
  ];

  it('in practice mode, does not offer "Check my-real-shop.com again", which practice mode only refuses', async () => {
    mockPractice({ recent_checks: () => recent });
    render(App);
    await screen.findByLabelText('Your domain or an email address at it');
    await screen.findByText('Checked before');
    expect(
      screen.queryByRole('button', { name: 'Check my-real-shop.com again' }),
      'a button that says it checks the real domain again, in a mode that refuses every real domain, is a false offer',
    ).toBeNull();
  });

  it('outside practice mode, does not offer to check a practice example’s domain on the internet (it "lives on this computer only")', async () => {
    const practised = [{ domain: 'seed000.test', input: 'seed000.test', provider: 'alibaba-standard', mx: [], status: 'problems', problems: 1, risks: 0, taken_at: 1_800_000_000 }, ...recent];
    mockPractice({ practice_status: () => null, recent_checks: () => practised });
    render(App);
    await screen.findByText('Checked before');
    expect(screen.getByRole('button', { name: 'Check my-real-shop.com again' })).toBeTruthy();
    expect(
      screen.queryByRole('button', { name: 'Check seed000.test again' }),
      'the practice example was checked in practice mode; offered as a real check it asks the internet about a domain that exists only on this computer, and the user is told it "does not exist"',
    ).toBeNull();
  });
});
