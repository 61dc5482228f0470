import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import Wait from './Wait.svelte';
import type { VantageView, WaitView } from '../ipc';

afterEach(cleanup);

function vantage(over: Partial<VantageView>): VantageView {
  return {
    kind: 'authoritative',
    name: 'ns1.example.com',
    server: '192.0.2.1:53',
    state: 'clear',
    stale_ttl: null,
    expires_in: null,
    next_check: null,
    next_check_in: null,
    checked_at: null,
    gaps: [],
    failure: null,
    flush_url: null,
    queries: 2,
    ...over,
  };
}

function view(over: Partial<WaitView>): WaitView {
  return {
    domain: 'example.com',
    provider: 'alibaba-standard',
    status: 'waiting',
    phase: 'propagating',
    round: 2,
    at: '2026-11-22T10:00:00Z',
    started_at: '2026-11-22T09:59:00Z',
    saved_at: '2026-11-22T09:59:30Z',
    earliest: '2026-11-22T10:00:40Z',
    latest: '2026-11-22T10:01:31Z',
    earliest_in: 40,
    latest_in: 91,
    cleared_at: null,
    deadline: '2026-11-24T09:59:00Z',
    vantages: [],
    queries: 10,
    ...over,
  };
}

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
    expect(google.textContent).toContain('old records for up to 41 s more');
    expect(google.textContent).toContain('next check in 41 s');
    expect(google.textContent).toContain('https://developers.google.com/speed/public-dns/cache');
    const quad9 = screen.getByText('Quad9').closest('tr')!;
    expect(quad9.textContent).toContain('No answer');
    expect(quad9.textContent).toContain('did not answer within 3.0 s');
    expect(screen.getByText(/MX Doctor sees one of them/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'See the summary' })).toBeNull();
  });

  it('counts down between rounds', async () => {
    vi.useFakeTimers();
    try {
      const v = view({ vantages: [vantage({ kind: 'public', name: 'Google Public DNS', state: 'stale', expires_in: 41, next_check_in: 41 })] });
      render(Wait, { view: v, receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
      const row = () => screen.getByText('Google Public DNS').closest('tr')!.textContent ?? '';
      expect(row()).toContain('next check in 41 s');
      await vi.advanceTimersByTimeAsync(5_000);
      expect(row()).toContain('next check in 36 s');
      expect(row()).toContain('old records for up to 36 s more');
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
