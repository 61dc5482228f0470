/** Shared pieces for the component tests: a check report to render, built from the generated types. */
import type { CheckReport } from './ipc';

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
