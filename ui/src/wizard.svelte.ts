/**
 * Where the wizard is, as one value: each step holds what it needs and nothing else, so a
 * repair step without a report or a wait without its view cannot be written down. The window's
 * only copy of the check's report lives here; every step, and every export, reads this one.
 * The transitions are the methods below; the window's other state (settings, notices, practice
 * mode) is not the wizard's and stays with the window.
 */
import { rewordReport, type CheckReport, type CheckRequest, type SavedStep, type WaitView } from './ipc';
import { i18n, type Locale } from './i18n/index.svelte';

export type Step = WizardState['step'];
export const STEPS: readonly Step[] = ['prepare', 'check', 'repair', 'wait', 'done'];

export type WizardState =
  /** Naming the domain and the mailbox service. */
  | { step: 'prepare'; request: CheckRequest }
  /** Checking `request`; `report` once the check is done (or given: restored, or opened from
   * a snapshot file, which `fromSnapshot` says so it is not called this computer's own). */
  | { step: 'check'; request: CheckRequest; report: CheckReport | null; fromSnapshot: boolean }
  /** The changes to make, from the check's report. */
  | { step: 'repair'; request: CheckRequest; report: CheckReport; fromSnapshot: boolean }
  /** Waiting for the change to reach the servers: `view` arrived at `receivedAt` (ms); `report`
   * is null for a wait resumed without its check. */
  | { step: 'wait'; request: CheckRequest; report: CheckReport | null; view: WaitView; receivedAt: number; resumed: boolean }
  /** The wait is over: its last view. */
  | { step: 'done'; request: CheckRequest; report: CheckReport | null; view: WaitView };

/** A wait that is over goes straight to the summary. */
const over = (v: WaitView) => v.status === 'clear' || v.status === 'clear_except';

export class Wizard {
  /** Replaced whole by every transition (never changed in place), so what a step was given
   * stays as it was given. */
  current = $state.raw<WizardState>({ step: 'prepare', request: { input: '', provider: null, mx: [], resolvers: [] } });
  /** Counts the checks asked for: the check step starts afresh for each (keyed on it), so a
   * new check never shows the last one's results or error under a new request. */
  checks = $state(0);
  /** The language the report is worded in; null when nobody said (a resumed wait's report). */
  #wordedIn: Locale | null = null;

  /** The report every step shows, if the step has one. */
  get report(): CheckReport | null {
    return this.current.step === 'prepare' ? null : this.current.report;
  }

  /** Back to the first step with `request` (the one in hand unless told). */
  prepare(request: CheckRequest = this.current.request): void {
    this.current = { step: 'prepare', request };
  }

  /** A new check of `request`, run by the check step. */
  check(request: CheckRequest = this.current.request): void {
    this.checks += 1;
    this.current = { step: 'check', request, report: null, fromSnapshot: false };
  }

  /** The check step with a report it did not take: worded in `locale`; `fromSnapshot` when it
   * came from a snapshot file. */
  given(request: CheckRequest, report: CheckReport, locale: Locale, fromSnapshot: boolean): void {
    this.#wordedIn = locale;
    this.checks += 1;
    this.current = { step: 'check', request, report, fromSnapshot };
  }

  /** The check step's check is done, worded in `locale`: this computer's own. Ignored when the
   * window has moved on. */
  checked(report: CheckReport, locale: Locale): void {
    if (this.current.step !== 'check') return;
    this.#wordedIn = locale;
    this.current = { ...this.current, report, fromSnapshot: false };
  }

  /** The step saved when the window was closed, with its replayed check worded in `locale`; a
   * repair step needs the check, so without one it checks again. */
  restore(step: SavedStep, request: CheckRequest, report: CheckReport | null, locale: Locale): void {
    if (step === 'prepare') return this.prepare(request);
    if (!report) return this.check(request);
    this.given(request, report, locale, false);
    if (step === 'repair') this.repair();
  }

  /** From the check's report to its repair. */
  repair(): void {
    const at = this.current;
    if ((at.step === 'check' || at.step === 'repair') && at.report) {
      this.current = { step: 'repair', request: at.request, report: at.report, fromSnapshot: at.fromSnapshot };
    }
  }

  /** From the repair back to the report it came from. */
  backToCheck(): void {
    const at = this.current;
    if (at.step === 'repair') this.current = { ...at, step: 'check' };
  }

  /** The wait started from the repair step; `view` is its newest. */
  waitStarted(view: WaitView): void {
    const at = this.current;
    if (at.step !== 'repair') return;
    this.current = { step: 'wait', request: at.request, report: at.report, view, receivedAt: Date.now(), resumed: false };
  }

  /** A wait saved before the app was closed, with its check if it was kept. */
  resumed(report: CheckReport | null, view: WaitView): void {
    this.#wordedIn = null;
    const request = this.current.request;
    this.current = over(view) ? { step: 'done', request, report, view } : { step: 'wait', request, report, view, receivedAt: Date.now(), resumed: true };
  }

  /** A newer view of the wait (the caller keeps them in order). */
  saw(view: WaitView): void {
    const at = this.current;
    if (at.step === 'wait') this.current = { ...at, view, receivedAt: Date.now() };
    else if (at.step === 'done') this.current = { ...at, view };
  }

  /** From the wait to its summary. */
  finish(): void {
    const at = this.current;
    if (at.step === 'wait') this.current = { step: 'done', request: at.request, report: at.report, view: at.view };
  }

  /** The resolvers to ask changed in the settings: later checks ask them. */
  setResolvers(resolvers: string[]): void {
    this.current = { ...this.current, request: { ...this.current.request, resolvers } };
  }

  /** Rewords the report whenever the language changes: the one place that does. Call while a
   * component is being set up (it lives as long as that component). */
  /** Counts the rewordings asked for: an older answer never replaces a newer one. */
  #rewords = 0;

  followLanguage(): void {
    $effect(() => {
      const locale = i18n.locale;
      const shown = this.report;
      if (!shown || locale === this.#wordedIn) return;
      this.#wordedIn = locale;
      const asked = ++this.#rewords;
      const check = identity(shown);
      rewordReport(shown, locale)
        .then((r) => {
          // Only the answer to the latest language asked for is shown (answers may come back
          // in any order), and only over the same check (one checked or given meanwhile stays).
          if (asked !== this.#rewords) return;
          if (!this.report || identity(this.report) !== check) return;
          const at = this.current;
          if (at.step !== 'prepare') this.current = { ...at, report: r };
        })
        .catch(() => undefined);
    });
  }
}

/** Which check a report is, whatever its language: rewording keeps these. */
function identity(r: CheckReport): string {
  return `${r.domain}|${r.input}|${r.taken_at}|${r.provider ?? ''}`;
}
