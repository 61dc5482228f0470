/** Shared pieces for the component tests: a check report and a wait to render, built from the
 * generated types. */
import { expect } from 'vitest';
import type { CheckReport, VantageView, WaitView } from './ipc';

/** Text a stranger can put in a DNS answer, a customer's snapshot file or the saved store: markup,
 * a line break, a right-to-left override, a very long word. */
export const HOSTILE = {
  html: '<img src=x onerror=alert(1)>',
  newline: 'first line\nsecond line',
  rtl: '\u202Egnp.exe',
  long: 'x'.repeat(300),
} as const;

/** Each of `texts` is shown in `el` as text, and no markup in them became an element. */
export function expectShownAsText(el: Element, texts: readonly string[] = Object.values(HOSTILE)) {
  const shown = el.textContent ?? '';
  for (const text of texts) expect(shown, JSON.stringify(text)).toContain(text);
  expect(el.querySelector('img')).toBeNull();
}

export function report(overrides: Partial<CheckReport> = {}): CheckReport {
  return {
    domain: 'example.com',
    domain_unicode: 'example.com',
    input: 'example.com',
    adjustments: [],
    provider: 'alibaba-standard',
    provider_name: 'Alibaba Mail',
    provider_source: 'given',
    status: 'problems',
    findings: [],
    plan: { steps: [], target: [] },
    dns_host: { host: null, name_servers: [], steps: [] },
    resolvers: ['127.0.0.1:53'],
    authoritative_servers: [],
    taken_at: 0,
    ...overrides,
  };
}

/** One server of the wait: a DNS host server showing the new records, unless told otherwise. */
export function vantage(over: Partial<VantageView> = {}): VantageView {
  return {
    kind: 'authoritative',
    name: 'ns1.example.com',
    server: '192.0.2.1:53',
    state: 'clear',
    stale_ttl: null,
    expires_in: null,
    next_check: null,
    next_check_in: null,
    checked_at: null,
    gaps: [],
    failure: null,
    flush_url: null,
    queries: 2,
    ...over,
  };
}

/** A round of the wait: propagating, round 2, unless told otherwise. */
export function waitView(over: Partial<WaitView> = {}): WaitView {
  return {
    domain: 'example.com',
    provider: 'alibaba-standard',
    status: 'waiting',
    phase: 'propagating',
    round: 2,
    at: '2026-11-22T10:00:00Z',
    started_at: '2026-11-22T09:59:00Z',
    saved_at: '2026-11-22T09:59:30Z',
    earliest: '2026-11-22T10:00:40Z',
    latest: '2026-11-22T10:01:31Z',
    earliest_in: 40,
    latest_in: 91,
    cleared_at: null,
    deadline: '2026-11-24T09:59:00Z',
    vantages: [],
    queries: 10,
    option: null,
    mail_host: 'example.com',
    rows: [],
    optional_rows: [],
    except: [],
    ...over,
  };
}
