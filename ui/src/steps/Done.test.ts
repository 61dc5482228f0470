import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import Done from './Done.svelte';
import { report } from '../test-support';
import type { ReportFinding, WaitView } from '../ipc';

afterEach(() => {
  cleanup();
  clearMocks();
});

const view: WaitView = {
  domain: 'example.com',
  provider: 'alibaba-standard',
  status: 'clear',
  phase: 'clear',
  round: 4,
  at: '2026-11-22T10:01:00Z',
  started_at: '2026-11-22T09:59:00Z',
  saved_at: '2026-11-22T09:59:30Z',
  earliest: null,
  latest: null,
  earliest_in: null,
  latest_in: null,
  cleared_at: '2026-11-22T10:00:41Z',
  deadline: '2026-11-24T09:59:00Z',
  vantages: [],
  queries: 14,
};

const cname: ReportFinding = {
  code: 'CNAME_AT_MAIL_HOST',
  severity: 'error',
  host: 'example.com',
  records: [],
  fix: [],
  reference: 'seed 000',
  params: {},
  options: [],
  title: 'An alias (CNAME) at example.com hides your mail settings',
  message: '…',
};

describe('Done', () => {
  it('sums up what was wrong, what was changed and when it cleared', async () => {
    const onagain = vi.fn();
    const r = report({
      findings: [cname],
      plan: { steps: [{ id: 'delete_cname', rows: [{ action: 'delete', host: '@', type: 'CNAME', priority: null, value: 'cdn.example.net', new_value: null }] }], target: [] },
    });
    const { container } = render(Done, { view, report: r, onagain });
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Mail to example.com works again');
    expect(screen.getByText('An alias (CNAME) at example.com hides your mail settings')).toBeTruthy();
    expect(container.querySelector('table')!.textContent).toContain('cdn.example.net');
    expect(screen.getByText(/MX Doctor asked 14 DNS questions/)).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Check another domain' }));
    expect(onagain).toHaveBeenCalled();
  });

  it('copies the report of the finished wait, with its outcome', async () => {
    const asked: Record<string, unknown>[] = [];
    const copied: string[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'report_document') {
        asked.push(args as Record<string, unknown>);
        return '# report';
      }
      if (cmd === 'copy_text') copied.push(String((args as { text: string }).text));
      return null;
    });
    render(Done, { view, report: report({ findings: [cname] }), onagain: vi.fn() });
    await fireEvent.click(screen.getByRole('button', { name: 'Copy the report' }));
    await vi.waitFor(() => expect(copied).toEqual(['# report']));
    expect(asked[0]!.outcome).toEqual(view);
    expect(await screen.findByRole('button', { name: 'Copied to the clipboard' })).toBeTruthy();
  });

  it('still sums up a wait resumed without its check', () => {
    render(Done, { view, report: null, onagain: vi.fn() });
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Mail to example.com works again');
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Copy the report' })).toBeNull();
  });
});
