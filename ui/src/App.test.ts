import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import type { Channel } from '@tauri-apps/api/core';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import App from './App.svelte';
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
