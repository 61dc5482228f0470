import { list, t } from '../i18n/index.svelte';

/** Why practice mode does not check a domain: it knows only its example domains. `examples`
 * is the list of them as read from the core; `running` the example that runs, which is always
 * one of them (even when the list could not be read: then only it is named, and not as "the
 * only" example domain). */
export function onlyExamplesWords(examples: readonly string[], running: string | null): string {
  if (examples.length === 0) return running ? t('practice.only_running', { domain: running }) : t('practice.only_examples_unknown');
  return t('practice.only_examples', { domains: list([...new Set([...examples, ...(running ? [running] : [])])]) });
}
