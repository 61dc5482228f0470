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

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = catalogs[i18n.locale][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
