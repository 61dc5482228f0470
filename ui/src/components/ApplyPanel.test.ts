import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import Repair from '../steps/Repair.svelte';
import Done from '../steps/Done.svelte';
import Wait from '../steps/Wait.svelte';
import { report } from '../test-support';
import type { ApplyTarget, FixRow, Journal, JournalView, Preview, RepairPlan, RowResult, WaitView } from '../ipc';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';

afterEach(() => {
  cleanup();
  clearMocks();
});

const del: FixRow = { action: 'delete', host: '@', type: 'CNAME', priority: null, value: 'site.cdn.test', new_value: null };
const mx: FixRow = { action: 'add', host: '@', type: 'MX', priority: 5, value: 'mx1.qiye.aliyun.com', new_value: null };
const plan: RepairPlan = { steps: [{ id: 'delete_cname', rows: [del] }, { id: 'mail_servers', rows: [mx] }], target: [mx] };
const set = (name: string, type: 'CNAME' | 'MX', values: string[]) => ({ name, type, ttl: 60, values: values.map((value) => ({ value })) });

const preview: Preview = {
  domain: 'example.com',
  zone: 'example.com',
  dns_host: 'practice',
  adapter: 'practice',
  endpoint: null,
  rows: [del, mx],
  row_results: ['planned', 'skipped'],
  ops: [{ before: set('example.com', 'CNAME', ['site.cdn.test']), after: set('example.com', 'CNAME', []), rows: [0] }],
  watched: [],
  read_at: '2026-01-02T03:04:05Z',
};

function journal(status: Journal['status'], rows: RowResult[], steps: Journal['steps'][number]['result'][], over: Partial<Journal> = {}): Journal {
  return {
    version: 1,
    domain: 'example.com',
    zone: 'example.com',
    dns_host: 'practice',
    adapter: 'practice',
    endpoint: null,
    started: '2026-01-02T03:04:05Z',
    finished: '2026-01-02T03:04:06Z',
    status,
    message: `core says ${status}`,
    rows: [del, mx],
    row_results: rows,
    steps: steps.map((result, i) => ({
      seq: i + 1,
      before: set('example.com', 'CNAME', ['site.cdn.test']),
      after: set('example.com', 'CNAME', []),
      rows: [i],
      at: '2026-01-02T03:04:05Z',
      result,
      error: result === 'failed' ? 'the DNS host refused the change: quota' : null,
    })),
    undo: null,
    ...over,
  };
}

const view = (j: Journal, over: Partial<JournalView> = {}): JournalView => ({
  journal: j,
  can_undo: j.steps.some((s) => s.result === 'done') && j.undo?.status !== 'applied',
  needs_key: false,
  needs_secret: false,
  not_remembered: null,
  ...over,
});

const practiceTarget: ApplyTarget = { dns_host: 'practice', needs_key: false, needs_secret: false, key_saved: false };
const keyTarget: ApplyTarget = { dns_host: 'cloudflare', needs_key: true, needs_secret: false, key_saved: false };

type Calls = { cmd: string; args: unknown }[];
function host(answers: Record<string, (args: unknown) => unknown>): Calls {
  const calls: Calls = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args });
    const answer = answers[cmd];
    return answer ? answer(args) : null;
  });
  return calls;
}

function repair(practice = false) {
  const props = { report: report({ plan }), practice, onback: vi.fn(), onsaved: vi.fn(), oncheckagain: vi.fn() };
  render(Repair, props);
  return props;
}

const offer = () => screen.queryByRole('button', { name: 'Let MX Doctor make these changes' });

