/** Break tests (issue 15, items 5–8): the offline wording must be true of the report shown. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import CheckInWizard from './CheckInWizard.svelte';
import { report } from '../test-support';
import type { ReportFinding } from '../ipc';

afterEach(() => {
  cleanup();
  clearMocks();
});

const request = { input: 'example.com', provider: null, mx: [], resolvers: [] };

const deniesRoot = (denied: string): ReportFinding => ({
  code: 'RESOLVER_UNRELIABLE',
  severity: 'warning',
  host: 'example.com',
  records: [],
  fix: [],
  reference: 'RFC 8020 §2',
  reference_url: '',
  params: { reason: 'denies_root', denied, resolvers: '192.168.1.1:53' },
  options: [],
  title: 'Your DNS service is not answering normally',
  message: 'The DNS service this computer uses says that even names which always exist on the internet do not exist.',
});

describe('break: the offline report, opened from a customer’s snapshot', () => {
  it('never tells the helpdesk that *this* computer is offline when the report was taken on the customer’s computer', async () => {
    mockIPC(() => null);
    const given = report({ status: 'error', findings: [deniesRoot('. NS: nxdomain')], taken_at: 1_800_000_000 });
    render(CheckInWizard, { request, given, fromSnapshot: true, technical: false, onback: vi.fn(), onrepair: vi.fn(), onpractice: vi.fn() });
    const status = (await screen.findByRole('status')).textContent ?? '';
    const all = document.body.textContent ?? '';
    // The snapshot was taken elsewhere: the helpdesk's own computer is online and able to check.
    expect(status, 'a snapshot was checked on the customer’s computer: "This computer seems to be offline" is false of the helpdesk’s computer').not.toMatch(/This computer seems to be offline/);
    expect(all, '"Nothing can be checked until this computer is back online" is false for a helpdesk that opened a snapshot: it can check right now').not.toMatch(/until this computer is back online/);
  });
});

describe('break: the offline wording names what the DNS service actually said', () => {
  it('does not say the DNS service answers "no such domain" when it answered the root with an empty answer (no_data)', async () => {
    // denies_root fires for any non-failure answer without the root's name servers: an empty
    // NOERROR (a filter, a DNS64 box, a captive portal) as well as NXDOMAIN.
    mockIPC((cmd) => (cmd === 'run_check' ? report({ status: 'error', findings: [deniesRoot('. NS: no_data; com NS: no_data')] }) : null));
    render(CheckInWizard, { request, technical: false, onback: vi.fn(), onrepair: vi.fn(), onpractice: vi.fn() });
    const status = (await screen.findByRole('status')).textContent ?? '';
    expect(status, 'the DNS service returned empty answers, never "no such domain": quoting it as saying "no such domain" is a false claim the user may repeat to their ISP').not.toContain('no such domain');
  });
});
