/** The heading of a plan step, worded from what its rows do: a step of the alias that deletes
 * the alias and adds the rows taking its place says both, and a mail server step that changes
 * a row never says "add". */
import type { FixRow, PlanStep, StepId } from '../ipc';

type Action = FixRow['action'];
import type { MessageKey } from '../i18n/en';
import { i18n, t } from '../i18n/index.svelte';
import { changesOnlyPriority } from './row-change';

/** One clause per step and action. The id is the core's `StepId`, so a new step fails the type
 * check until it has words. */
const CLAUSES: Record<StepId, Record<Action, MessageKey>> = {
  delete_stray_mx: { delete: 'plan.delete_stray_mx.delete', add: 'plan.delete_stray_mx.add', change: 'plan.delete_stray_mx.change' },
  delete_cname: { delete: 'plan.delete_cname.delete', add: 'plan.delete_cname.add', change: 'plan.delete_cname.change' },
  mail_subdomain: { delete: 'plan.mail_subdomain.delete', add: 'plan.mail_subdomain.add', change: 'plan.mail_subdomain.change' },
  mail_servers: { delete: 'plan.mail_servers.delete', add: 'plan.mail_servers.add', change: 'plan.mail_servers.change' },
  spf: { delete: 'plan.spf.delete', add: 'plan.spf.add', change: 'plan.spf.change' },
  other: { delete: 'plan.other.delete', add: 'plan.other.add', change: 'plan.other.change' },
};

/** The actions of `step`'s rows, each once, in the order the rows first do them. */
export function actionsOf(step: PlanStep): Action[] {
  const seen: Action[] = [];
  for (const row of step.rows) if (Object.hasOwn(CLAUSES.other, row.action) && !seen.includes(row.action)) seen.push(row.action);
  return seen;
}

/** `text` with its first letter as at the start of a sentence (Chinese has no case). */
function sentence(text: string): string {
  return text.charAt(0).toLocaleUpperCase(i18n.locale) + text.slice(1);
}

/** The heading over `step`'s rows. A crafted report's unknown step reads as "other"; a step with
 * no rows MX Doctor can word reads "Other changes". */
export function stepHeading(step: PlanStep): string {
  const clauses = Object.hasOwn(CLAUSES, step.id) ? CLAUSES[step.id] : CLAUSES.other;
  // A change that only sets an MX row's priority keeps the server: the step's change clause
  // ("change the rows to your mailbox service's servers") would name a swap that is not there.
  const changes = step.rows.filter((r) => r.action === 'change');
  const priorityOnly = changes.filter(changesOnlyPriority).length;
  const parts = actionsOf(step).flatMap((a) => {
    if (a !== 'change' || priorityOnly === 0) return [t(clauses[a])];
    if (priorityOnly === changes.length) return [t('plan.change_priority')];
    return [t(clauses[a]), t('plan.change_priority')];
  });
  const [first, second, third, fourth] = parts;
  if (first === undefined) return t('plan.other');
  if (second === undefined) return sentence(first);
  if (third === undefined) return sentence(t('plan.and_2', { first, second }));
  if (fourth === undefined) return sentence(t('plan.and_3', { first, second, third }));
  // Delete, add, change and a priority change: the last two read as one clause.
  return sentence(t('plan.and_3', { first, second, third: t('plan.and_2', { first: third, second: fourth }) }));
}
