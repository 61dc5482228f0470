import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import Repair from './Repair.svelte';
import { expectShownAsText, HOSTILE, report } from '../test-support';
import type { FixRow, ReportFinding } from '../ipc';
import type { OptionId, RepairOption, RepairPlan, StepId } from '../ipc';
import { i18n } from '../i18n/index.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

const del: FixRow = { action: 'delete', host: '@', type: 'CNAME', priority: null, value: 'site.cdn.example.net', new_value: null };
const a1: FixRow = { action: 'add', host: '@', type: 'A', priority: null, value: '203.0.113.7', new_value: null };
const www: FixRow = { action: 'add', host: 'www', type: 'CNAME', priority: null, value: 'site.cdn.example.net', new_value: null };
const mx: FixRow = { action: 'add', host: '@', type: 'MX', priority: 5, value: 'mx1.qiye.aliyun.com', new_value: null };
const mailMx: FixRow = { action: 'add', host: 'mail', type: 'MX', priority: 5, value: 'mx1.qiye.aliyun.com', new_value: null };
const replacePlan: RepairPlan = { steps: [{ id: 'delete_cname', rows: [del, a1] }, { id: 'mail_servers', rows: [mx] }], target: [mx] };
const movePlan: RepairPlan = { steps: [{ id: 'delete_cname', rows: [del, www] }, { id: 'mail_servers', rows: [mx] }], target: [mx] };
const subdomainPlan: RepairPlan = { steps: [{ id: 'mail_subdomain', rows: [mailMx] }], target: [mailMx] };

const cname: ReportFinding = {
  code: 'CNAME_AT_MAIL_HOST',
  severity: 'error',
  host: 'example.com',
  records: [],
  fix: [del, a1],
  reference: 'RFC 2181 §10.1', reference_url: 'https://www.rfc-editor.org/rfc/rfc2181#section-10.1',
  params: {},
  options: [
    { id: 'replace_with_a', recommended: true, fix: [del, a1], params: {} },
    { id: 'move_cname', recommended: false, fix: [del, www], params: {} },
    { id: 'separate_subdomain', recommended: false, fix: [mailMx], params: { mail_domain: 'mail.example.com' } },
  ],
  title: 'An alias (CNAME) at example.com hides your mail settings',
  message: '…',
  option_texts: [
    { id: 'replace_with_a', title: 'Replace the alias with A records (recommended)', consequence: 'Your website keeps working.' },
    { id: 'move_cname', title: 'Move the alias to www', consequence: 'Your website is then reached at www.' },
    { id: 'separate_subdomain', title: 'Receive mail at mail.example.com', consequence: 'Addresses change to @mail.example.com.' },
  ],
};

/** The state at the DNS host each row of `table` shows, as read (mark and word). */
const states = (table: Element) => [...table.querySelectorAll('tbody tr')].map((tr) => tr.querySelector('.saved-state')?.textContent?.replace(/\s+/g, ' ').trim());

function setup(onsaved: (option: string | null) => Promise<void> | void = vi.fn()) {
  const r = report({
    findings: [cname],
    plan: replacePlan,
    option_plans: [
      { option: 'replace_with_a', plan: replacePlan },
      { option: 'move_cname', plan: movePlan },
      { option: 'separate_subdomain', plan: subdomainPlan },
    ],
  });
  const props = { report: r, onback: vi.fn(), onsaved, onprepare: vi.fn(), oncheckagain: vi.fn() };
  render(Repair, props);
  return props;
}

