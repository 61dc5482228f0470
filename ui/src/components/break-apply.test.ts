/**
 * Attacks on "Let MX Doctor make these changes" (apply, undo) in the window. Every test here
 * FAILS on the product as it stands: each is a sentence the window says that is not true, or a
 * refusal it does not say. The user cannot check any of it (they never heard of a CNAME).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import Repair from '../steps/Repair.svelte';
import Done from '../steps/Done.svelte';
import UndoPanel from './UndoPanel.svelte';
import { report } from '../test-support';
import type { ApplyTarget, FixRow, Journal, JournalView, Preview, RepairPlan, RowResult, WaitView } from '../ipc';

afterEach(() => {
  cleanup();
  clearMocks();
});

const del: FixRow = { action: 'delete', host: '@', type: 'CNAME', priority: null, value: 'site.cdn.test', new_value: null };
const mx: FixRow = { action: 'add', host: '@', type: 'MX', priority: 5, value: 'mx1.qiye.aliyun.com', new_value: null };
const mx2: FixRow = { action: 'add', host: '@', type: 'MX', priority: 10, value: 'mx2.qiye.aliyun.com', new_value: null };
const plan: RepairPlan = { steps: [{ id: 'delete_cname', rows: [del] }, { id: 'mail_servers', rows: [mx, mx2] }], target: [mx, mx2] };
const set = (name: string, type: 'CNAME' | 'MX', values: string[], ttl: number | null = 60) => ({ name, type, ttl, values: values.map((value) => ({ value })) });

const preview: Preview = {
  domain: 'example.com',
  zone: 'example.com',
  dns_host: 'practice',
  adapter: 'practice',
  endpoint: null,
  rows: [del, mx, mx2],
  row_results: ['planned', 'planned', 'planned'],
  ops: [
    { before: set('example.com', 'CNAME', ['site.cdn.test']), after: set('example.com', 'CNAME', []), rows: [0] },
    { before: set('example.com', 'MX', []), after: set('example.com', 'MX', ['mx1.qiye.aliyun.com', 'mx2.qiye.aliyun.com']), rows: [1, 2] },
  ],
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
    rows: [del, mx, mx2],
    row_results: rows,
    steps: steps.map((result, i) => ({
      seq: i + 1,
      before: preview.ops[i]!.before,
      after: preview.ops[i]!.after,
      rows: preview.ops[i]!.rows,
      at: '2026-01-02T03:04:05Z',
      result,
      error: result === 'done' || result === 'not_attempted' ? null : 'the DNS host’s API did not answer in time',
    })),
    undo: null,
    ...over,
  };
}

const view = (j: Journal, over: Partial<JournalView> = {}): JournalView => ({
  journal: j,
  can_undo: j.steps.some((s) => s.result === 'done' || s.result === 'unconfirmed') && j.undo?.status !== 'applied',
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

async function applyFromRepair(practice = true) {
  render(Repair, { report: report({ plan }), practice, onback: vi.fn(), onsaved: vi.fn(), oncheckagain: vi.fn() });
  await fireEvent.click(await screen.findByRole('button', { name: 'Let MX Doctor make these changes' }));
}

const clearView = {
  domain: 'example.com',
  mail_host: 'example.com',
  provider: 'alibaba-standard',
  status: 'clear',
  phase: 'clear',
  option: null,
  vantages: [],
  except: [],
  rows: [],
  optional_rows: [],
  queries: 3,
  cleared_at: '2026-01-02T03:10:00Z',
  at: '2026-01-02T03:10:00Z',
  earliest: null,
  latest: null,
  earliest_in: null,
  latest_in: null,
} as unknown as WaitView;

describe('break: apply results said as more than they are', () => {
  it('break-apply: a partial apply with a "Sent, not confirmed" row does not say the other rows were not changed', async () => {
    // The CNAME delete was made; the MX write timed out and reading it back failed: the row
    // says "Sent, not confirmed" (the core: "the change may or may not have been made").
    // The headline says "the rows marked Done were changed, the others were not" — so the user
    // believes the MX rows are NOT at the DNS host, while they may well be. A false sentence.
    const partial = journal('partial', ['done', 'unconfirmed', 'unconfirmed'], ['done', 'unconfirmed']);
    host({
      apply_target: () => practiceTarget,
      apply_preview: () => preview,
      apply_changes: () => view(partial),
      verify_rows: (a) => (a as { rows: FixRow[] }).rows.map((row) => ({ row, state: 'not_saved', servers: [] })),
    });
    await applyFromRepair();
    await fireEvent.click(screen.getByRole('button', { name: 'Show what will change' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Make these changes' }));
    await screen.findAllByText(/Sent, not confirmed/);
    const headline = document.querySelector('.apply-panel .summary')!.textContent!;
    expect(headline, 'a row that may have been changed is not "not changed"').not.toMatch(/the others were not/);
  });

  it('break-apply: a refusal because the journal could not be saved (full disk) does not say the DNS host records changed', async () => {
    // The core refuses (status "refused", nothing written) when the journal cannot be saved
    // before the first write — a local disk problem. The window's headline for every refusal is
    // "the records at your DNS host changed since MX Doctor showed you what would change. Check
    // again": the user is told something happened at their DNS host that did not, and sent to
    // "Check again", which cannot help with a full disk.
    const refused = journal('refused', ['not_attempted', 'not_attempted', 'not_attempted'], ['not_attempted', 'not_attempted'], {
      refusal: 'journal_not_saved',
      message:
        'Nothing was changed: the journal (the record of what will be changed, needed for undo) could not be saved: No space left on device (os error 28).',
    });
    host({ apply_target: () => practiceTarget, apply_preview: () => preview, apply_changes: () => view(refused) });
    await applyFromRepair();
    await fireEvent.click(screen.getByRole('button', { name: 'Show what will change' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Make these changes' }));
    await screen.findByText(/No space left on device/);
    const headline = document.querySelector('.apply-panel .summary')!.textContent!;
    expect(headline, 'the DNS host’s records did not change; the disk is full').not.toMatch(/records at your DNS host changed/);
  });

  it('break-apply: an apply whose only change is "Sent, not confirmed" still runs the saved-check', async () => {
    // The first write timed out but may have been made (step "unconfirmed"; journal "partial",
    // undo offered). ApplyPanel calls onapplied (the per-row saved-check) only when some step is
    // "done", so here nobody asks the DNS host's servers whether the row is there: the user is
    // left with "Sent, not confirmed" and the "I've made the changes" button of a manual repair.
    const partial = journal('partial', ['unconfirmed', 'not_attempted', 'not_attempted'], ['unconfirmed', 'not_attempted']);
    const calls = host({
      apply_target: () => practiceTarget,
      apply_preview: () => preview,
      apply_changes: () => view(partial),
      verify_rows: (a) => (a as { rows: FixRow[] }).rows.map((row) => ({ row, state: 'not_saved', servers: [] })),
    });
    await applyFromRepair();
    await fireEvent.click(screen.getByRole('button', { name: 'Show what will change' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Make these changes' }));
    await screen.findAllByText(/Sent, not confirmed/);
    await new Promise((r) => setTimeout(r, 20));
    expect(calls.some((c) => c.cmd === 'verify_rows'), 'the per-row saved-check follows every apply that may have changed something').toBe(true);
  });
});

describe('break: undo', () => {
  it('break-apply: the Done step no longer says "Mail works again" once every change was undone', async () => {
    // Done says "Mail to example.com works again". The user clicks "Undo the changes MX Doctor
    // made"; the panel says "Every record set MX Doctor changed is back as it was" — the alias
    // is back and mail is broken again — yet the heading above still says mail works again.
    const applied = journal('applied', ['done', 'done', 'done'], ['done', 'done']);
    const undone = journal('applied', ['done', 'done', 'done'], ['done', 'done'], {
      undo: {
        started: '2026-01-02T04:00:00Z',
        finished: '2026-01-02T04:00:01Z',
        status: 'applied',
        message: 'All 2 record sets are back as they were, and the DNS host lists each one so.',
        steps: [
          { seq: 2, at: null, result: 'done', error: null },
          { seq: 1, at: null, result: 'done', error: null },
        ],
      },
    });
    host({ apply_journal: () => view(applied), apply_undo: () => view(undone) });
    render(Done, { view: clearView, report: report({ plan }), onagain: vi.fn(), oncheckagain: vi.fn() });
    await fireEvent.click(await screen.findByRole('button', { name: 'Undo the changes MX Doctor made' }));
    await screen.findByText(/Every record set MX Doctor changed is back as it was/);
    const heading = screen.getByRole('heading', { level: 2 }).textContent!;
    expect(heading, 'the repair was undone: mail does not work again').not.toMatch(/works again/);
  });

  it('break-apply: an undo refused by the core (journal changed since / not one MX Doctor wrote) is said, not silent', async () => {
    // apply_undo answers with journal.undo.status "refused" ("Nothing was put back: this journal
    // is not one MX Doctor wrote, or it was changed since …"). undoStatusKey has no sentence for
    // "refused", so the window shows the same "MX Doctor changed records… Undo puts back…" hint
    // and the same button as before the click: the user is not told that nothing was put back
    // nor why (DESIGN: "every refusal says … what to do next").
    const applied = journal('applied', ['done', 'done', 'done'], ['done', 'done']);
    const refused = journal('applied', ['done', 'done', 'done'], ['done', 'done'], {
      undo: {
        started: '2026-01-02T04:00:00Z',
        finished: '2026-01-02T04:00:00Z',
        status: 'refused',
        message: 'Nothing was put back: this journal is not one MX Doctor wrote, or it was changed since (the zone example.com is not the domain’s).',
        steps: [],
      },
    });
    host({ apply_journal: () => view(applied), apply_undo: () => view(refused) });
    render(Done, { view: clearView, report: report({ plan }), onagain: vi.fn(), oncheckagain: vi.fn() });
    await fireEvent.click(await screen.findByRole('button', { name: 'Undo the changes MX Doctor made' }));
    await new Promise((r) => setTimeout(r, 30));
    expect(document.body.textContent, 'the refusal is said: nothing was put back').toMatch(/Nothing was put back|not put back|could not/i);
  });

  it('break-apply: "back as it was" is not said when the core says the TTL is now another one', async () => {
    // A DNS host whose API gives no TTL (Alibaba, DNSPod…): the core puts the records back at
    // its default TTL and says so ("they now have a TTL of 600 seconds, which may differ from
    // what they had"). The window drops that message and says "Every record set MX Doctor
    // changed is back as it was" — not true, and the user is never told the TTL changed.
    const before = { ...preview.ops[0]!.before, ttl: null };
    const applied = journal('applied', ['done', 'done', 'done'], ['done'], { dns_host: 'alibaba-cloud-dns', adapter: 'alibaba-cloud-dns' });
    applied.steps[0]!.before = before;
    const undone: Journal = {
      ...applied,
      undo: {
        started: '2026-01-02T04:00:00Z',
        finished: '2026-01-02T04:00:01Z',
        status: 'applied',
        message:
          "All 1 record sets hold their old records again, and the DNS host lists each one so. This DNS host's API does not tell MX Doctor the TTL, so they now have a TTL of 600 seconds, which may differ from what they had.",
        steps: [{ seq: 1, at: null, result: 'done', error: null }],
      },
    };
    host({ apply_journal: () => view(applied), apply_undo: () => view(undone) });
    render(UndoPanel, { oncheckagain: vi.fn() });
    await fireEvent.click(await screen.findByRole('button', { name: 'Undo the changes MX Doctor made' }));
    await waitFor(() => expect(document.querySelector('.undo-panel .summary')).toBeTruthy());
    const said = document.querySelector('.undo-panel')!.textContent!;
    expect(said.includes('back as it was') && !/TTL/.test(said), 'says "back as it was" while the TTL is not what it was').toBe(false);
  });

  it('break-apply: the Done step of another domain does not offer to undo example.com’s changes without naming it', async () => {
    // The store keeps the journal of the LAST apply, whatever domain. The user fixed
    // example.com with MX Doctor last week; today they check and wait for other.org by hand.
    // other.org's Done step offers "Undo the changes MX Doctor made" with "MX Doctor changed
    // records at your DNS host (<time>)" — no domain. Clicking it puts example.com's alias back,
    // from a page about other.org.
    const applied = journal('applied', ['done', 'done', 'done'], ['done', 'done']);
    host({ apply_journal: () => view(applied) });
    const other = { ...clearView, domain: 'other.org', mail_host: 'other.org' } as WaitView;
    render(Done, { view: other, report: report({ domain: 'other.org', domain_unicode: 'other.org', plan }), onagain: vi.fn(), oncheckagain: vi.fn() });
    await new Promise((r) => setTimeout(r, 30));
    const undo = screen.queryByRole('button', { name: 'Undo the changes MX Doctor made' });
    const panel = document.querySelector('.undo-panel')?.textContent ?? '';
    expect(undo === null || panel.includes('example.com'), 'an undo of another domain’s changes, offered as this one’s').toBe(true);
  });
});

describe('break: the key', () => {
  it('break-apply: the key is not kept in the window after a failed apply', async () => {
    // "Make these changes" rejects (here: the saved preview was already used, or the DNS host's
    // adapter could not be made). The key typed for this apply stays in ApplyPanel's state:
    // the next click sends it again, minutes later, without the user typing it. The brief:
    // never in the window's memory longer than the apply.
    const secret = 'SUPER-SECRET-TOKEN-456';
    let n = 0;
    const calls = host({
      apply_target: () => keyTarget,
      apply_preview: () => ({ ...preview, dns_host: 'cloudflare', adapter: 'cloudflare' }),
      apply_changes: () => (n++ === 0 ? Promise.reject({ code: 'dns_host', message: 'the DNS host’s API could not be reached: connection reset' }) : Promise.reject({ code: 'dns_host', message: 'Show what will change first.' })),
    });
    await applyFromRepair(false);
    await fireEvent.input(screen.getByLabelText('Key (token, API key or AccessKey ID)'), { target: { value: secret } });
    await fireEvent.click(screen.getByRole('button', { name: 'Show what will change' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Make these changes' }));
    await screen.findByText(/could not be reached/);
    // The preview is used up by the failed apply (the app dropped it) and the key is gone: both
    // are asked for again; no second apply can go out with the old key.
    expect(screen.queryByRole('button', { name: 'Make these changes' })).toBeNull();
    expect((screen.getByLabelText('Key (token, API key or AccessKey ID)') as HTMLInputElement).value).toBe('');
    await fireEvent.click(screen.getByRole('button', { name: 'Show what will change' }));
    const again = calls.filter((c) => c.cmd === 'apply_preview');
    expect(JSON.stringify(again[again.length - 1]!.args), 'the key outlived the apply it was typed for').not.toContain(secret);
  });
});
