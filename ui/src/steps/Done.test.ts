import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import Done from './Done.svelte';
import { report, vantage, waitView } from '../test-support';
import type { FixRow, RepairPlan, ReportFinding, RowCheck, WaitView } from '../ipc';

afterEach(() => {
  cleanup();
  clearMocks();
});

const delAlias: FixRow = { action: 'delete', host: '@', type: 'CNAME', priority: null, value: 'cdn.example.net', new_value: null };
const addA: FixRow = { action: 'add', host: '@', type: 'A', priority: null, value: '203.0.113.7', new_value: null };
const addMx: FixRow = { action: 'add', host: '@', type: 'MX', priority: 5, value: 'mx1.qiye.aliyun.com', new_value: null };
const ns1 = 'ns1.example.net (192.0.2.1)';
const ns2 = 'ns2.example.net (192.0.2.2)';
const saved = (row: FixRow): RowCheck => ({ row, state: 'saved', servers: [{ server: ns1, state: 'saved' }, { server: ns2, state: 'saved' }] });

const view: WaitView = waitView({
  status: 'clear',
  phase: 'clear',
  round: 4,
  at: '2026-11-22T10:01:00Z',
  earliest: null,
  latest: null,
  earliest_in: null,
  latest_in: null,
  cleared_at: '2026-11-22T10:00:41Z',
  queries: 14,
  rows: [saved(delAlias), saved(addA)],
});

const cname: ReportFinding = {
  code: 'CNAME_AT_MAIL_HOST',
  severity: 'error',
  host: 'example.com',
  records: [],
  fix: [],
  reference: 'RFC 2181 §10.1', reference_url: 'https://www.rfc-editor.org/rfc/rfc2181#section-10.1',
  params: {},
  options: [],
  title: 'An alias (CNAME) at example.com hides your mail settings',
  message: '…',
};

const heading = () => screen.getByRole('heading', { level: 2 }).textContent;