describe('Repair', () => {
  it('lists the rows in seed 001’s table with a copy button on every value', () => {
    setup();
    const headers = screen.getAllByRole('table')[0]!.querySelectorAll('th');
    expect([...headers].map((h) => h.textContent)).toEqual(['Action', 'Host record', 'Record type', 'Priority', 'Record value']);
    expect(screen.getAllByRole('button', { name: 'Copy: Record value' }).length).toBeGreaterThanOrEqual(3);
    expect(screen.getByText('Before deleting the alias, check that nothing else (your website, a CDN, a verification) relies on it.')).toBeTruthy();
  });

  it('shows the core’s plan of the option chosen for the alias', async () => {
    setup();
    const first = screen.getAllByRole('table')[0]!;
    expect(first.textContent).toContain('203.0.113.7');
    await fireEvent.click(screen.getByLabelText(/Move the alias to www/));
    const now = screen.getAllByRole('table')[0]!;
    expect(now.textContent).toContain('www');
    expect(now.textContent).not.toContain('203.0.113.7');
  });

  it('keeps the choice of options on screen when the chosen plan has no alias step', async () => {
    setup();
    await fireEvent.click(screen.getByLabelText(/Receive mail at mail.example.com/));
    expect(screen.getByRole('heading', { name: 'Receive mail at a separate subdomain: add its mail server rows' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: /Delete the alias/ })).toBeNull();
    // The alias stays: no warning about deleting it.
    expect(screen.queryByText(/Before deleting the alias/)).toBeNull();
    const rows = screen.getAllByRole('table')[0]!.textContent!;
    expect(rows).toContain('mail');
    expect(rows).not.toContain('site.cdn.example.net');
    // The user can change their mind.
    await fireEvent.click(screen.getByLabelText(/Replace the alias with A records/));
    expect(screen.getAllByRole('table')[0]!.textContent).toContain('203.0.113.7');
  });

  it('never shows an answer about one option’s rows under another option', async () => {
    let answer: (v: unknown) => void = () => {};
    mockIPC((cmd, args) => {
      if (cmd !== 'verify_rows') return null;
      const rows = (args as { rows: FixRow[] }).rows;
      return new Promise((resolve) => {
        answer = () => resolve(rows.map((row) => ({ row, state: 'saved', servers: [] })));
      });
    });
    setup();
    await fireEvent.click(screen.getByRole('button', { name: "I've made the changes" }));
    // The user picks another way while the DNS host is being asked about the first one's rows.
    await fireEvent.click(screen.getByLabelText(/Receive mail at mail.example.com/));
    answer(null);
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByText(/Every change is saved at your DNS host/)).toBeNull();
    expect(screen.getByRole('button', { name: "I've made the changes" })).toBeTruthy();
  });

  it('verifies exactly the chosen option’s rows and waits for that option', async () => {
    let asked: FixRow[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== 'verify_rows') return null;
      asked = (args as { rows: FixRow[] }).rows;
      return asked.map((row) => ({ row, state: 'not_saved', servers: [] }));
    });
    const { onsaved } = setup();
    await fireEvent.click(screen.getByLabelText(/Move the alias to www/));
    await fireEvent.click(screen.getByRole('button', { name: "I've made the changes" }));
    await screen.findByText(/not saved at your DNS host yet/);
    expect(asked).toEqual([del, www, mx]);
    await fireEvent.click(screen.getByRole('button', { name: 'Wait anyway: MX Doctor keeps asking' }));
    expect(onsaved).toHaveBeenCalledWith('move_cname');
  });

  it('asks the DNS host about every row shown and marks each saved or not yet saved before any wait', async () => {
    let asked: FixRow[] = [];
    let delSaved = false;
    mockIPC((cmd, args) => {
      if (cmd !== 'verify_rows') return null;
      asked = (args as { rows: FixRow[] }).rows;
      return asked.map((row) => {
        const state = row === del || row.type === 'CNAME' ? (delSaved ? 'saved' : 'not_saved') : 'saved';
        return { row, state, servers: [{ server: 'ns1.example.net (192.0.2.1)', state }] };
      });
    });
    const { onsaved } = setup();
    await fireEvent.click(screen.getByRole('button', { name: "I've made the changes" }));
    await screen.findByText('1 change is not saved at your DNS host yet. Save it in your DNS console, then check again.');
    // Exactly the rows on screen, in order: the recommended option's rows, then the mail servers.
    expect(asked.map((r) => `${r.type} ${r.value}`)).toEqual(['CNAME site.cdn.example.net', 'A 203.0.113.7', 'MX mx1.qiye.aliyun.com']);
    const first = screen.getAllByRole('table')[0]!;
    expect(states(first)).toEqual(['✗ Not yet saved', '✓ Saved']);
    expect(onsaved).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Wait anyway: MX Doctor keeps asking' })).toBeTruthy();

    delSaved = true;
    await fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    await screen.findByText(/Every change is saved at your DNS host/);
    expect(states(screen.getAllByRole('table')[0]!)).toEqual(['✓ Saved', '✓ Saved']);
    await fireEvent.click(screen.getByRole('button', { name: 'Start waiting' }));
    expect(onsaved).toHaveBeenCalledTimes(1);
    expect(onsaved).toHaveBeenCalledWith('replace_with_a');
  });

  it('says so when the DNS host could not be asked, instead of saved or not', async () => {
    mockIPC((cmd, args) =>
      cmd === 'verify_rows' ? (args as { rows: FixRow[] }).rows.map((row) => ({ row, state: 'unknown', servers: [] })) : null,
    );
    setup();
    await fireEvent.click(screen.getByRole('button', { name: "I've made the changes" }));
    await screen.findByText(/did not answer, so MX Doctor cannot tell yet/);
    expect(screen.getAllByText('Could not ask').length).toBe(3);
  });

  it('copies a message for the DNS provider, in the current language', async () => {
    const asked: string[] = [];
    const copied: string[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'report_document') {
        asked.push(String((args as { locale: string }).locale));
        return '# MX Doctor: mail settings of example.com\n\nPlease make the following changes…';
      }
      if (cmd === 'copy_text') copied.push(String((args as { text: string }).text));
      return null;
    });
    setup();
    await fireEvent.click(screen.getByRole('button', { name: 'Copy a message for your DNS provider' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Copied to the clipboard' })).toBeTruthy());
    expect(asked).toEqual(['en']);
    expect(copied).toHaveLength(1);
    expect(copied[0]).toContain('Please make the following changes');
  });
});

