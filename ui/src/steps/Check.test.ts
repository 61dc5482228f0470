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
  params: { reason: 'denies_root', denied: '. NS: nxdomain' },
  options: [],
  title: 'Your DNS service is not answering normally',
  message: 'The DNS service this computer uses says that even names which always exist on the internet do not exist.',
};

describe('Check when the DNS service is not answering normally', () => {
  it('offline (even the root denied): says this computer seems offline, never that the domain does not exist, and offers practice mode', async () => {
    mockIPC((cmd) => (cmd === 'run_check' ? report({ status: 'error', findings: [deniedEverything] }) : null));
    const onpractice = vi.fn();
    const { container } = render(CheckInWizard, { request, technical: false, onback: vi.fn(), onrepair: vi.fn(), onpractice });
    await screen.findByText('Your DNS service is not answering normally');
    expect(screen.getByRole('status').textContent).toContain('This computer seems to be offline: its DNS service answers "no such domain" for every name');
    expect(screen.getByRole('status').textContent).toContain('nothing about example.com could be checked');
    expect(screen.getByText(/until this computer is back online/)).toBeTruthy();
    const text = container.textContent ?? '';
    expect(text).not.toMatch(/does not exist/);
    expect(text).not.toContain('—');
    expect(text).not.toMatch(/questions that matter got no answer/);
    expect(text, 'nothing was asked: no service called unrecognised').not.toMatch(/not recognised/);
    expect(screen.queryByText(/No DNS server can be reached/)).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Practise with an example domain' }));
    expect(onpractice).toHaveBeenCalledOnce();
    expect(screen.queryByRole('button', { name: 'Show me the changes to make at my DNS host' })).toBeNull();
  });

  it('a resolver that denies only this domain is not called offline', async () => {
    const deniesDomain = { ...deniedEverything, params: { reason: 'denies_domain' } };
    mockIPC((cmd) => (cmd === 'run_check' ? report({ status: 'error', findings: [deniesDomain] }) : null));
    render(CheckInWizard, { request, technical: false, onback: vi.fn(), onrepair: vi.fn(), onpractice: vi.fn() });
    await screen.findByText('Your DNS service is not answering normally');
    expect(screen.getByText('The DNS service this computer uses is not answering normally. You can still practise with an example domain.')).toBeTruthy();
    expect(screen.queryByText(/offline/)).toBeNull();
  });
});

describe('Check in practice mode', () => {
  const examples = ['seed000.test', 'seed001.test', 'aliasmx.test'];
  const asked: string[] = [];
  function mockPractice(run: () => unknown) {
    asked.length = 0;
    mockIPC((cmd, args) => {
      if (cmd === 'normalise_domain') {
        const input = String((args as { input: string }).input).toLowerCase();
        return { ascii: input, unicode: input, input, adjustments: [] };
      }
      if (cmd === 'run_check') {
        asked.push((args as { request: { input: string } }).request.input);
        return run();
      }
      return null;
    });
  }

  it('never checks a domain that is none of the examples, says practice mode knows only its examples, and names them', async () => {
    mockPractice(() => report({ status: 'error' }));
    const onback = vi.fn();
    const { container } = render(CheckInWizard, { request: { ...request, input: 'my-real-shop.com' }, technical: false, onback, onrepair: vi.fn(), practiceDomain: 'seed000.test', examples });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Practice mode knows only its example domains: seed000.test, seed001.test, aliasmx.test.');
    expect(alert.textContent).toContain('Example menu');
    expect(asked, 'no check of a domain the practice DNS servers refuse').toEqual([]);
    expect(container.textContent).not.toMatch(/internet|REFUSED/i);
    await fireEvent.click(screen.getByRole('button', { name: 'Change the domain' }));
    expect(onback).toHaveBeenCalledOnce();
  });

  it('says the practice servers did not answer, never that no DNS server can be reached from this computer, and offers no practice mode', async () => {
    mockPractice(() => {
      throw { code: 'no_resolver', message: 'no DNS server answered' };
    });
    const { container } = render(CheckInWizard, { request: { ...request, input: 'seed000.test' }, technical: false, onback: vi.fn(), onrepair: vi.fn(), practiceDomain: 'seed000.test', examples });
    await screen.findByText(/The practice DNS servers on this computer did not answer/);
    expect(asked).toEqual(['seed000.test']);
    expect(container.textContent).not.toMatch(/No DNS server can be reached|internet/);
    expect(screen.queryByRole('button', { name: 'Practise with an example domain' })).toBeNull();
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
