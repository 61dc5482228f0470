import { describe, expect, it, vi } from 'vitest';
import { isNewer, waitFollower } from './wait-order';
import { waitView } from './test-support';

describe('the wait’s views in order', () => {
  const before = waitView({ round: 40, at: '2026-11-22T10:13:00Z', phase: 'checking' });
  const round41 = waitView({ round: 41, at: '2026-11-22T10:13:01Z', phase: 'propagating' });

  it('never takes an older round, nor an earlier picture of the same round', () => {
    expect(isNewer(null, before)).toBe(true);
    expect(isNewer(round41, before), 'the view from before the first round came last').toBe(false);
    expect(isNewer(before, round41)).toBe(true);
    expect(isNewer(round41, { ...round41, at: '2026-11-22T10:13:00Z' })).toBe(false);
    expect(isNewer(round41, { ...round41, at: '2026-11-22T10:13:05Z' })).toBe(true);
  });

  it('shows the newest view whichever arrives first, and drops a wait left behind', () => {
    const show = vi.fn();
    const rounds = waitFollower(show);
    const take = rounds.follow();
    take(round41); // over the channel, before the command answered
    take(before); // the command's answer
    expect(show.mock.calls.map(([v]) => v.round)).toEqual([41]);
    const next = rounds.follow();
    take(waitView({ round: 42, at: '2026-11-22T10:14:00Z' }));
    expect(show, 'a round of the wait left behind').toHaveBeenCalledTimes(1);
    next(waitView({ round: 0, at: '2026-11-22T10:15:00Z' }));
    expect(show).toHaveBeenCalledTimes(2);
    rounds.stop();
    next(waitView({ round: 1, at: '2026-11-22T10:15:10Z' }));
    expect(show).toHaveBeenCalledTimes(2);
  });

  it('knows the newest view of the current wait, whichever arrived first', () => {
    const rounds = waitFollower(() => undefined);
    expect(rounds.newest()).toBeNull();
    const take = rounds.follow();
    take(round41);
    take(before);
    expect(rounds.newest()?.round, 'the answer from before the first round came last').toBe(41);
    rounds.stop();
    expect(rounds.newest(), 'no wait any more').toBeNull();
  });
});
