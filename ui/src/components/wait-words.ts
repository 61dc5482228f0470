/** Words the wait and the summary share about servers: names and why one was not heard from. */
import type { Unanswered, VantageView, WaitView } from '../ipc';
import { t } from '../i18n/index.svelte';

type Named = { kind: VantageView['kind']; name: string; server: string | null };

/** A server's name; in practice mode a cache goes by its number, not its loopback address. */
export function vantageName(view: WaitView, practice: boolean, v: Named): string {
  // The core names this computer's resolver in English: the window says it in its language.
  if (v.kind === 'system') return t('wait.this_computer');
  if (!practice || v.kind !== 'custom') return v.name;
  const n = view.vantages.filter((o) => o.kind === 'custom').findIndex((o) => o.server === v.server) + 1;
  return n > 0 ? t('wait.practice_cache', { n }) : v.name;
}

/** A server the wait could not hear from, with why: "Quad9 (no answer)". */
export function silentWords(view: WaitView, practice: boolean, u: Unanswered): string {
  const why = [u.server === null ? t('wait.why.no_address') : t('wait.why.no_answer')];
  if (u.last_old) why.push(t('wait.why.last_old'));
  return t('wait.why', { name: vantageName(view, practice, u), why: why.join(t('list.separator')) });
}
