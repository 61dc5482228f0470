/**
 * How the one-click repair's results are said: the window words each status itself (never the
 * core's English as the sentence), and shows the core's message beneath it as what happened.
 */
import type { Journal, JournalView, KeyInput, RowResult } from '../ipc';
import type { MessageKey } from '../i18n/en';

/** The sentence for how an apply ended; only what the journal says. */
export function applyStatusKey(j: Journal): MessageKey {
  switch (j.status) {
    case 'applied':
      return 'apply.applied';
    case 'partial':
    case 'in_progress':
      return 'apply.partial';
    case 'refused':
      return j.refusal === 'journal_not_saved' ? 'apply.refused_journal' : j.refusal === 'invalid_plan' ? 'apply.refused_plan' : 'apply.refused';
    case 'nothing_to_do':
      return 'apply.nothing_done';
    case 'error':
      return 'apply.error';
  }
}

export function rowResultKey(r: RowResult): MessageKey {
  return `apply.result.${r}`;
}

/** The key as the command takes it: null when nothing was typed (a saved key, or practice). */
export function keyArg(k: KeyInput): KeyInput | null {
  return k.key.trim() === '' ? null : { key: k.key, secret: k.secret?.trim() ? k.secret : null, remember: k.remember };
}

export const emptyKey = (): KeyInput => ({ key: '', secret: '', remember: false });

/** The undo's sentence, once it ran. */
export function undoStatusKey(v: JournalView): MessageKey | null {
  switch (v.journal.undo?.status) {
    case 'applied':
      return 'apply.undone';
    case 'partial':
    case 'in_progress':
      return 'apply.undo_partial';
    case 'error':
      return 'apply.undo_error';
    case 'refused':
      return 'apply.undo_refused';
    default:
      return null;
  }
}

/** True when the DNS host's listing gave no TTL for a record set MX Doctor wrote: the sets
 * written (and put back) then have the adapters' default TTL, which may differ from before. */
export function ttlUnknown(j: Journal): boolean {
  return j.steps.some((s) => s.result !== 'not_attempted' && s.before.ttl === null && s.before.values.length > 0);
}
