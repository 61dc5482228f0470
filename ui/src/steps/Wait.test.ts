import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import Wait from './Wait.svelte';
import { expectShownAsText, HOSTILE, vantage, waitView } from '../test-support';
import type { DnsRecord, FixRow, RecordData, Unanswered, WaitView } from '../ipc';

afterEach(cleanup);

const view = waitView;

describe('Wait', () => {
  it('in practice mode, names the practice caches instead of their loopback addresses', () => {
    const v = view({
      vantages: [
        vantage({}),
        vantage({ kind: 'custom', name: '127.0.0.21:53053', server: '127.0.0.21:53053', state: 'stale', expires_in: 30 }),
        vantage({ kind: 'custom', name: '127.0.0.22:53053', server: '127.0.0.22:53053' }),
      ],
    });
    const { container, unmount } = render(Wait, { view: v, receivedAt: Date.now(), technical: false, practice: true, onrestart: vi.fn(), ondone: vi.fn() });
    expect(screen.getByText('Practice cache 2')).toBeTruthy();
    expect(screen.getAllByText(/^Practice DNS cache/)).toHaveLength(2);
    expect(container.textContent).not.toContain('127.0.0.2');
    expect(screen.getByText('ns1.example.com')).toBeTruthy();
    // One practice cache is one cache: the note on large public services' many copies is left out.
    expect(screen.queryByText(/keeps many copies/)).toBeNull();
    unmount();
    // Outside practice mode a resolver the user listed keeps its address as its name.
    render(Wait, { view: v, receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
    expect(screen.getByText('127.0.0.22:53053')).toBeTruthy();
    expect(screen.getByText(/keeps many copies/)).toBeTruthy();
  });

  it('shows each server with its state, the countdown and the flush page', () => {
    const v = view({
      vantages: [
        vantage({}),
        vantage({ kind: 'public', name: 'Google Public DNS', server: '8.8.8.8:53', state: 'stale', stale_ttl: 40, expires_in: 41, next_check_in: 41, flush_url: 'https://developers.google.com/speed/public-dns/cache' }),
        vantage({ kind: 'public', name: 'Quad9', server: '9.9.9.9:53', state: 'failed', failure: '9.9.9.9:53 did not answer within 3.0 s', next_check_in: 15 }),
      ],
    });
    render(Wait, { view: v, receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
    expect(screen.getByText(/1 of 3 places show the new ones/)).toBeTruthy();
    const google = screen.getByText('Google Public DNS').closest('tr')!;
    expect(google.textContent).toContain('Still has the old records');
    // The next question is timed for when the old copy runs out: said once, not "41 s · next
    // check in 41 s".
    expect(google.textContent).toContain('old records for up to 41 s more, asked again then');
    expect(google.textContent!.match(/41/g)).toHaveLength(1);
    expect(google.textContent).toContain('https://developers.google.com/speed/public-dns/cache');
    const quad9 = screen.getByText('Quad9').closest('tr')!;
    expect(quad9.textContent).toContain('No answer');
    expect(quad9.textContent).toContain('next check in 15 seconds');
    // The core's English reason is technical: shown only with technical details on.
    expect(quad9.textContent).not.toContain('did not answer within 3.0 s');
    expect(screen.getByText(/MX Doctor sees one of them/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'See the summary' })).toBeNull();
  });

  it('counts down between rounds', async () => {
    vi.useFakeTimers();
    try {
      const v = view({ vantages: [vantage({ kind: 'public', name: 'Google Public DNS', state: 'stale', expires_in: 41, next_check_in: 41 })] });
      render(Wait, { view: v, receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
      const row = () => screen.getByText('Google Public DNS').closest('tr')!.textContent ?? '';
      expect(row()).toContain('old records for up to 41 s more, asked again then');
      await vi.advanceTimersByTimeAsync(5_000);
      expect(row()).toContain('old records for up to 36 s more, asked again then');
    } finally {
      vi.useRealTimers();
    }
  });

  it('says the change is not saved, and that caches wait for it', () => {
    const v = view({
      phase: 'not_saved',
      earliest: null,
      latest: null,
      vantages: [vantage({ state: 'not_saved', next_check_in: 15 }), vantage({ kind: 'system', name: "This computer's resolver", state: 'stale', expires_in: 50 })],
    });
    render(Wait, { view: v, receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
    expect(screen.getByText(/not saved at your DNS host yet/)).toBeTruthy();
    expect(screen.getByText(/asked again once the change is saved/)).toBeTruthy();
    expect(screen.queryByText(/Expected between/)).toBeNull();
  });

  it('offers the summary once clear', async () => {
    const ondone = vi.fn();
    const v = view({ status: 'clear', phase: 'clear', cleared_at: '2026-11-22T10:00:41Z', vantages: [vantage({})] });
    render(Wait, { view: v, receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone });
    await fireEvent.click(screen.getByRole('button', { name: 'See the summary' }));
    expect(ondone).toHaveBeenCalled();
  });
});

const silentNs2: Unanswered = { kind: 'authoritative', name: 'ns2.example.com', server: '192.0.2.2:53', failure: '192.0.2.2:53 did not answer within 3.0 s', last_old: false };
const summary = () => document.querySelector('p.summary')!.textContent ?? '';

describe('Wait, when some server is silent', () => {
  it('never calls the change saved while a DNS host server has not answered, and names it', () => {
    const v = view({
      phase: 'saved_except',
      except: [silentNs2],
      vantages: [vantage({}), vantage({ name: 'ns2.example.com', server: '192.0.2.2:53', state: 'failed', failure: silentNs2.failure, next_check_in: 10 })],
    });
    render(Wait, { view: v, receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
    expect(summary()).not.toContain('Your change is saved');
    expect(summary()).toContain('cannot be confirmed saved');
    expect(summary()).toContain('ns2.example.com (no answer)');
  });

  it('with no DNS host server asked at all, never says none of them gives the old records', () => {
    const unasked: Unanswered = { kind: 'authoritative', name: 'ns1.example.com', server: null, failure: null, last_old: false };
    const v = view({ phase: 'saved_except', except: [unasked], vantages: [vantage({ kind: 'public', name: 'Google Public DNS', server: '8.8.8.8:53', state: 'clear' })] });
    render(Wait, { view: v, receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
    expect(summary()).not.toContain('gives the old records any more');
    expect(summary()).toContain("None of your DNS host's servers answered");
    expect(summary()).toContain('ns1.example.com (its address was never found)');
  });

  it('says which DNS host server went silent after giving the old records', () => {
    const v = view({ phase: 'not_saved', except: [{ ...silentNs2, last_old: true }], vantages: [vantage({})] });
    render(Wait, { view: v, receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
    expect(summary()).toContain('not saved at your DNS host yet');
    expect(summary()).toContain('ns2.example.com gave the old records and then stopped answering');
  });

  it('ends clear except the silent servers, each named with why, and offers the summary', async () => {
    const ondone = vi.fn();
    const v = view({
      status: 'clear_except',
      phase: 'clear_except',
      cleared_at: '2026-11-22T10:05:00Z',
      except: [
        { kind: 'public', name: 'Quad9', server: '9.9.9.9:53', failure: 'timed out', last_old: false },
        { kind: 'authoritative', name: 'ns3.example.com', server: null, failure: null, last_old: false },
      ],
      vantages: [vantage({}), vantage({ kind: 'public', name: 'Quad9', server: '9.9.9.9:53', state: 'failed', failure: 'timed out', next_check_in: 0 })],
    });
    render(Wait, { view: v, receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone });
    expect(summary()).not.toContain('Every server gives the repaired records');
    expect(summary()).toContain('Quad9 (no answer)');
    expect(summary()).toContain('ns3.example.com (its address was never found)');
    // The wait is over: nobody is being asked any more.
    expect(screen.getByText('Quad9').closest('tr')!.textContent).not.toContain('asking now');
    await fireEvent.click(screen.getByRole('button', { name: 'See the summary' }));
    expect(ondone).toHaveBeenCalled();
  });

  it('offers the summary when the wait ran out, not while it runs', () => {
    const { unmount } = render(Wait, { view: view({ status: 'timeout', phase: 'timed_out', vantages: [vantage({})] }), receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
    expect(screen.getByRole('button', { name: 'See the summary' })).toBeTruthy();
    unmount();
    render(Wait, { view: view({ vantages: [vantage({})] }), receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
    expect(screen.queryByRole('button', { name: 'See the summary' })).toBeNull();
  });
});

const rec = (name: string, data: RecordData, ttl = 300): DnsRecord => ({ name, ttl, ...data });
const alias = rec('example.com', { type: 'CNAME', target: 'site.cdn.example.net' });
const delAlias: FixRow = { action: 'delete', host: '@', type: 'CNAME', priority: null, value: 'site.cdn.example.net', new_value: null };
const addA: FixRow = { action: 'add', host: '@', type: 'A', priority: null, value: '203.0.113.7', new_value: null };
const addMx: FixRow = { action: 'add', host: '@', type: 'MX', priority: 5, value: 'mx1.qiye.aliyun.com', new_value: null };

describe('Wait, the difference', () => {
  function differing(technical: boolean) {
    const v = view({
      phase: 'not_saved',
      vantages: [
        vantage({
          state: 'not_saved',
          next_check_in: 12,
          gaps: [{ kind: 'row_differs', row: addMx, ttl: 600, records: [rec('example.com', { type: 'MX', preference: 10, exchange: 'mx.old.example' }, 600)] }],
        }),
        vantage({
          kind: 'public',
          name: 'Google Public DNS',
          server: '8.8.8.8:53',
          state: 'stale',
          expires_in: 50,
          gaps: [
            { kind: 'alias_present', ttl: 300, records: [alias] },
            { kind: 'row_differs', row: delAlias, ttl: 300, records: [alias] },
            { kind: 'row_differs', row: addA, ttl: 300, records: [alias, rec('site.cdn.example.net', { type: 'A', address: '198.51.100.9' })] },
          ],
        }),
      ],
    });
    return render(Wait, { view: v, receivedAt: Date.now(), technical, onrestart: vi.fn(), ondone: vi.fn() });
  }

  it('shows what was asked and what each server gives instead', () => {
    differing(false);
    const host = screen.getByText('ns1.example.com').closest('tr')!.textContent!;
    expect(host).toContain('Asked: add this MX row at @: 5 mx1.qiye.aliyun.com');
    expect(host).toContain('Gives now: 10 mx.old.example');
    const google = screen.getByText('Google Public DNS').closest('tr')!.textContent!;
    expect(google).toContain('Still an alias: example.com points to site.cdn.example.net');
    expect(google).toContain('Asked: delete the CNAME row at @: site.cdn.example.net');
    expect(google).toContain('Asked: add this A row at @: 203.0.113.7');
    // Behind the alias the A row is not seen: the CDN's address is not called the row.
    expect(google).toContain('nothing it can show: the alias hides this row');
    expect(google).not.toContain('198.51.100.9');
    expect(google).not.toContain('TTL');
  });

  it('adds the raw answer records with technical details on', () => {
    differing(true);
    const google = screen.getByText('Google Public DNS').closest('tr')!.textContent!;
    expect(google).toContain('198.51.100.9');
    expect(google).toContain('TTL 300');
  });

  it('shows hostile DNS text as text, never as HTML', () => {
    const txt: FixRow = { action: 'add', host: '@', type: 'TXT', priority: null, value: 'v=spf1 include:spf.example -all', new_value: null };
    const evil = '<img src=x onerror="window.__pwned=1">';
    const v = view({
      vantages: [vantage({ state: 'not_saved', gaps: [{ kind: 'row_differs', row: txt, ttl: 60, records: [rec('example.com', { type: 'TXT', text: evil })] }] })],
    });
    const { container } = render(Wait, { view: v, receivedAt: Date.now(), technical: true, onrestart: vi.fn(), ondone: vi.fn() });
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toContain(evil);
  });
});

describe('Wait, the countdown', () => {
  it('says "asking now" at 0 instead of a countdown that stays at 0 s, and never "up to 0 s more"', async () => {
    vi.useFakeTimers();
    try {
      const v = view({ vantages: [vantage({ kind: 'public', name: 'Google Public DNS', server: '8.8.8.8:53', state: 'stale', expires_in: 3, next_check_in: 3 })] });
      render(Wait, { view: v, receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
      const row = () => screen.getByText('Google Public DNS').closest('tr')!.textContent ?? '';
      expect(row()).toContain('old records for up to 3 s more, asked again then');
      await vi.advanceTimersByTimeAsync(4_000);
      expect(row()).toContain('asking now…');
      expect(row()).toContain('its old copy has run out');
      expect(row()).not.toContain('0 s');
    } finally {
      vi.useRealTimers();
    }
  });

  it('while the change is not saved, a cache whose copy ran out is asked again once it is', () => {
    const v = view({
      phase: 'not_saved',
      vantages: [vantage({ state: 'not_saved', next_check_in: 10 }), vantage({ kind: 'system', name: "This computer's resolver", server: '127.0.0.53:53', state: 'stale', expires_in: 0 })],
    });
    render(Wait, { view: v, receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
    const row = screen.getByText("This computer's DNS service").closest('tr')!.textContent ?? '';
    expect(row).toContain('its old copy has run out');
    expect(row).toContain('asked again once the change is saved');
    expect(row).not.toContain('up to 0 s');
  });

  it('lists a server a wait names twice twice, and hostile names and answers as text', () => {
    const oldTxt: DnsRecord = { name: HOSTILE.newline, ttl: 600, type: 'TXT', text: HOSTILE.html };
    const twin = vantage({ kind: 'public', name: HOSTILE.html, server: '8.8.8.8:53', state: 'stale', expires_in: 30, gaps: [{ kind: 'spf_include_missing', ttl: 600, records: [oldTxt, oldTxt] }] });
    const v = view({
      vantages: [twin, twin, vantage({ name: HOSTILE.newline }), vantage({ name: HOSTILE.rtl }), vantage({ name: HOSTILE.long, server: HOSTILE.long })],
    });
    const { container } = render(Wait, { view: v, receivedAt: Date.now(), technical: true, onrestart: vi.fn(), ondone: vi.fn() });
    const rows = container.querySelectorAll('tr.vantage');
    expect(rows).toHaveLength(5);
    expect([...rows].filter((r) => r.querySelector('th')!.textContent!.startsWith(HOSTILE.html))).toHaveLength(2);
    expect(screen.getByText(/3 of 5 places show the new ones/)).toBeTruthy();
    expectShownAsText(container);
  });

  it('lists two practice caches at the same address both', () => {
    const cache = vantage({ kind: 'custom', name: '127.0.0.21:53053', server: '127.0.0.21:53053' });
    const { container } = render(Wait, { view: view({ vantages: [cache, cache] }), receivedAt: Date.now(), technical: false, practice: true, onrestart: vi.fn(), ondone: vi.fn() });
    expect(container.querySelectorAll('tr.vantage')).toHaveLength(2);
  });
});

describe('Wait, its times and its heading', () => {
  it('says when to expect the change relative to now, the clock time on hover, and each countdown once', () => {
    const v = view({
      earliest_in: 40,
      latest_in: 91,
      vantages: [
        vantage({}),
        vantage({ kind: 'public', name: 'Quad9', server: '9.9.9.9:53', state: 'stale', expires_in: 290, next_check_in: 29 }),
      ],
    });
    const { container } = render(Wait, { view: v, receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
    const line = container.querySelector('p.expected')!;
    expect(line.textContent?.trim()).toBe('Expected to be done in 40 seconds, in about 2 minutes at the latest.');
    const times = [...line.querySelectorAll('time')];
    // The clock time is there on hover, not in the sentence.
    expect(times).toHaveLength(2);
    expect(line.textContent).not.toMatch(/\d:\d\d/);
    for (const t of times) expect(t.getAttribute('title')).toMatch(/\d{1,2}:\d{2}/);
    const quad9 = screen.getByText('Quad9').closest('tr')!.textContent ?? '';
    expect(quad9).toContain('next check in 29 seconds');
    expect(quad9.match(/29/g), 'the seconds are said once').toHaveLength(1);
  });

  it('says "in about a minute" rather than a count of seconds past a minute', () => {
    const v = view({ earliest_in: 65, latest_in: 3 * 3600, vantages: [vantage({})] });
    const { container } = render(Wait, { view: v, receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
    expect(container.querySelector('p.expected')!.textContent?.trim()).toBe('Expected to be done in about a minute, in about 3 hours at the latest.');
  });

  it('once the earliest time has passed says only the latest, and once that has passed its clock time, never "in 0 seconds"', () => {
    const by = render(Wait, { view: view({ earliest_in: 0, latest_in: 30, vantages: [vantage({})] }), receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
    expect(by.container.querySelector('p.expected')!.textContent?.trim()).toBe('Expected to be done in 30 seconds at the latest.');
    by.unmount();
    const late = render(Wait, { view: view({ earliest_in: 0, latest_in: 0, vantages: [vantage({})] }), receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
    const line = late.container.querySelector('p.expected')!.textContent ?? '';
    expect(line).toMatch(/^\s*Expected to be done by .*\d:\d\d.*; it is taking longer, and MX Doctor keeps asking\.\s*$/);
    expect(line).not.toContain('0 seconds');
  });

  it('heads the screen with where the wait stands: waiting, all clear, clear where answered, stopped', () => {
    const headings: [WaitView['status'], WaitView['phase'], string][] = [
      ['waiting', 'propagating', 'Waiting for the change to reach everyone'],
      ['clear', 'clear', 'All clear'],
      ['clear_except', 'clear_except', 'Clear wherever an answer came'],
      ['timeout', 'timed_out', 'The wait has stopped'],
    ];
    for (const [status, phase, heading] of headings) {
      const { unmount } = render(Wait, { view: view({ status, phase, vantages: [vantage({})] }), receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
      expect(screen.getByRole('heading', { level: 2 }).textContent, status).toBe(heading);
      unmount();
    }
  });
});
