/** Break tests (issue 15, item 4): every step's primary action sits in its sticky bar, and a
 * bar holds the way back and the step's main action only (one row of buttons). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import CheckInWizard from './steps/CheckInWizard.svelte';
import Done from './steps/Done.svelte';
import Repair from './steps/Repair.svelte';
import { report, waitView } from './test-support';
import type { FixRow, RepairPlan, ReportFinding, WaitView } from './ipc';

afterEach(() => {
  cleanup();
  clearMocks();
});

const request = { input: 'example.com', provider: null, mx: [], resolvers: [] };
const bar = (c: HTMLElement) => c.querySelector('.step .bar') as HTMLElement | null;
const inBar = (c: HTMLElement, el: HTMLElement) => !!bar(c)?.contains(el);

describe('break: Done’s bar holds the copy and save buttons and their status', () => {
  const del: FixRow = { action: 'delete', host: '@', type: 'CNAME', priority: null, value: 'cdn.example.net', new_value: null };
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
    rows: [{ row: del, state: 'saved', servers: [] }],
  });

  it('keeps only the main action in the bar, as every other step does (57c8914: copy/save stay above the bar)', async () => {
    mockIPC((cmd) => (cmd === 'export_report' ? '/home/someone/Documents/MX Doctor reports/mxdoctor-example.com-2026-11-22T10-01-00Z.md' : null));
    const plan: RepairPlan = { steps: [{ id: 'delete_cname', rows: [del] }], target: [] };
    const { container } = render(Done, { view, report: report({ plan }), onagain: vi.fn() });
    const buttons = [...bar(container)!.querySelectorAll('button')].map((b) => b.textContent!.trim());
    // Before anything is saved the bar already holds three buttons: Copy, Save, Check another.
    await fireEvent.click(screen.getByRole('button', { name: /Save the report/ }));
    await screen.findByText(/^Saved to /);
    const statusInBar = bar(container)!.querySelector('[role="status"]');
    expect(buttons, 'the bar holds the step’s main action only; copy/save belong above it').toHaveLength(1);
    expect(statusInBar?.textContent ?? null, 'a long "saved to PATH" line in the flex bar wraps it onto a second row').toBeNull();
  });
});

describe('break: Check, no DNS server reachable — the practice offer lies outside and below the bar', () => {
  it('puts "Practise with an example domain" (the only way on when offline) inside the bar', async () => {
    mockIPC((cmd) => {
      if (cmd === 'run_check') throw { code: 'no_resolver', message: 'no DNS server answered' };
      return null;
    });
    const { container } = render(CheckInWizard, { request, technical: false, onback: vi.fn(), onrepair: vi.fn(), onpractice: vi.fn() });
    const practise = await screen.findByRole('button', { name: 'Practise with an example domain' });
    expect(inBar(container, practise), 'offline, practice mode is the way on; it sits below the sticky bar').toBe(true);
    // The sticky bar is not even the step's last block: the offer follows it.
    const step = container.querySelector('.step')!;
    expect(step.lastElementChild, 'content after a bottom-sticky bar: the bar is drawn mid-card').toBe(bar(container));
  });

  it('the offline report: "Practise" is outside the bar, and the bar has no primary action', async () => {
    const denied: ReportFinding = {
      code: 'RESOLVER_UNRELIABLE',
      severity: 'error',
      host: 'example.com',
      records: [],
      fix: [],
      reference: 'RFC 8020', reference_url: '',
      params: { reason: 'denies_root', answers: '. NS: nxdomain' },
      options: [],
      title: 'Your DNS service is not answering normally',
      message: '…',
    };
    mockIPC((cmd) => (cmd === 'run_check' ? report({ status: 'error', findings: [denied] }) : null));
    const { container } = render(CheckInWizard, { request, technical: true, onback: vi.fn(), onrepair: vi.fn(), onpractice: vi.fn() });
    const practise = await screen.findByRole('button', { name: 'Practise with an example domain' });
    expect(inBar(container, practise)).toBe(true);
  });
});

describe('break: Repair, a refused wait — its next steps appear outside the bar', () => {
  const del: FixRow = { action: 'delete', host: '@', type: 'CNAME', priority: null, value: 'site.cdn.example.net', new_value: null };
  const mx: FixRow = { action: 'add', host: '@', type: 'MX', priority: 5, value: 'mx1.qiye.aliyun.com', new_value: null };
  const plan: RepairPlan = { steps: [{ id: 'delete_cname', rows: [del] }, { id: 'mail_servers', rows: [mx] }], target: [mx] };

  it('"Start waiting" in the sticky bar answers with a refusal and buttons placed above the export, out of the bar', async () => {
    mockIPC((cmd, args) => (cmd === 'verify_rows' ? (args as { rows: FixRow[] }).rows.map((row) => ({ row, state: 'saved', servers: [] })) : null));
    const onsaved = () => Promise.reject({ code: 'nothing_to_wait_for', message: 'nothing to wait for' });
    const { container } = render(Repair, { report: report({ plan }), onback: vi.fn(), onsaved, onprepare: vi.fn(), oncheckagain: vi.fn() });
    await fireEvent.click(screen.getByRole('button', { name: "I've made the changes" }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Start waiting' }));
    await screen.findByRole('alert');
    const next = screen.getByRole('button', { name: 'Choose my mailbox service' });
    expect(inBar(container, next), 'the refusal’s way on is outside the bar, possibly below the fold, while the bar still offers "Start waiting"').toBe(true);
  });
});
