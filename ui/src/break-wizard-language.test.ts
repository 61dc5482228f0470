// Issue 14 break tests: the wizard's one rewording effect (wizard.svelte.ts followLanguage).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { cleanup, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import CheckInWizard from './steps/CheckInWizard.svelte';
import { report } from './test-support';
import { i18n, type Locale } from './i18n/index.svelte';
import type { CheckReport, ReportFinding } from './ipc';

afterEach(() => {
  cleanup();
  clearMocks();
  i18n.locale = 'en';
});

const request = { input: 'example.com', provider: null, mx: [], resolvers: [] };

const finding = (title: string): ReportFinding => ({
  code: 'MX_MISSING',
  severity: 'error',
  host: 'example.com',
  records: [],
  fix: [],
  reference: 'RFC 5321', reference_url: '',
  params: {},
  options: [],
  title,
  message: title,
});

const worded: Record<Locale, CheckReport> = {
  en: report({ findings: [finding('No mail server records')] }),
  'zh-CN': report({ findings: [finding('没有邮件服务器记录')] }),
};

describe('the wizard rewording the report (break)', () => {
  // User-visible harm: a person who switches to Chinese and straight back to English (or whose
  // two reword answers come back in the order they were asked) is left with an English window
  // whose findings are in Chinese, and the window never rewords them again: `followLanguage`
  // drops the second answer because the first one already replaced the report it was asked for,
  // while `#wordedIn` already says "en".
  it('after switching zh-CN and back to en quickly, the findings are in English', async () => {
    const pending: { locale: Locale; resolve: (r: CheckReport) => void }[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'reword_report') {
        const { locale } = args as { locale: Locale };
        return new Promise<CheckReport>((resolve) => pending.push({ locale, resolve }));
      }
      return null;
    });
    i18n.locale = 'en';
    render(CheckInWizard, { request, technical: false, onback: vi.fn(), onrepair: vi.fn(), given: worded.en });
    await waitFor(() => expect(document.body.textContent).toContain('No mail server records'));
    i18n.locale = 'zh-CN';
    flushSync();
    await waitFor(() => expect(pending.length).toBe(1));
    i18n.locale = 'en';
    flushSync();
    await waitFor(() => expect(pending.length).toBe(2));
    // Answers in the order asked (Tauri runs these synchronous commands one after the other).
    for (const p of pending) p.resolve(worded[p.locale]);
    await new Promise((r) => setTimeout(r, 20));
    flushSync();
    expect(i18n.locale).toBe('en');
    expect(document.body.textContent, 'Chinese findings left in the English window').not.toContain('没有邮件服务器记录');
    expect(document.body.textContent).toContain('No mail server records');
  });
});
