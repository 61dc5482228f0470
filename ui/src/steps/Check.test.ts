import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
// The step as the window holds it: its report kept, and reworded, by the wizard.
import CheckInWizard from './CheckInWizard.svelte';
import { report } from '../test-support';
import { i18n } from '../i18n/index.svelte';
import type { ReportFinding } from '../ipc';

afterEach(() => {
  cleanup();
  clearMocks();
});

const request = { input: 'example.com', provider: null, mx: [], resolvers: [] };
const HOSTILE = '<img src=x onerror=alert(1)>';

const spfFinding: ReportFinding = {
  code: 'SPF_PROVIDER_MISSING',
  severity: 'warning',
  host: 'example.com',
  records: [{ name: 'example.com', ttl: 600, type: 'TXT', text: HOSTILE }],
  fix: [],
  reference: 'RFC 7208', reference_url: '',
  params: {},
  options: [],
  title: 'Your SPF record does not name Alibaba Mail',
  message: `The record says ${HOSTILE}.`,
};

const failedLookup: ReportFinding = {
  code: 'LOOKUP_FAILED',
  severity: 'warning',
  host: 'example.com',
  records: [],
  fix: [],
  reference: 'RFC 2308 §7', reference_url: '',
  params: {},
  options: [],
  title: 'Could not check your mail server records (MX)',
  message: 'The DNS server did not answer in time. This is not the same as the records missing: check again.',
};

describe('Check', () => {
  it('shows DNS text as literal text, never as HTML', async () => {
    mockIPC((cmd) => (cmd === 'run_check' ? report({ findings: [spfFinding] }) : null));
    const { container } = render(CheckInWizard, { request, technical: false, onback: vi.fn(), onrepair: vi.fn() });
    await waitFor(() => expect(screen.getByText('Your SPF record does not name Alibaba Mail')).toBeTruthy());
    await fireEvent.click(screen.getByText('What MX Doctor saw'));
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toContain(HOSTILE);
    expect(container.textContent).toContain(`The record says ${HOSTILE}.`);
  });

  it('says a failed lookup could not be checked, and checks again on request', async () => {
    let calls = 0;
    mockIPC((cmd) => {
      if (cmd !== 'run_check') return null;
      calls += 1;
      return report({ findings: [failedLookup] });
    });
    render(CheckInWizard, { request, technical: false, onback: vi.fn(), onrepair: vi.fn() });
    await waitFor(() => expect(screen.getByText('Could not check your mail server records (MX)')).toBeTruthy());
    // Shown as a risk that could not be checked, not as a problem.
    const card = screen.getByRole('article', { name: 'Could not check your mail server records (MX)' });
    expect(card.querySelector('.badge')!.textContent).toBe('Risk');
    expect(screen.getByRole('status').textContent).not.toMatch(/problems? stops? your mail/);
    await fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    await waitFor(() => expect(calls).toBe(2));
  });

  it('shows a cancelled check as cancelled, with a retry', async () => {
    mockIPC((cmd) => {
      // The core's own words, not the window's: the step must word the code itself.
      if (cmd === 'run_check') throw { code: 'cancelled', message: 'task 12 was aborted' };
      return null;
    });
    render(CheckInWizard, { request, technical: false, onback: vi.fn(), onrepair: vi.fn() });
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('The check was cancelled.'));
    expect(screen.getByRole('button', { name: 'Check again' })).toBeTruthy();
  });

  it('says when nothing stops the mail but something puts it at risk', async () => {
    mockIPC((cmd) => (cmd === 'run_check' ? report({ findings: [spfFinding] }) : null));
    render(CheckInWizard, { request, technical: false, onback: vi.fn(), onrepair: vi.fn() });
    await waitFor(() => expect(screen.getByRole('status').textContent?.trim()).toBe('Nothing stops your mail, but 1 thing puts it at risk.'));
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Results for example.com');
  });

  it('offers the repair only when there is something to change', async () => {
    mockIPC((cmd) => (cmd === 'run_check' ? report({ status: 'ok' }) : null));
    render(CheckInWizard, { request, technical: false, onback: vi.fn(), onrepair: vi.fn() });
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Nothing needs changing'));
    expect(screen.queryByRole('button', { name: 'Show me the changes to make at my DNS host' })).toBeNull();
  });

  it('rewords the findings when the language is switched', async () => {
    const asked: string[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'run_check') return report({ findings: [failedLookup] });
      if (cmd === 'reword_report') {
        asked.push(String((args as { locale: string }).locale));
        return report({ findings: [{ ...failedLookup, title: '无法检测您的邮件服务器记录（MX）' }] });
      }
      return null;
    });
    render(CheckInWizard, { request, technical: false, onback: vi.fn(), onrepair: vi.fn() });
    await waitFor(() => expect(screen.getByText('Could not check your mail server records (MX)')).toBeTruthy());
    i18n.locale = 'zh-CN';
    await waitFor(() => expect(screen.getByText('无法检测您的邮件服务器记录（MX）')).toBeTruthy());
    expect(screen.getByRole('button', { name: '重新检测' })).toBeTruthy();
    expect(asked).toEqual(['zh-CN']);
    i18n.locale = 'en';
  });
});

const deniedEverything: ReportFinding = {
  code: 'RESOLVER_UNRELIABLE',
  severity: 'warning',
  host: 'example.com',
  records: [],
  fix: [],
  reference: 'RFC 8020 §2', reference_url: '',
  params: { reason: 'denies_root' },
  options: [],
  title: 'Your DNS service is not answering normally',
  message: 'The DNS service this computer uses says that even names which always exist on the internet do not exist.',
};

describe('Check when the DNS service is not answering normally', () => {
  it('offers practice mode, and says why', async () => {
    mockIPC((cmd) => (cmd === 'run_check' ? report({ status: 'error', findings: [deniedEverything] }) : null));
    const onpractice = vi.fn();
    render(CheckInWizard, { request, technical: false, onback: vi.fn(), onrepair: vi.fn(), onpractice });
    await screen.findByText('Your DNS service is not answering normally');
    expect(screen.getByText('The DNS service this computer uses is not answering normally. You can still practise with an example domain.')).toBeTruthy();
    expect(screen.queryByText(/No DNS server can be reached/)).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Practise with an example domain' }));
    expect(onpractice).toHaveBeenCalledOnce();
    expect(screen.queryByRole('button', { name: 'Show me the changes to make at my DNS host' })).toBeNull();
  });
});

describe('Check with a report it did not take itself', () => {
  it('says a snapshot file was not checked from this computer, and a restored check is not called one', async () => {
    let asked = 0;
    mockIPC((cmd) => {
      if (cmd === 'run_check') {
        asked += 1;
        return report({ taken_at: Math.floor(Date.now() / 1000) });
      }
      return null;
    });
    // Taken a day ago, as a restored check and as a customer's file.
    const old = report({ taken_at: Math.floor(Date.now() / 1000) - 86_400 });
    render(CheckInWizard, { request, technical: false, onback: vi.fn(), onrepair: vi.fn(), given: old });
    await screen.findByText('Results for example.com');
    expect(screen.queryByText(/From a snapshot taken/)).toBeNull();
    expect(asked).toBe(0);
    cleanup();

    render(CheckInWizard, { request, technical: false, onback: vi.fn(), onrepair: vi.fn(), given: old, fromSnapshot: true });
    await screen.findByText(/From a snapshot taken .* \(not checked from this computer\)/);
    // Checking again here makes it this computer's own check.
    await fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    await waitFor(() => expect(asked).toBe(1));
    await waitFor(() => expect(screen.queryByText(/From a snapshot taken/)).toBeNull());
  });
});