describe('Repair, when no wait can start', () => {
  afterEach(() => {
    i18n.locale = 'en';
  });

  const refuse = (code: string) => () => Promise.reject({ code, message: 'there is nothing to wait for: … Name it with --provider (or --mx for your own servers)' });

  async function toTheWait(code: string) {
    mockIPC((cmd, args) => (cmd === 'verify_rows' ? (args as { rows: FixRow[] }).rows.map((row) => ({ row, state: 'saved', servers: [] })) : null));
    const props = setup(refuse(code));
    await fireEvent.click(screen.getByRole('button', { name: i18n.locale === 'en' ? "I've made the changes" : '我已完成修改' }));
    await fireEvent.click(await screen.findByRole('button', { name: i18n.locale === 'en' ? 'Start waiting' : '开始等待' }));
    await screen.findByRole('alert');
    return props;
  }

  it('says there is nothing to wait for in its own words, and where to go next', async () => {
    const { onprepare, oncheckagain } = await toTheWait('nothing_to_wait_for');
    const alert = screen.getByRole('alert').textContent!;
    expect(alert).toContain('There is nothing to wait for');
    expect(alert, 'the CLI’s English never reaches the window').not.toContain('--provider');
    await fireEvent.click(screen.getByRole('button', { name: 'Choose my mailbox service' }));
    expect(onprepare).toHaveBeenCalled();
    await fireEvent.click(screen.getByRole('button', { name: 'Check my domain again' }));
    expect(oncheckagain).toHaveBeenCalled();
  });

  it('words a refusal in Chinese in a Chinese window', async () => {
    i18n.locale = 'zh-CN';
    await toTheWait('bad_option');
    const alert = screen.getByRole('alert').textContent!;
    expect(alert).toContain('您选择的删除别名方式');
    expect(alert).not.toMatch(/nothing to wait|--provider/);
    expect(screen.getByRole('button', { name: '重新检测我的域名' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: '选择我的邮箱服务' })).toBeNull();
  });
});

