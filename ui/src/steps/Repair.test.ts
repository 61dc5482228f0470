import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import Repair from './Repair.svelte';
import { report } from '../test-support';
import type { FixRow, ReportFinding } from '../ipc';

afterEach(() => {
  cleanup();
  clearMocks();
});

const del: FixRow = { action: 'delete', host: '@', type: 'CNAME', priority: null, value: 'site.cdn.example.net', new_value: null };
const a1: FixRow = { action: 'add', host: '@', type: 'A', priority: null, value: '203.0.113.7', new_value: null };
const www: FixRow = { action: 'add', host: 'www', type: 'CNAME', priority: null, value: 'site.cdn.example.net', new_value: null };
const mx: FixRow = { action: 'add', host: '@', type: 'MX', priority: 5, value: 'mx1.qiye.aliyun.com', new_value: null };

const cname: ReportFinding = {
  code: 'CNAME_AT_MAIL_HOST',
  severity: 'error',
  host: 'example.com',
  records: [],
  fix: [del, a1],
  reference: 'seed 000',
  params: {},
  options: [
    { id: 'replace_with_a', recommended: true, fix: [del, a1], params: {} },
    { id: 'move_cname', recommended: false, fix: [del, www], params: {} },
  ],
  title: 'An alias (CNAME) at example.com hides your mail settings',
  message: '…',
  option_texts: [
    { id: 'replace_with_a', title: 'Replace the alias with A records (recommended)', consequence: 'Your website keeps working.' },
    { id: 'move_cname', title: 'Move the alias to www', consequence: 'Your website is then reached at www.' },
  ],
};

function setup() {
  const r = report({
    findings: [cname],
    plan: { steps: [{ id: 'delete_cname', rows: [del, a1] }, { id: 'mail_servers', rows: [mx] }], target: [mx] },
  });
  const onsaved = vi.fn();
  render(Repair, { report: r, onback: vi.fn(), onsaved });
  return onsaved;
}

describe('Repair', () => {
  it('lists the rows in seed 001’s table with a copy button on every value', () => {
    setup();
    const headers = screen.getAllByRole('table')[0]!.querySelectorAll('th');
    expect([...headers].map((h) => h.textContent)).toEqual(['Action', 'Host record', 'Record type', 'Priority', 'Record value']);
    expect(screen.getAllByRole('button', { name: 'Copy: Record value' }).length).toBeGreaterThanOrEqual(3);
    expect(screen.getByText('Before deleting the alias, check that nothing else (your website, a CDN, a verification) relies on it.')).toBeTruthy();
  });

  it('shows the rows of the option chosen for the alias', async () => {
    setup();
    const first = screen.getAllByRole('table')[0]!;
    expect(first.textContent).toContain('203.0.113.7');
    await fireEvent.click(screen.getByLabelText(/Move the alias to www/));
    const now = screen.getAllByRole('table')[0]!;
    expect(now.textContent).toContain('www');
    expect(now.textContent).not.toContain('203.0.113.7');
  });

  it('starts the wait when the user has made the changes', async () => {
    const onsaved = setup();
    await fireEvent.click(screen.getByRole('button', { name: "I've made the changes" }));
    expect(onsaved).toHaveBeenCalled();
  });

  it('copies a message for the DNS provider, in the current language', async () => {
    const asked: string[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'report_document') {
        asked.push(String((args as { locale: string }).locale));
        return '# MX Doctor: mail settings of example.com\n\nPlease make the following changes…';
      }
      return null;
    });
    setup();
    await fireEvent.click(screen.getByRole('button', { name: 'Copy a message for your DNS provider' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Copied to the clipboard' })).toBeTruthy());
    expect(asked).toEqual(['en']);
    expect(await navigator.clipboard.readText()).toContain('Please make the following changes');
  });
});