describe('Done', () => {
  it('sums up what was wrong, the rows seen saved (not the plan) and when it cleared', async () => {
    const onagain = vi.fn();
    const planOnly: FixRow = { ...addA, value: '192.0.2.99' };
    const r = report({ findings: [cname], plan: { steps: [{ id: 'delete_cname', rows: [delAlias, planOnly] }], target: [] } });
    const { container } = render(Done, { view, report: r, onagain });
    expect(heading()).toBe('Mail to example.com works again');
    expect(screen.getByText('An alias (CNAME) at example.com hides your mail settings')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Seen saved at every server of your DNS host' })).toBeTruthy();
    const table = container.querySelector('table')!.textContent!;
    expect(table).toContain('cdn.example.net');
    expect(table).toContain('203.0.113.7');
    expect(container.textContent, 'a plan row never seen saved is not listed as done').not.toContain('192.0.2.99');
    expect(screen.queryByRole('heading', { name: /Never seen saved/ })).toBeNull();
    expect(screen.getByText(/Every server gave the repaired records at/)).toBeTruthy();
    expect(screen.getByText(/MX Doctor asked 14 DNS questions/)).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Check another domain' }));
    expect(onagain).toHaveBeenCalled();
  });

  it('lists rows never seen saved apart, with what each DNS host server said in technical mode', () => {
    const notThere: RowCheck = { row: addMx, state: 'not_saved', servers: [{ server: ns1, state: 'saved' }, { server: ns2, state: 'not_saved' }] };
    const unasked: RowCheck = { row: addA, state: 'unknown', servers: [{ server: ns1, state: 'saved' }, { server: 'ns3.example.net', state: 'unknown' }] };
    const v = { ...view, rows: [saved(delAlias), notThere, unasked] };
    render(Done, { view: v, report: null, technical: true, onagain: vi.fn() });
    const [seen, never] = screen.getAllByRole('table');
    expect(screen.getByRole('heading', { name: 'Seen saved at every server of your DNS host' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Never seen saved at every server of your DNS host' })).toBeTruthy();
    expect(seen!.textContent).toContain('cdn.example.net');
    expect(seen!.textContent).not.toContain('mx1.qiye.aliyun.com');
    expect(never!.textContent).toContain('mx1.qiye.aliyun.com');
    expect(never!.textContent).toContain('203.0.113.7');
    expect(never!.textContent).toContain('ns2.example.net (192.0.2.2): Not yet saved');
    expect(never!.textContent).toContain('ns3.example.net: Could not ask');
  });

  it('lists a suggestion seen made with the rows seen saved, and one not made apart as optional', () => {
    const dmarc: FixRow = { action: 'add', host: '_dmarc', type: 'TXT', priority: null, value: 'v=DMARC1; p=none', new_value: null };
    const bimi: FixRow = { ...dmarc, host: 'default._bimi', value: 'v=BIMI1; l=https://example.com/logo.svg' };
    const v = { ...view, rows: [saved(delAlias)], optional_rows: [saved(dmarc), { row: bimi, state: 'not_saved' as const, servers: [] }] };
    render(Done, { view: v, report: null, onagain: vi.fn() });
    const [seen, suggested] = screen.getAllByRole('table');
    expect(seen!.textContent).toContain('v=DMARC1; p=none');
    expect(screen.getByRole('heading', { name: 'Suggested changes not seen made (optional)' })).toBeTruthy();
    expect(suggested!.textContent).toContain('v=BIMI1');
    expect(screen.queryByRole('heading', { name: /Never seen saved/ }), 'a suggestion not made does not make the repair unseen').toBeNull();
  });

  it('never says mail works again when some server did not answer, and names it', () => {
    const v = waitView({
      ...view,
      status: 'clear_except',
      phase: 'clear_except',
      except: [{ kind: 'public', name: 'Quad9', server: '9.9.9.9:53', failure: 'timed out', last_old: false }],
    });
    render(Done, { view: v, report: null, onagain: vi.fn() });
    expect(heading()).not.toContain('works again');
    expect(heading()).toContain('clear wherever an answer came');
    expect(screen.getByText(/No answer came from Quad9 \(no answer\)/)).toBeTruthy();
    expect(screen.queryByText(/^Every server gave/)).toBeNull();
  });

  it('says which servers were still not clear when the wait ran out', () => {
    const v = waitView({
      ...view,
      status: 'timeout',
      phase: 'timed_out',
      cleared_at: null,
      vantages: [vantage({}), vantage({ kind: 'public', name: 'Google Public DNS', server: '8.8.8.8:53', state: 'stale' })],
    });
    render(Done, { view: v, report: null, onagain: vi.fn() });
    expect(heading()).not.toContain('works again');
    expect(screen.getByText(/Still not clear: Google Public DNS\./)).toBeTruthy();
  });

  it('copies the report of the finished wait, with its outcome and the plan it followed', async () => {
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
    const moved: RepairPlan = { steps: [{ id: 'delete_cname', rows: [delAlias, { ...addA, type: 'CNAME', host: 'www', value: 'cdn.example.net' }] }], target: [] };
    const r = report({ findings: [cname], plan: { steps: [{ id: 'delete_cname', rows: [delAlias, addA] }], target: [] }, option_plans: [{ option: 'move_cname', plan: moved }] });
    const v = { ...view, option: 'move_cname' };
    render(Done, { view: v, report: r, onagain: vi.fn() });
    await fireEvent.click(screen.getByRole('button', { name: 'Copy the report' }));
    await vi.waitFor(() => expect(copied).toEqual(['# report']));
    expect(asked[0]!.outcome).toEqual(v);
    expect((asked[0]!.report as { plan: unknown }).plan).toEqual(moved);
    expect(await screen.findByRole('button', { name: 'Copied to the clipboard' })).toBeTruthy();
  });

  it('says mail works again for the separate subdomain, not for the domain that kept its alias', () => {
    render(Done, { view: { ...view, option: 'separate_subdomain', mail_host: 'mail.example.com' }, report: report(), onagain: () => {} });
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Mail to mail.example.com works again');
  });

  it('still sums up a wait resumed without its check', () => {
    render(Done, { view, report: null, onagain: vi.fn() });
    expect(heading()).toBe('Mail to example.com works again');
    expect(screen.queryByRole('button', { name: 'Copy the report' })).toBeNull();
  });
});
