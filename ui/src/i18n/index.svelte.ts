/**
 * The window's words in English and Simplified Chinese. The language follows the OS locale
 * and can be switched; `t` fills `{name}` placeholders with plain text (never HTML).
 */
import { en, type MessageKey } from './en';
import { zhCN } from './zh-CN';

export type Locale = 'en' | 'zh-CN';
export const LOCALES: { id: Locale; name: string }[] = [
  { id: 'en', name: 'English' },
  { id: 'zh-CN', name: '简体中文' },
];

const catalogs: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

/** The locale from the OS (the webview's languages), English when not Chinese. */
export function osLocale(languages: readonly string[] = navigator.languages ?? []): Locale {
  return languages.some((l) => l.toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en';
}

export const i18n = $state<{ locale: Locale }>({ locale: osLocale() });

/** True when `key` is one of the catalog's (a key built from data may not be). */
export function known(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/** The words of `key`; a key built from data that the catalog lacks reads as itself, never
 * crashes the window. */
function words(key: MessageKey): string {
  if (!known(key)) return String(key);
  return Object.hasOwn(catalogs[i18n.locale], key) ? catalogs[i18n.locale][key] : en[key];
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = words(key);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The keys that come in plural forms (`KEY_one`, `KEY_other`, …), named without the form. */
export type PluralKey = { [K in MessageKey]: K extends `${infer B}_other` ? B : never }[MessageKey];

/** The words of `key` for the number `n` (also given as `{n}`), in the form the language's
 * plural rules pick (`Intl.PluralRules`: English `one` for 1, Chinese always `other`); a form
 * the catalog lacks reads as `other`. */
export function plural(key: PluralKey, n: number, params: Record<string, string | number> = {}): string {
  const form = `${key}_${new Intl.PluralRules(i18n.locale).select(n)}`;
  return t(known(form) ? form : (`${key}_other` as MessageKey), { n, ...params });
}

/** One piece of a message: the catalog's own words, or a value given for a placeholder. */
export type Part = { text: string; value: boolean; name?: string };

/** `t` in pieces, so a component can set the values apart (as code) while the words around them
 * follow each language's order. Every piece is plain text, never HTML. */
export function tParts(key: MessageKey, params: Record<string, string | number> = {}): Part[] {
  const text = words(key);
  const parts: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(/\{(\w+)\}/g)) {
    const name = m[1]!;
    if (!(name in params)) continue;
    if (m.index > last) parts.push({ text: text.slice(last, m.index), value: false });
    parts.push({ text: String(params[name]), value: true, name });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), value: false });
  return parts;
}

/** Items in a line, the way each language lists them ("a, b" or "a、b"). */
export function list(items: string[]): string {
  return items.join(t('list.separator'));
}
