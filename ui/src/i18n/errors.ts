/** The one place a command's typed error becomes words in the window's language: codes the
 * window words itself get a sentence from the catalog (with the core's detail, technical,
 * inside it); the others show the command's own message. */
import { asAppError } from '../ipc';
import { t } from './index.svelte';

export function errorWords(e: unknown): string {
  const err = asAppError(e);
  switch (err.code) {
    case 'not_saved':
      return t('error.not_saved', { detail: err.message });
    default:
      return err.message;
  }
}