describe('Repair, in practice mode', () => {
  it('names the practice DNS console as the DNS host settings page, with its steps', () => {
    const r = report({
      findings: [cname],
      plan: { steps: [{ id: 'delete_cname', rows: [del, a1] }], target: [] },
      dns_host: { host: null, name_servers: ['ns1.seed000.test', 'ns2.seed000.test'], steps: ['Log in where you bought or manage your domain name.'] },
    });
    render(Repair, { report: r, practice: true, onback: vi.fn(), onsaved: vi.fn() });
    expect(screen.getByText(/its settings page is the practice DNS console/).textContent).toContain('ns1.seed000.test, ns2.seed000.test');
    expect(screen.getByText('Open the practice DNS console with the button at the top of the window: it opens alongside these steps.')).toBeTruthy();
    expect(screen.queryByText('Log in where you bought or manage your domain name.')).toBeNull();
  });
});

describe('Repair, for the helpdesk', () => {
  it('shows what each DNS host server said about a row when technical details are on', async () => {
    mockIPC((cmd, args) =>
      cmd === 'verify_rows'
        ? (args as { rows: FixRow[] }).rows.map((row) => ({
            row,
            state: 'not_saved',
            servers: [
              { server: 'ns1.example.net (192.0.2.1)', state: 'saved' },
              { server: 'ns2.example.net (192.0.2.2)', state: 'not_saved' },
            ],
          }))
        : null,
    );
    const r = report({ findings: [cname], plan: { steps: [{ id: 'mail_servers', rows: [mx] }], target: [] } });
    render(Repair, { report: r, technical: true, onback: vi.fn(), onsaved: vi.fn() });
    await fireEvent.click(screen.getByRole('button', { name: "I've made the changes" }));
    await screen.findByText('ns2.example.net (192.0.2.2): Not yet saved');
    expect(screen.getByText('ns1.example.net (192.0.2.1): Saved')).toBeTruthy();
  });
});

describe('Repair, with a crafted report', () => {
  const hostileRow: FixRow = { action: 'add', host: HOSTILE.html, type: 'TXT', priority: null, value: HOSTILE.newline, new_value: null };

  it('lists a way to remove the alias given twice twice, and hostile option texts as text', async () => {
    const twice: RepairOption = { id: 'replace_with_a', recommended: true, fix: [del, a1], params: {} };
    // A crafted file may name an option the window does not know.
    const unknown = HOSTILE.html as OptionId;
    const crafted: ReportFinding = {
      ...cname,
      options: [twice, twice, { id: unknown, recommended: false, fix: [hostileRow], params: {} }],
      option_texts: [
        { id: 'replace_with_a', title: HOSTILE.html, consequence: HOSTILE.newline },
        { id: 'replace_with_a', title: HOSTILE.rtl, consequence: HOSTILE.long },
        { id: unknown, title: 'The hostile one', consequence: '' },
      ],
    };
    render(Repair, { report: report({ findings: [crafted], plan: replacePlan }), onback: vi.fn(), onsaved: vi.fn() });
    const group = screen.getByRole('group', { name: 'Choose what to do about the alias (CNAME)' });
    expect(group.querySelectorAll('input[type=radio]')).toHaveLength(3);
    expectShownAsText(group);
    // Choosing the option whose id is markup shows the report's plan (none for that id), and no markup.
    await fireEvent.click(screen.getByLabelText(/The hostile one/));
    expect(screen.getAllByRole('table')[0]!.textContent).toContain('203.0.113.7');
    expect(document.querySelector('img')).toBeNull();
  });

  it('lists a plan step given twice twice, and hostile rows as text', () => {
    const crafted: RepairPlan = {
      steps: [
        { id: 'spf', rows: [hostileRow] },
        { id: 'spf', rows: [{ ...hostileRow, host: HOSTILE.rtl, value: HOSTILE.long }] },
        // A crafted file may name a step the window does not know.
        { id: HOSTILE.html as StepId, rows: [hostileRow] },
      ],
      target: [],
    };
    const { container } = render(Repair, { report: report({ plan: crafted }), onback: vi.fn(), onsaved: vi.fn() });
    const steps = container.querySelectorAll('ol.plan > li:not(.host-step)');
    expect(steps).toHaveLength(3);
    expect([...steps].map((s) => s.querySelector('h3')!.textContent)).toEqual(['Add the SPF row', 'Add the SPF row', 'Add these rows']);
    expectShownAsText(container);
  });
});

