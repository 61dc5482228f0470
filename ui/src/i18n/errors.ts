/** The one place a command's typed error becomes words in the window's language: an error with
 * a `detail` (what a person typed that cannot be used) is worded from the catalog; codes the
 * window words itself get a sentence from the catalog (with the core's detail, technical,
 * inside it); the others show the command's own message. */
import { asAppError } from '../ipc';
import type { Character } from '../ipc/bindings/Character';
import type { ConsoleRefusal } from '../ipc/bindings/ConsoleRefusal';
import type { ErrorDetail } from '../ipc/bindings/ErrorDetail';
import type { InputError } from '../ipc/bindings/InputError';
import type { StoreNotice } from '../ipc/bindings/StoreNotice';
import { t } from './index.svelte';

/** What the app says at start about its saved state, in the window's language (the system's
 * reason stays as it came: a technical detail). */
export function noticeWords(n: StoreNotice): string {
  switch (n.kind) {
    case 'set_aside':
      return t('notice.set_aside', { aside: n.aside, problem: n.problem });
    case 'blocked':
      return t('notice.blocked', { path: n.path, problem: n.problem, reason: n.reason });
  }
}

export function errorWords(e: unknown): string {
  const err = asAppError(e);
  if (err.detail) return detailWords(err.detail);
  switch (err.code) {
    case 'not_saved':
      return t('error.not_saved', { detail: err.message });
    default:
      return err.message;
  }
}

function characterWords(c: Character | null): string {
  if (!c) return '';
  switch (c.kind) {
    case 'space':
      return t('input.character.space');
    case 'invisible':
      return c.code ? t('input.character.invisible_code', { code: c.code }) : t('input.character.invisible');
    case 'seen':
      return t('input.character.seen', { text: c.text });
  }
}

/** Why the domain typed cannot be checked (the core's `InputError`). */
export function inputWords(input: InputError, character: Character | null = null): string {
  switch (input.code) {
    case 'invalid_character':
      return t('input.invalid_character', { character: characterWords(character) });
    case 'too_long':
      return t('input.too_long', { len: input.len });
    default: {
      const { code, ...params } = input;
      return t(`input.${code}`, params as Record<string, string>);
    }
  }
}

export function detailWords(d: ErrorDetail): string {
  switch (d.kind) {
    case 'input':
      return inputWords(d.input, d.character);
    case 'server':
      return t('setting.server', { text: d.text });
    case 'mx_row':
      return t('setting.mx_row', { text: d.text });
    case 'mx_host':
      return t('setting.mx_host', { host: d.host, reason: inputWords(d.input, d.character) });
    case 'no_mx_rows':
      return t('setting.no_mx_rows');
    case 'unknown_provider':
      return t('setting.unknown_provider', { id: d.id });
    case 'poll_bounds':
      return t('setting.poll_bounds', { min: d.min, max: d.max });
    case 'gap_bounds':
      return t('setting.gap_bounds', { min: d.min, max: d.max });
    case 'console_row':
      return consoleWords(d.refusal);
    case 'practice_not_running':
      return t('practice.not_running');
    case 'practice_unavailable':
      return t('practice.unavailable');
    case 'practice_not_started':
      return t('practice.not_started');
    case 'check_first':
      return t('error.check_first');
    case 'browser_not_opened':
      return t('link.failed');
    case 'not_copied':
      return t('error.not_copied');
  }
}

/** Why the practice console refused a row, with a hint of what its record type holds. */
function consoleWords(r: ConsoleRefusal): string {
  switch (r.reason) {
    case 'host':
      return t('console_refused.host', { host: r.host });
    case 'type':
      return t('console_refused.type', { rtype: r.rtype });
    case 'value': {
      const hint = r.rtype === 'A' || r.rtype === 'AAAA' || r.rtype === 'TXT' ? t(`console_hint.${r.rtype}`) : t('console_hint.name');
      return t('console_refused.value', { value: r.value, rtype: r.rtype, hint });
    }
    default:
      return t(`console_refused.${r.reason}`);
  }
}
