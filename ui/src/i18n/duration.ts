import { t } from './index.svelte';

/** A number of seconds in words: "42 s", "3 min 5 s", "2 h 10 min". */
export function duration(secs: number): string {
  const s = Math.max(0, Math.round(secs));
  if (s < 120) return t('time.seconds', { n: s });
  if (s < 7200) return t('time.minutes', { m: Math.floor(s / 60), s: s % 60 });
  return t('time.hours', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}
