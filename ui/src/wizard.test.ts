import { describe, expect, it } from 'vitest';
import { Wizard } from './wizard.svelte';
import { report, waitView } from './test-support';

const request = { input: 'example.com', provider: null, mx: [], resolvers: [] };

describe('the wizard', () => {
  it('restores a repair step only with its check, and otherwise checks again', () => {
    const w = new Wizard();
    w.restore('repair', request, null, 'en');
    expect(w.current, 'a repair step without a report cannot be shown').toEqual({ step: 'check', request, report: null, fromSnapshot: false });
    const r = report();
    w.restore('repair', request, r, 'en');
    expect(w.current).toEqual({ step: 'repair', request, report: r, fromSnapshot: false });
  });

  it('keeps a check that ends after the window moved on out of the wizard', () => {
    const w = new Wizard();
    w.check(request);
    w.prepare();
    w.checked(report(), 'en');
    expect(w.current).toEqual({ step: 'prepare', request });
    expect(w.report).toBeNull();
  });

  it('calls a report checked here this computer’s own, even after a snapshot was opened', () => {
    const w = new Wizard();
    const opened = report({ taken_at: 1 });
    w.given(request, opened, 'en', true);
    w.repair();
    w.backToCheck();
    expect(w.current, 'back from the repair: the same report, still from the file').toMatchObject({ step: 'check', report: opened, fromSnapshot: true });
    const mine = report({ taken_at: 2 });
    w.checked(mine, 'en');
    w.repair();
    w.backToCheck();
    expect(w.current).toMatchObject({ step: 'check', report: mine, fromSnapshot: false });
  });

  it('follows the wait with the report it started from, and goes to the summary', () => {
    const w = new Wizard();
    const r = report();
    w.given(request, r, 'en', false);
    w.saw(waitView({ round: 1 }));
    expect(w.current.step, 'a round before the wait started does not start it').toBe('check');
    w.repair();
    w.waitStarted(waitView({ round: 1 }));
    w.saw(waitView({ round: 2 }));
    expect(w.current).toMatchObject({ step: 'wait', report: r, resumed: false, view: { round: 2 } });
    w.finish();
    expect(w.current).toMatchObject({ step: 'done', report: r, view: { round: 2 } });
  });

  it('resumes a wait that is over at its summary', () => {
    const w = new Wizard();
    w.resumed(null, waitView({ status: 'clear' }));
    expect(w.current).toMatchObject({ step: 'done', report: null });
    w.resumed(null, waitView());
    expect(w.current).toMatchObject({ step: 'wait', resumed: true });
  });
});