describe('Repair, as a first-time domain owner reads it', () => {
  afterEach(() => {
    i18n.locale = 'en';
  });

  // MX_ZONE_APPENDED: the console appended the zone to the mail server's name.
  const changeMx: FixRow = { action: 'change', host: '@', type: 'MX', priority: 5, value: 'mx1.qiye.aliyun.com.example.com', new_value: 'mx1.qiye.aliyun.com' };
  const changePlan: RepairPlan = { steps: [{ id: 'mail_servers', rows: [changeMx] }], target: [] };

  it('shows a change row with the value there now and the value to put instead, in both languages', () => {
    const { container } = render(Repair, { report: report({ plan: changePlan }), onback: vi.fn(), onsaved: vi.fn() });
    const cell = container.querySelector('ol.plan tbody tr .row-value')!;
    expect(cell.textContent, 'the user finds the row by its old value and types the new one').toContain(
      'replace mx1.qiye.aliyun.com.example.com with mx1.qiye.aliyun.com',
    );
    expect([...cell.querySelectorAll('code')].map((c) => c.textContent)).toEqual(['mx1.qiye.aliyun.com.example.com', 'mx1.qiye.aliyun.com']);
    cleanup();
    i18n.locale = 'zh-CN';
    const zh = render(Repair, { report: report({ plan: changePlan }), onback: vi.fn(), onsaved: vi.fn() });
    expect(zh.container.querySelector('ol.plan tbody tr .row-value')!.textContent).toContain('将 mx1.qiye.aliyun.com.example.com 替换为 mx1.qiye.aliyun.com');
  });

  it('heads each step with what its rows do: never "add" over a change, both verbs over a delete and an add', () => {
    const plan: RepairPlan = {
      steps: [
        { id: 'delete_cname', rows: [del, a1] },
        { id: 'mail_servers', rows: [changeMx] },
        { id: 'spf', rows: [{ ...a1, type: 'TXT', value: 'v=spf1 include:spf.qiye.aliyun.com -all' }] },
      ],
      target: [],
    };
    render(Repair, { report: report({ plan }), onback: vi.fn(), onsaved: vi.fn() });
    const headings = screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent);
    expect(headings).toEqual([
      "Delete the alias (CNAME) at the mail host and add the rows that take the alias's place",
      "Change the mail server rows to your mailbox service's servers",
      'Add the SPF row',
    ]);
  });

  it('numbers the way from the DNS host’s page to "I\'ve made the changes" in one list, with no list inside another', () => {
    const guide = { host: null, name_servers: ['ns1.example.net'], steps: ['Log in where you bought or manage your domain name.', 'Open the DNS settings.'] };
    for (const practice of [false, true]) {
      const { container, unmount } = render(Repair, { report: report({ findings: [cname], plan: replacePlan, dns_host: guide }), practice, onback: vi.fn(), onsaved: vi.fn() });
      expect(container.querySelectorAll('ol'), `one numbered list (practice: ${practice})`).toHaveLength(1);
      const items = [...container.querySelectorAll('ol.plan > li')];
      // The way in, the two plan steps, and the button last.
      expect(items).toHaveLength(2 + 2 + 1);
      expect(items[0]!.textContent).toBe(practice ? 'Open the practice DNS console with the button at the top of the window: it opens alongside these steps.' : 'Log in where you bought or manage your domain name.');
      expect(items.at(-1)!.textContent).toContain("I've made the changes");
      unmount();
    }
  });

  it('keeps the table as wide as it was once the rows are checked: the state sits under the action', async () => {
    mockIPC((cmd, args) => (cmd === 'verify_rows' ? (args as { rows: FixRow[] }).rows.map((row) => ({ row, state: 'saved', servers: [] })) : null));
    setup();
    const columns = () => screen.getAllByRole('table')[0]!.querySelectorAll('thead th').length;
    const before = columns();
    await fireEvent.click(screen.getByRole('button', { name: "I've made the changes" }));
    await screen.findByText(/Every change is saved at your DNS host/);
    expect(columns(), 'no extra column').toBe(before);
    const first = screen.getAllByRole('table')[0]!.querySelector('tbody tr')!;
    expect(first.firstElementChild!.textContent).toMatch(/^\s*Delete\s*✓\sSaved\s*$/);
  });
});
