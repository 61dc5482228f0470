import { i18n, plural, t } from './index.svelte';

/** A number of seconds in words: "42 s", "3 min 5 s", "2 h 10 min". */
export function duration(secs: number): string {
  const s = Math.max(0, Math.round(secs));
  if (s < 120) return t('time.seconds', { n: s });
  if (s < 7200) return t('time.minutes', { m: Math.floor(s / 60), s: s % 60 });
  return t('time.hours', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

/** A time `secs` from now, as a person says it, in the window's language: "in 41 seconds"
 * (`Intl.RelativeTimeFormat`) under a minute, then "in about a minute", "in about 5 minutes",
 * "in about 2 hours": a wait's times are estimates, and a clock time alone makes the reader
 * do the subtraction. The clock time goes beside it, on hover (`clock`). */
export function relative(secs: number): string {
  const s = Math.max(0, Math.round(secs));
  if (s < 60) return new Intl.RelativeTimeFormat(i18n.locale, { numeric: 'always' }).format(s, 'second');
  if (s < 90 * 60) return plural('time.in_about_minutes', Math.round(s / 60));
  return plural('time.in_about_hours', Math.round(s / 3600));
}

const asDate = (at: Date | string | number) => (at instanceof Date ? at : new Date(at));

/** A date and time in the window's language ("2026年11月22日 18:00" in Chinese, never the US
 * "11/22/2026"). */
export function dateTime(at: Date | string | number): string {
  return new Intl.DateTimeFormat(i18n.locale, { dateStyle: 'long', timeStyle: 'short' }).format(asDate(at));
}

/** A clock time in the window's language, with the date when it is not on the day of `now`
 * (a wait can last up to two days). */
export function clock(at: Date | string | number, now: number = Date.now()): string {
  const d = asDate(at);
  const sameDay = d.toDateString() === new Date(now).toDateString();
  return sameDay ? new Intl.DateTimeFormat(i18n.locale, { timeStyle: 'short' }).format(d) : dateTime(d);
}
