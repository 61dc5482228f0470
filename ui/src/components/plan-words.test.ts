import { afterEach, describe, expect, it } from 'vitest';
import { stepHeading } from './plan-words';
import { i18n } from '../i18n/index.svelte';
import type { FixRow, StepId } from '../ipc';

afterEach(() => {
  i18n.locale = 'en';
});

const STEPS: StepId[] = ['delete_stray_mx', 'delete_cname', 'mail_subdomain', 'mail_servers', 'spf', 'other'];
type Action = FixRow['action'];
const ACTIONS: Action[] = ['delete', 'add', 'change'];
const row = (action: Action): FixRow => ({ action, host: '@', type: 'MX', priority: 5, value: 'mx.example.net', new_value: action === 'change' ? 'mx1.example.net' : null });

/** How each language says each action in a heading. */
const VERBS: Record<'en' | 'zh-CN', Record<Action, RegExp>> = {
  en: { delete: /\bdelete\b/i, add: /\badd\b/i, change: /\bchange\b/i },
  'zh-CN': { delete: /删除/, add: /添加/, change: /修改|改为/ },
};

/** Every set of actions a step's rows can do, in the order the rows do them. */
const SETS: Action[][] = [['delete'], ['add'], ['change'], ['delete', 'add'], ['add', 'change'], ['delete', 'change'], ['delete', 'add', 'change']];

describe('stepHeading', () => {
  it('names every action the rows do and none they do not, for every step, in both languages', () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      i18n.locale = locale;
      for (const id of STEPS) {
        for (const set of SETS) {
          const heading = stepHeading({ id, rows: set.map(row) });
          for (const a of ACTIONS) {
            expect(VERBS[locale][a].test(heading), `${locale} ${id} [${set}]: "${heading}" ${set.includes(a) ? 'lacks' : 'names'} ${a}`).toBe(set.includes(a));
          }
        }
      }
    }
  });

  it('starts an English heading as a sentence and joins the actions in the rows’ order', () => {
    expect(stepHeading({ id: 'delete_cname', rows: [row('delete'), row('add'), row('add')] })).toBe(
      "Delete the alias (CNAME) at the mail host and add the rows that take the alias's place",
    );
    expect(stepHeading({ id: 'other', rows: [row('add'), row('change'), row('delete')] })).toBe('Add these rows, change these rows and delete these rows');
    i18n.locale = 'zh-CN';
    expect(stepHeading({ id: 'delete_cname', rows: [row('delete'), row('add')] })).toBe('删除邮件域名上的别名（CNAME）记录，再添加取代别名的记录');
  });

  it('reads a step of a crafted report it cannot word as "Other changes"', () => {
    expect(stepHeading({ id: 'spf', rows: [] })).toBe('Other changes');
    expect(stepHeading({ id: '<img src=x>' as StepId, rows: [row('delete')] })).toBe('Delete these rows');
    expect(stepHeading({ id: 'spf', rows: [{ ...row('add'), action: 'constructor' as Action }] })).toBe('Other changes');
  });
});
