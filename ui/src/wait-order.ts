/** The wait's rounds in order. `startWait` and `resumeWait` resolve with the view computed before
 * the first round, while that round's view may already have come over the channel: a view is
 * never replaced by an older one, and rounds of a wait left behind are dropped. */
import type { WaitView } from './ipc';

/** True when `next` shows the wait later than `shown` does: a later round, or the same round at
 * a later (or the same) time. */
export function isNewer(shown: WaitView | null, next: WaitView): boolean {
  if (shown === null) return true;
  if (next.round !== shown.round) return next.round > shown.round;
  return Date.parse(next.at) >= Date.parse(shown.at);
}

/** Hands `show` each view of the current wait that is newer than the last one shown. */
export function waitFollower(show: (v: WaitView) => void) {
  let generation = 0;
  let shown: WaitView | null = null;
  return {
    /** A new wait: from now on, views of earlier ones are dropped. The function takes every view
     * of this one, from the channel and from the command's answer alike. */
    follow(): (v: WaitView) => void {
      const mine = ++generation;
      shown = null;
      return (v) => {
        if (mine !== generation || !isNewer(shown, v)) return;
        shown = v;
        show(v);
      };
    },
    /** The newest view of the current wait shown so far (null before the first, or after
     * `stop`): a round that came over the channel before the command answered is this. */
    newest(): WaitView | null {
      return shown;
    },
    /** No wait any more: every view still on its way is dropped. */
    stop(): void {
      generation++;
      shown = null;
    },
  };
}