describe('Let MX Doctor make these changes', () => {
  it('is offered only where an adapter exists or in practice mode', async () => {
    host({ apply_target: () => ({ dns_host: null, needs_key: false, needs_secret: false, key_saved: false }) });
    repair();
    await new Promise((r) => setTimeout(r, 20));
    expect(offer(), 'no adapter for this DNS host: no button that cannot work').toBeNull();
    cleanup();
    host({ apply_target: () => practiceTarget });
    repair(true);
    expect(await screen.findByRole('button', { name: 'Let MX Doctor make these changes' })).toBeTruthy();
    cleanup();
    host({ apply_target: () => keyTarget });
    repair();
    expect(await screen.findByRole('button', { name: 'Let MX Doctor make these changes' })).toBeTruthy();
  });

  it('previews the exact rows with what will change and what is already as needed', async () => {
    const calls = host({ apply_target: () => practiceTarget, apply_preview: () => preview });
    repair(true);
    await fireEvent.click(await screen.findByRole('button', { name: 'Let MX Doctor make these changes' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Show what will change' }));
    await screen.findByText('What MX Doctor will change');
    const rows = [...document.querySelectorAll('.apply-row')].map((li) => li.textContent?.replace(/\s+/g, ' ').trim());
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/Will change.*CNAME.*site\.cdn\.test/);
    expect(rows[1]).toMatch(/Already as needed.*MX.*mx1\.qiye\.aliyun\.com/);
    expect(calls.find((c) => c.cmd === 'apply_preview')?.args).toMatchObject({ option: null, key: null });
    expect(screen.getByRole('button', { name: 'Make these changes' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeTruthy();
  });

  it('applies, says per row what was done, then asks the DNS host’s servers and offers the wait', async () => {
    const applied = journal('applied', ['done', 'skipped'], ['done']);
    const calls = host({
      apply_target: () => practiceTarget,
      apply_preview: () => preview,
      apply_changes: () => view(applied),
      verify_rows: (a) => (a as { rows: FixRow[] }).rows.map((row) => ({ row, state: 'saved', servers: [] })),
    });
    const { onsaved } = repair(true);
    await fireEvent.click(await screen.findByRole('button', { name: 'Let MX Doctor make these changes' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Show what will change' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Make these changes' }));
    await screen.findByText(/Every change was made, and your DNS host lists each one as planned/);
    const rows = [...document.querySelectorAll('.apply-row')].map((li) => li.querySelector('.apply-result')?.textContent?.replace(/\s+/g, ' ').trim());
    expect(rows).toEqual(['✓ Done', '= Already as needed']);
    // The same saved-check as "I've made the changes", then the wait as today.
    await screen.findByText(/Every change is saved at your DNS host/);
    expect(calls.some((c) => c.cmd === 'verify_rows')).toBe(true);
    await fireEvent.click(screen.getByRole('button', { name: 'Start waiting' }));
    expect(onsaved).toHaveBeenCalledWith(null);
  });

  it('says plainly that nothing was changed when the zone changed since the preview, and offers to check again', async () => {
    const refused = journal('refused', ['not_attempted', 'skipped'], ['not_attempted'], {
      message: 'Nothing was changed: the zone changed since the preview (example.com CNAME: was site.cdn.test, is now other.test).',
    });
    const calls = host({ apply_target: () => practiceTarget, apply_preview: () => preview, apply_changes: () => view(refused) });
    const { oncheckagain } = repair(true);
    await fireEvent.click(await screen.findByRole('button', { name: 'Let MX Doctor make these changes' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Show what will change' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Make these changes' }));
    await screen.findByText(/Nothing was changed: the records at your DNS host changed/);
    expect(screen.getByText(/is now other\.test/)).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/✓ Done|Every change was made/);
    expect(calls.some((c) => c.cmd === 'verify_rows'), 'no saved-check of changes never made').toBe(false);
    expect(screen.queryByRole('button', { name: 'Undo the changes MX Doctor made' })).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    expect(oncheckagain).toHaveBeenCalled();
  });

  it('shows what was done and what was not after a failure half-way, and offers undo', async () => {
    const partial = journal('partial', ['done', 'failed'], ['done', 'failed']);
    const undone = journal('partial', ['done', 'failed'], ['done', 'failed'], {
      undo: { started: 'x', finished: 'y', status: 'applied', message: 'All 1 record sets are back', steps: [{ seq: 1, at: null, result: 'done', error: null }] },
    });
    host({
      apply_target: () => practiceTarget,
      apply_preview: () => preview,
      apply_changes: () => view(partial),
      apply_undo: () => view(undone),
      verify_rows: (a) => (a as { rows: FixRow[] }).rows.map((row) => ({ row, state: 'not_saved', servers: [] })),
    });
    repair(true);
    await fireEvent.click(await screen.findByRole('button', { name: 'Let MX Doctor make these changes' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Show what will change' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Make these changes' }));
    await screen.findByText(/MX Doctor stopped part way/);
    const rows = [...document.querySelectorAll('.apply-row .apply-result')].map((s) => s.textContent?.replace(/\s+/g, ' ').trim());
    expect(rows).toEqual(['✓ Done', '✗ Failed']);
    await fireEvent.click(screen.getByRole('button', { name: 'Undo the changes MX Doctor made' }));
    await screen.findByText(/Every record set MX Doctor changed is back as it was/);
  });

  it('shows the DNS host’s refusal in the core’s words, and claims nothing', async () => {
    host({
      apply_target: () => keyTarget,
      apply_preview: () => Promise.reject({ code: 'dns_host', message: 'the DNS host did not accept the key (it may be wrong, revoked or expired): 401' }),
    });
    repair();
    await fireEvent.click(await screen.findByRole('button', { name: 'Let MX Doctor make these changes' }));
    await fireEvent.input(screen.getByLabelText('Key (token, API key or AccessKey ID)'), { target: { value: 'tok' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Show what will change' }));
    await screen.findByText(/did not accept the key/);
    expect(screen.queryByRole('button', { name: 'Make these changes' })).toBeNull();
  });

  it('passes the key to the apply commands only: never to the settings, the session or any other call', async () => {
    const secret = 'SUPER-SECRET-TOKEN-123';
    const calls = host({
      apply_target: () => keyTarget,
      apply_preview: () => ({ ...preview, dns_host: 'cloudflare', adapter: 'cloudflare' }),
      apply_changes: () => view(journal('applied', ['done', 'skipped'], ['done'], { dns_host: 'cloudflare', adapter: 'cloudflare' })),
      verify_rows: (a) => (a as { rows: FixRow[] }).rows.map((row) => ({ row, state: 'saved', servers: [] })),
    });
    repair();
    await fireEvent.click(await screen.findByRole('button', { name: 'Let MX Doctor make these changes' }));
    const remember = screen.getByLabelText('Remember this key on this computer') as HTMLInputElement;
    expect(remember.checked, 'off by default').toBe(false);
    await fireEvent.input(screen.getByLabelText('Key (token, API key or AccessKey ID)'), { target: { value: secret } });
    await fireEvent.click(screen.getByRole('button', { name: 'Show what will change' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Make these changes' }));
    await screen.findByText(/Every change is saved at your DNS host/);
    const carrying = calls.filter((c) => JSON.stringify(c.args ?? null).includes(secret)).map((c) => c.cmd);
    expect(carrying).toEqual(['apply_preview', 'apply_changes']);
    expect(calls.filter((c) => /save_settings|save_session|export|report/.test(c.cmd))).toEqual([]);
    expect(calls.find((c) => c.cmd === 'apply_changes')?.args).toMatchObject({ key: { key: secret, remember: false } });
    // Once used, the key leaves the window's fields.
    expect(document.body.innerHTML).not.toContain(secret);
  });
});

const waitView = { domain: 'example.com', mail_host: 'example.com', provider: 'alibaba-standard', status: 'clear', phase: 'clear', option: null, vantages: [], except: [], rows: [], optional_rows: [], queries: 3, cleared_at: '2026-01-02T03:10:00Z', at: '2026-01-02T03:10:00Z', earliest: null, latest: null, earliest_in: null, latest_in: null } as unknown as WaitView;

describe('Undo', () => {
  it('is offered on the Done step from the kept journal, and says truthfully what was put back', async () => {
    const applied = journal('applied', ['done', 'done'], ['done', 'done']);
    const some = journal('applied', ['done', 'done'], ['done', 'done'], {
      undo: {
        started: 'x',
        finished: 'y',
        status: 'partial',
        message: '1 of 2',
        steps: [
          { seq: 2, at: null, result: 'done', error: null },
          { seq: 1, at: null, result: 'failed', error: 'it was changed after MX Doctor’s change (it is now other.test), so it was left as it is' },
        ],
      },
    });
    host({ apply_journal: () => view(applied), apply_undo: () => view(some, { can_undo: true }) });
    const oncheckagain = vi.fn();
    render(Done, { view: waitView, report: report({ plan }), onagain: vi.fn(), oncheckagain });
    await fireEvent.click(await screen.findByRole('button', { name: 'Undo the changes MX Doctor made' }));
    await screen.findByText('Some record sets were put back and some were not:');
    expect(screen.getByText(/it is now other\.test/)).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/Every record set MX Doctor changed is back/);
    await fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    expect(oncheckagain).toHaveBeenCalled();
  });

  // The Done step said "Mail to example.com works again" above "Every record set … is back as it
  // was": the problem was back, and the headline still said mail worked.
  it('changes the Done headline once an undo put records back: mail working is no longer said', async () => {
    const applied = journal('applied', ['done', 'done'], ['done', 'done']);
    const back = journal('applied', ['done', 'done'], ['done', 'done'], {
      undo: { started: 'x', finished: 'y', status: 'applied', message: 'back', steps: [{ seq: 2, at: null, result: 'done', error: null }, { seq: 1, at: null, result: 'done', error: null }] },
    });
    host({ apply_journal: () => view(applied), apply_undo: () => view(back) });
    render(Done, { view: waitView, report: report({ plan }), onagain: vi.fn(), oncheckagain: vi.fn() });
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Mail to example.com works again');
    expect(await screen.findByText(/MX Doctor changed records of example\.com at your DNS host/)).toBeTruthy();
    await fireEvent.click(await screen.findByRole('button', { name: 'Undo the changes MX Doctor made' }));
    await waitFor(() => expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('The changes at example.com were undone'));
    expect(document.body.textContent).not.toMatch(/works again/);
  });

  it('is not offered when the journal has nothing left to undo', async () => {
    const undone = journal('applied', ['done', 'done'], ['done'], {
      undo: { started: 'x', finished: 'y', status: 'applied', message: '', steps: [{ seq: 1, at: null, result: 'done', error: null }] },
    });
    const calls = host({ apply_journal: () => view(undone) });
    render(Wait, { view: { ...waitView, status: 'waiting', phase: 'propagating' } as WaitView, receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
    await waitFor(() => expect(calls.some((c) => c.cmd === 'apply_journal')).toBe(true));
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByRole('button', { name: 'Undo the changes MX Doctor made' })).toBeNull();
  });

  it('asks for the key when the DNS host needs one and none is saved', async () => {
    const applied = journal('applied', ['done', 'done'], ['done'], { dns_host: 'cloudflare', adapter: 'cloudflare' });
    const calls = host({ apply_journal: () => view(applied, { needs_key: true }), apply_undo: () => view(applied) });
    render(Done, { view: waitView, report: null, onagain: vi.fn() });
    await fireEvent.click(await screen.findByRole('button', { name: 'Undo the changes MX Doctor made' }));
    expect(calls.some((c) => c.cmd === 'apply_undo'), 'not before the key is typed').toBe(false);
    await fireEvent.input(screen.getByLabelText('Key (token, API key or AccessKey ID)'), { target: { value: 'k' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Undo the changes MX Doctor made' }));
    await waitFor(() => expect(calls.find((c) => c.cmd === 'apply_undo')?.args).toMatchObject({ key: { key: 'k' } }));
  });
});

describe('catalogs', () => {
  it('have every one-click repair string in both languages', () => {
    const ours = Object.keys(en).filter((k) => k.startsWith('apply.') || k.startsWith('settings.forget') || k.startsWith('settings.keys'));
    expect(ours.length).toBeGreaterThan(30);
    for (const k of ours) expect(zhCN[k as keyof typeof zhCN], k).toBeTruthy();
  });
});
