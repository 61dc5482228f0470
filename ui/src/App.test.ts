import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import type { Channel } from '@tauri-apps/api/core';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import App from './App.svelte';
import { en } from './i18n/en';
import { i18n } from './i18n/index.svelte';
import { expectShownAsText, HOSTILE, report, vantage, waitView } from './test-support';
import type { FixRow, RepairPlan, WaitView } from './ipc';

afterEach(() => {
  cleanup();
  clearMocks();
});

// The view the command computes before the first round, and the first round's view, which the
// background task sends over the channel: on a busy machine it arrives first.
const before = waitView({ round: 40, at: '2026-11-22T10:13:00Z', phase: 'checking', vantages: [vantage({ state: 'pending' })] });
const round41 = waitView({ round: 41, at: '2026-11-22T10:13:02Z', phase: 'propagating', vantages: [vantage({})] });

describe('App', () => {
  it('a resumed wait shows the round that came first over the channel, not the older answer', async () => {
    mockIPC((cmd, args) => {
      if (cmd === 'resume_wait') {
        (args as { onRound: Channel<WaitView> }).onRound.onmessage(round41);
        return { view: before, report: null };
      }
      return null;
    });
    render(App);
    await screen.findByText(/1 of 1 places show the new ones/);
    expect(screen.queryByText('Asking every server…')).toBeNull();
  });

  it('a started wait follows the option chosen, and its first round is not overwritten', async () => {
    const del: FixRow = { action: 'delete', host: '@', type: 'CNAME', priority: null, value: 'site.cdn.example.net', new_value: null };
    const www: FixRow = { ...del, action: 'add', host: 'www' };
    const plan: RepairPlan = { steps: [{ id: 'delete_cname', rows: [del] }], target: [] };
    const moved: RepairPlan = { steps: [{ id: 'delete_cname', rows: [del, www] }], target: [] };
    const r = report({
      findings: [
        {
          code: 'CNAME_AT_MAIL_HOST',
          severity: 'error',
          host: 'example.com',
          records: [],
          fix: [del],
          reference: 'RFC 2181 §10.1', reference_url: 'https://www.rfc-editor.org/rfc/rfc2181#section-10.1',
          params: {},
          options: [
            { id: 'replace_with_a', recommended: true, fix: [del], params: {} },
            { id: 'move_cname', recommended: false, fix: [del, www], params: {} },
          ],
          option_texts: [
            { id: 'replace_with_a', title: 'Replace the alias', consequence: '' },
            { id: 'move_cname', title: 'Move the alias to www', consequence: '' },
          ],
          title: 'An alias',
          message: '…',
        },
      ],
      plan,
      option_plans: [
        { option: 'replace_with_a', plan },
        { option: 'move_cname', plan: moved },
      ],
    });
    const started: unknown[] = [];
    mockIPC((cmd, args) => {
      switch (cmd) {
        case 'restore_session':
          return { session: { step: 'repair', request: { input: 'example.com', provider: null, mx: [], resolvers: [] } }, report: r };
        case 'verify_rows':
          return (args as { rows: FixRow[] }).rows.map((row) => ({ row, state: 'saved', servers: [] }));
        case 'start_wait': {
          const a = args as { option: string | null; onRound: Channel<WaitView> };
          started.push(a.option);
          a.onRound.onmessage(round41);
          return { ...before, round: 0 };
        }
        default:
          return null;
      }
    });
    render(App);
    await fireEvent.click(await screen.findByLabelText(/Move the alias to www/));
    await fireEvent.click(screen.getByRole('button', { name: "I've made the changes" }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Start waiting' }));
    await screen.findByText(/1 of 1 places show the new ones/);
    expect(started).toEqual(['move_cname']);
    expect(screen.queryByText('Asking every server…')).toBeNull();
  });
});

describe('App, in practice mode', () => {
  it('lists an example the core names twice twice, and one the catalog lacks by its id, as text', async () => {
    const scenario = (id: string) => ({ id, domain: 'practice.example', provider: null });
    const scenarios = [scenario('seed000'), scenario('seed000'), scenario('seed999'), scenario(HOSTILE.html), scenario(HOSTILE.newline), scenario(HOSTILE.rtl), scenario(HOSTILE.long)];
    mockIPC((cmd) => {
      if (cmd === 'practice_scenarios') return scenarios;
      if (cmd === 'practice_status') return { scenario: scenario(HOSTILE.html), rows: [], locked: [] };
      return null;
    });
    render(App);
    const select = (await screen.findByRole('combobox', { name: 'Example' })) as HTMLSelectElement;
    const names = [...select.querySelectorAll('option')].map((o) => o.textContent);
    expect(names).toEqual(['A website alias hides the mail settings', 'A website alias hides the mail settings', 'seed999', HOSTILE.html, HOSTILE.newline, HOSTILE.rtl, HOSTILE.long]);
    expectShownAsText(select);
    expect(document.querySelector('img')).toBeNull();
  });
});

describe('App, in practice mode: one way to pick an example, and it always checks', () => {
  const examples = [
    { id: 'seed000', domain: 'seed000.test', provider: 'alibaba-standard' },
    { id: 'seed001', domain: 'seed001.test', provider: 'alibaba-standard' },
    { id: 'seed004', domain: 'aliasmx.test', provider: null },
  ];
  const view = (id: string) => ({ scenario: examples.find((e) => e.id === id)!, rows: [], locked: [] });

  function mockPractice(check: (domain: string) => unknown) {
    const checked: string[] = [];
    mockIPC((cmd, args) => {
      const a = args as Record<string, unknown>;
      switch (cmd) {
        case 'practice_scenarios':
          return examples;
        case 'practice_status':
          return view('seed000');
        case 'practice_start':
          return view(String(a.id));
        case 'normalise_domain': {
          const input = String(a.input).toLowerCase();
          return { ascii: input, unicode: input, input, adjustments: [] };
        }
        case 'detect_dns_host':
          return { host: null, name_servers: ['ns1.practice.test'], steps: [] };
        case 'run_check': {
          const domain = (a.request as { input: string }).input;
          checked.push(domain);
          return check(domain);
        }
        default:
          return null;
      }
    });
    return checked;
  }

  it('the first screen offers no second way into practice mode, and nothing "listed below" with nothing below', async () => {
    mockPractice((domain) => report({ domain, domain_unicode: domain, input: domain }));
    render(App);
    await screen.findByRole('combobox', { name: 'Example' });
    const field = (await screen.findByLabelText('Your domain or an email address at it')) as HTMLInputElement;
    expect(field.value).toBe('seed000.test');
    // The practice DNS host's guide, once the lookup pauses.
    await screen.findByText(/managed by the practice DNS host/, undefined, { timeout: 3000 });
    const main = document.querySelector('main')!;
    expect(main.textContent).not.toMatch(/listed below/);
    expect(main.textContent).toContain('After the check, MX Doctor lists the rows');
    expect(screen.queryByRole('button', { name: 'Practise with an example domain' }), 'the Example menu is the one way').toBeNull();
    expect(main.textContent).toContain('Practice mode knows only its example domains: seed000.test, seed001.test, aliasmx.test.');
  });

  it('picking another example checks it afresh, and nothing of the last check stays under the new banner', async () => {
    const checked = mockPractice((domain) => {
      if (domain === 'seed000.test') throw { code: 'no_resolver', message: 'no answer' };
      return report({ domain, domain_unicode: domain, input: domain });
    });
    render(App);
    const select = (await screen.findByRole('combobox', { name: 'Example' })) as HTMLSelectElement;
    await screen.findByLabelText('Your domain or an email address at it');
    await fireEvent.click(screen.getByRole('button', { name: 'Check my domain' }));
    await screen.findByText(/The practice DNS servers on this computer did not answer/);
    expect(checked).toEqual(['seed000.test']);
    await fireEvent.change(select, { target: { value: 'seed001' } });
    await screen.findByText('Results for seed001.test');
    expect(checked, 'the new example is checked').toEqual(['seed000.test', 'seed001.test']);
    expect(screen.queryByText(/did not answer/), 'the last check’s error is gone').toBeNull();
    await fireEvent.change(select, { target: { value: 'seed004' } });
    await screen.findByText('Results for aliasmx.test');
    expect(checked).toEqual(['seed000.test', 'seed001.test', 'aliasmx.test']);
    expect(screen.queryByText('Results for seed001.test')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Practise with an example domain' })).toBeNull();
  });

  it('another example’s domain typed on the first screen switches to that example and checks it; any other domain is refused with the examples named', async () => {
    const checked = mockPractice((domain) => report({ domain, domain_unicode: domain, input: domain }));
    render(App);
    const select = (await screen.findByRole('combobox', { name: 'Example' })) as HTMLSelectElement;
    const field = await screen.findByLabelText('Your domain or an email address at it');
    await fireEvent.input(field, { target: { value: 'my-real-shop.com' } });
    await screen.findByText('MX Doctor will check my-real-shop.com.');
    await fireEvent.click(screen.getByRole('button', { name: 'Check my domain' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Practice mode knows only its example domains: seed000.test, seed001.test, aliasmx.test.');
    expect(document.body.textContent).not.toMatch(/internet|REFUSED/i);
    expect(checked).toEqual([]);
    await fireEvent.input(field, { target: { value: 'aliasmx.test' } });
    await screen.findByText('MX Doctor will check aliasmx.test.');
    await fireEvent.click(screen.getByRole('button', { name: 'Check my domain' }));
    await screen.findByText('Results for aliasmx.test');
    expect(select.value).toBe('seed004');
    expect(checked).toEqual(['aliasmx.test']);
  });
});

describe('App, the page language', () => {
  it('<html lang> follows the window’s language', async () => {
    mockIPC(() => null);
    render(App);
    await screen.findByLabelText('Your domain or an email address at it');
    expect(document.documentElement.lang).toBe('en');
    try {
      i18n.locale = 'zh-CN';
      await screen.findByLabelText('您的域名，或该域名下的邮箱地址');
      expect(document.documentElement.lang).toBe('zh-CN');
    } finally {
      i18n.locale = 'en';
    }
  });
});

describe('App, when saving fails', () => {
  it('says the progress could not be saved, with the reason, and stops saying it once saving works', async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    render(App);
    await screen.findByRole('navigation');
    // Let onMount register its listener.
    await new Promise((r) => setTimeout(r, 0));
    await emit('save-state', { detail: 'mxdoctor.json could not be written (No space left on device (os error 28))' });
    const banner = await screen.findByText(/could not save its progress/);
    expect(banner.closest('[role="alert"]')?.textContent).toContain('No space left on device');
    await emit('save-state', { detail: null });
    await vi.waitFor(() => expect(screen.queryByText(/could not save its progress/)).toBeNull());
  });
});

describe('App, when the language changes', () => {
  it('rewords the report the repair step shows, once, and the check step shows the same words', async () => {
    const del: FixRow = { action: 'delete', host: '@', type: 'CNAME', priority: null, value: 'site.cdn.example.net', new_value: null };
    const plan: RepairPlan = { steps: [{ id: 'delete_cname', rows: [del] }], target: [] };
    const cname = (title: string) =>
      report({
        findings: [
          {
            code: 'CNAME_AT_MAIL_HOST',
            severity: 'error',
            host: 'example.com',
            records: [],
            fix: [del],
            reference: 'RFC 2181 §10.1', reference_url: 'https://www.rfc-editor.org/rfc/rfc2181#section-10.1',
            params: {},
            options: [{ id: 'replace_with_a', recommended: true, fix: [del], params: {} }],
            option_texts: [{ id: 'replace_with_a', title, consequence: '' }],
            title,
            message: '…',
          },
        ],
        plan,
      });
    const asked: string[] = [];
    mockIPC((cmd, args) => {
      switch (cmd) {
        case 'restore_session':
          return { session: { step: 'repair', request: { input: 'example.com', provider: null, mx: [], resolvers: [] } }, report: cname('Replace the alias') };
        case 'reword_report':
          asked.push((args as { locale: string }).locale);
          return cname('替换别名');
        case 'run_check':
          asked.push('run_check');
          return cname('checked again');
        default:
          return null;
      }
    });
    render(App);
    await screen.findByLabelText(/Replace the alias/);
    try {
      i18n.locale = 'zh-CN';
      await screen.findByLabelText(/替换别名/);
      expect(asked, 'one reword for the one copy of the report').toEqual(['zh-CN']);
      // Back to the check step: the report it was given, in the new words, not checked again.
      await fireEvent.click(screen.getByRole('button', { name: '返回检测结果' }));
      await screen.findByRole('article', { name: '替换别名' });
      expect(asked, 'neither reworded again nor checked again').toEqual(['zh-CN']);
    } finally {
      i18n.locale = 'en';
    }
  });
});

describe('App, when the saved settings could not be read', () => {
  it('says so in the window language, naming where the old file went', async () => {
    i18n.locale = 'zh-CN';
    mockIPC((cmd) => {
      if (cmd === 'startup_notice') return { kind: 'set_aside', problem: 'expected value at line 1 column 1', aside: '/home/u/.local/share/app.mxdoctor.desktop/mxdoctor.json.set-aside-1800000000' };
      if (cmd === 'get_settings') return { locale: 'zh-CN', technical: false, resolvers: [], check_every_secs: 15, longest_gap_secs: 900 };
      return null;
    });
    render(App);
    const said = await screen.findByText(/无法读取已保存的设置/);
    expect(said.textContent).toContain('mxdoctor.json.set-aside-1800000000');
    expect(said.textContent).toContain('MX Doctor 已重新开始');
    i18n.locale = 'en';
  });
});

describe('App, as a first-time domain owner meets it', () => {
  const del: FixRow = { action: 'delete', host: '@', type: 'CNAME', priority: null, value: 'site.cdn.test', new_value: null };
  const plan: RepairPlan = { steps: [{ id: 'delete_cname', rows: [del] }], target: [] };
  const scenario = { id: 'seed000', domain: 'seed000.test', provider: 'alibaba-standard' };
  const practiceView = { scenario, rows: [{ host: '@', type: 'CNAME', priority: null, value: 'site.cdn.test', ttl: 60 }], locked: [false] };

  function atRepair() {
    mockIPC((cmd) => {
      switch (cmd) {
        case 'practice_status':
          return practiceView;
        case 'restore_session':
          return { session: { step: 'repair', request: { input: 'seed000.test', provider: null, mx: [], resolvers: [] } }, report: report({ domain: 'seed000.test', plan }) };
        default:
          return null;
      }
    });
    render(App);
  }

  it('shows the practice console beside the rows to change, both at once', async () => {
    atRepair();
    await screen.findByRole('heading', { name: 'Make these changes at your DNS host' });
    await fireEvent.click(screen.getByRole('button', { name: 'Open the practice DNS console' }));
    const pane = await screen.findByRole('heading', { name: 'Practice DNS console: seed000.test' });
    const rows = document.querySelector('ol.plan table.rows')!;
    expect(rows, 'the rows to change stay on screen').toBeTruthy();
    expect(rows.closest('main')!.hidden, 'the wizard is not hidden behind the console').toBe(false);
    expect(pane.closest('.workspace.with-console'), 'the console sits beside the wizard').toBe(rows.closest('.workspace'));
    await fireEvent.click(screen.getByRole('button', { name: 'Hide the console' }));
    expect(screen.queryByRole('heading', { name: 'Practice DNS console: seed000.test' })).toBeNull();
    expect(document.querySelector('ol.plan table.rows')).toBeTruthy();
  });

  it('opens every step at its top', async () => {
    const scrolled = vi.spyOn(window, 'scrollTo').mockImplementation(() => undefined);
    try {
      atRepair();
      await screen.findByRole('heading', { name: 'Make these changes at your DNS host' });
      scrolled.mockClear();
      await fireEvent.click(screen.getByRole('button', { name: 'Back to the findings' }));
      await vi.waitFor(() => expect(scrolled).toHaveBeenCalledWith(0, 0));
      scrolled.mockClear();
      await fireEvent.click(await screen.findByRole('button', { name: en['check.to_repair'] }));
      await screen.findByRole('heading', { name: 'Make these changes at your DNS host' });
      await vi.waitFor(() => expect(scrolled).toHaveBeenCalledWith(0, 0));
    } finally {
      scrolled.mockRestore();
    }
  });
});

describe('App, started a second time with --practice', () => {
  // scripts/run with no internet starts `mxdoctor-app --practice`; with a window already open,
  // the second launch hands over to it, and the open window must then go into practice mode.
  it('goes into practice mode when the second launch asks for it', async () => {
    const started: string[] = [];
    const seed000 = { id: 'seed000', domain: 'seed000.test', provider: 'alibaba-standard' };
    mockIPC(
      (cmd, args) => {
        if (cmd === 'practice_scenarios') return [seed000];
        if (cmd === 'practice_start') {
          started.push(String((args as { id: string }).id));
          return { scenario: seed000, rows: [], locked: [] };
        }
        return null;
      },
      { shouldMockEvents: true },
    );
    render(App);
    await screen.findByRole('navigation');
    await new Promise((r) => setTimeout(r, 0));
    expect(started, 'not in practice mode before it is asked').toEqual([]);
    await emit('practice-requested', null);
    await vi.waitFor(() => expect(started).toEqual(['seed000']));
    await screen.findByRole('combobox', { name: 'Example' });
  });
});
