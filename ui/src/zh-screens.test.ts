/** Every screen of the wizard, in Chinese, with realistic data: no English word may reach a
 * person who reads Chinese. Only DNS data (code, record values) and names that stay in Latin
 * letters in any language (record types, protocols, the product names of the core's catalogs)
 * are let through, as tests/e2e/steps.py `english_words` does for the real window. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import Preparation from './steps/Preparation.svelte';
import CheckInWizard from './steps/CheckInWizard.svelte';
import Repair from './steps/Repair.svelte';
import Wait from './steps/Wait.svelte';
import Done from './steps/Done.svelte';
import SettingsPanel from './components/SettingsPanel.svelte';
import PracticeConsole from './components/PracticeConsole.svelte';
import { i18n, t } from './i18n/index.svelte';
import { report, vantage, waitView } from './test-support';
import { detailWords } from './i18n/errors';
import type { ErrorDetail } from './ipc/bindings/ErrorDetail';
import type { CheckReport, ConsoleRow, FixRow, PracticeView, RepairPlan, ReportFinding, RowCheck, Settings, VantageView } from './ipc';

const DATA = `${process.cwd()}/../src-tauri/core/data`;
const json = (name: string) => JSON.parse(readFileSync(`${DATA}/${name}`, 'utf-8'));
/** The core's Chinese catalog: what the core words a report with for a Chinese window. */
const core = json('messages.zh-CN.json');
const coreEn = json('messages.en.json');

/** Names a Chinese text keeps in Latin letters: the products the core's catalogs name (in either
 * language), public DNS services, DKIM selectors; longest first, so a name is taken whole. */
const PRODUCT_NAMES: string[] = [
  ...new Set<string>([
    ...[core, coreEn].flatMap((c) => Object.values(c.providers as Record<string, string>)),
    ...[core, coreEn].flatMap((c) => Object.values(c.dns_hosts as Record<string, { name?: string }>).flatMap((h) => h.name ?? [])),
    ...(json('resolvers.json').resolvers as { name: string }[]).map((r) => r.name),
    ...(json('providers.json').providers as { dkim_selectors?: string[] }[]).flatMap((p) => p.dkim_selectors ?? []),
  ]),
].sort((a, b) => b.length - a.length);
// Wi-Fi is written so in Chinese too (公共 Wi-Fi), as the core's Chinese catalog does.
const KEEP = new Set(['MX', 'Doctor', 'CNAME', 'TXT', 'SPF', 'DKIM', 'DMARC', 'DNS', 'TTL', 'IP', 'A', 'AAAA', 'NS', 'SOA', 'CDN', 'www', 'Wi-Fi']);

/** What a person reads in `el`, DNS data left out: text, and the labels and hints a screen reader
 * or a pointer shows (aria-label, title, placeholder). */
function readable(el: Element): string {
  const skip = (e: Element | null) => !e || e.closest('code, .value, [lang="en"]') !== null;
  const out: string[] = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (!skip(parent) && !parent!.closest('script, style')) out.push(n.textContent ?? '');
  }
  // A label names its row by the row's data ("删除 @ TXT v=spf1 … -all"): the data shown on the
  // screen is left out of the labels too.
  const data = [...el.querySelectorAll('code, .value')].map((e) => e.textContent ?? '').filter((d) => d.trim() !== '');
  data.sort((a, b) => b.length - a.length);
  for (const e of el.querySelectorAll('[aria-label], [title], [placeholder]')) {
    if (skip(e)) continue;
    for (const a of ['aria-label', 'title', 'placeholder']) out.push(data.reduce((label, d) => label.split(d).join(' '), e.getAttribute(a) ?? ''));
  }
  return out.join(' ');
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Words in Latin letters in `text` that a Chinese window should not show. */
export function englishWords(text: string): string[] {
  // A name is taken whole, not inside a host name (the DKIM selector "google" in "dns.google").
  for (const name of PRODUCT_NAMES) text = text.replace(new RegExp(`(?<![\\w.-])${escape(name)}(?![\\w-]|\\.\\w)`, 'g'), ' ');
  const tokens = text.match(/[A-Za-z0-9][A-Za-z0-9.'’_:@-]*/g) ?? [];
  // Anything with a digit, an @ or an underscore, or a dot before a letter, is data: an
  // address, a domain, a host name.
  const words = tokens.filter((x) => !/[0-9@_]|\.[A-Za-z]/.test(x)).map((x) => x.replace(/[.:]+$/, ''));
  return words.filter((x) => /[A-Za-z]{2}/.test(x) && !KEEP.has(x));
}

function expectChinese(el: Element, what: string) {
  const text = readable(el);
  expect(text.length, `${what} shows something`).toBeGreaterThan(20);
  expect(englishWords(text), `${what}: English in the Chinese window`).toEqual([]);
}

/** `template` of the core's Chinese catalog with its placeholders filled. */
const fill = (template: string, params: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? k);
function finding(code: string, over: Partial<ReportFinding>, params: Record<string, string> = {}): ReportFinding {
  const words = core.codes[code] as { title: string; explain: string };
  return {
    code: code as ReportFinding['code'],
    severity: 'error',
    host: 'example.com',
    records: [],
    fix: [],
    reference: 'RFC 5321 §5.1', reference_url: '',
    params,
    options: [],
    title: fill(words.title, params),
    message: fill(words.explain, params),
    ...over,
  };
}

const provider = core.providers['alibaba-standard'] as string;
const delAlias: FixRow = { action: 'delete', host: '@', type: 'CNAME', priority: null, value: 'site.cdn.example.net', new_value: null };
const addA: FixRow = { action: 'add', host: '@', type: 'A', priority: null, value: '203.0.113.7', new_value: null };
const addWww: FixRow = { action: 'add', host: 'www', type: 'CNAME', priority: null, value: 'site.cdn.example.net', new_value: null };
const mailMx: FixRow = { action: 'add', host: 'mail', type: 'MX', priority: 5, value: 'mx1.qiye.aliyun.com', new_value: null };
const delMx: FixRow = { action: 'delete', host: '@', type: 'MX', priority: 10, value: 'mxbiz1.qq.com', new_value: null };
const addMx: FixRow = { action: 'add', host: '@', type: 'MX', priority: 5, value: 'mx1.qiye.aliyun.com', new_value: null };
const addSpf: FixRow = { action: 'add', host: '@', type: 'TXT', priority: null, value: 'v=spf1 include:spf.qiye.aliyun.com -all', new_value: null };
const addDmarc: FixRow = { action: 'add', host: '_dmarc', type: 'TXT', priority: null, value: 'v=DMARC1; p=none', new_value: null };

const optionTexts = (['replace_with_a', 'move_cname', 'separate_subdomain'] as const).map((id) => {
  const words = core.options[id] as { title: string; consequence: string };
  const params = { addresses: '203.0.113.7', new_host: 'www.example.com', mail_domain: 'mail.example.com' };
  return { id, title: fill(words.title, params), consequence: fill(words.consequence, params) };
});

const findings: ReportFinding[] = [
  finding(
    'CNAME_AT_MAIL_HOST',
    {
      records: [{ name: 'example.com', ttl: 600, type: 'CNAME', target: 'site.cdn.example.net' }],
      fix: [delAlias, addA],
      reference: 'RFC 1034 §3.6.2', reference_url: '',
      options: [
        { id: 'replace_with_a', recommended: true, fix: [delAlias, addA], params: {} },
        { id: 'move_cname', recommended: false, fix: [delAlias, addWww], params: {} },
        { id: 'separate_subdomain', recommended: false, fix: [mailMx], params: { mail_domain: 'mail.example.com' } },
      ],
      option_texts: optionTexts,
    },
    { host: 'example.com', target: 'site.cdn.example.net' },
  ),
  finding(
    'MX_FOREIGN',
    { records: [{ name: 'example.com', ttl: 600, type: 'MX', preference: 10, exchange: 'mxbiz1.qq.com' }], fix: [delMx] },
    { count: '1', owner_name: core.providers['tencent-exmail'], provider },
  ),
  finding('SPF_MISSING', { severity: 'warning', fix: [addSpf], reference: 'RFC 7208 §3' }),
  finding('DMARC_MISSING', { severity: 'info', fix: [addDmarc], reference: 'RFC 7489 §6.1' }),
];

const plan: RepairPlan = {
  steps: [
    { id: 'delete_stray_mx', rows: [delMx] },
    { id: 'delete_cname', rows: [delAlias, addA] },
    { id: 'mail_servers', rows: [addMx] },
    { id: 'spf', rows: [addSpf] },
    { id: 'other', rows: [addDmarc] },
  ],
  target: [addA, addMx, addSpf, addDmarc],
};

const checked: CheckReport = report({
  provider_name: provider,
  findings,
  plan,
  option_plans: [
    { option: 'replace_with_a', plan },
    { option: 'move_cname', plan: { ...plan, steps: plan.steps.map((s) => (s.id === 'delete_cname' ? { ...s, rows: [delAlias, addWww] } : s)) } },
    { option: 'separate_subdomain', plan: { steps: [{ id: 'mail_servers', rows: [mailMx] }], target: [mailMx] } },
  ],
  dns_host: {
    host: { id: 'alibaba-cloud-dns', name: core.dns_hosts['alibaba-cloud-dns'].name, ns_suffixes: ['alidns.com'], ns_contains: [], console_url: 'https://dns.console.aliyun.com/', steps: [], source: '', adapter: 'alibaba-cloud-dns', key_steps: [], key_url: null, key_source: '' },
    name_servers: ['ns1.alidns.com', 'ns2.alidns.com'],
    steps: core.dns_hosts['alibaba-cloud-dns'].steps,
  },
  resolvers: ['127.0.0.53:53'],
  authoritative_servers: ['ns1.alidns.com (192.0.2.1)', 'ns2.alidns.com (192.0.2.2)'],
  taken_at: 1795347453,
});

const ns1 = 'ns1.alidns.com (192.0.2.1)';
const ns2 = 'ns2.alidns.com (192.0.2.2)';
const rowCheck = (row: FixRow, state: RowCheck['state']): RowCheck => ({ row, state, servers: [{ server: ns1, state }, { server: ns2, state: state === 'saved' ? 'saved' : 'unknown' }] });

/** One server in each state the wait knows, of each kind. */
const vantages: VantageView[] = [
  vantage({ name: 'ns1.alidns.com', server: '192.0.2.1:53' }),
  vantage({ name: 'ns2.alidns.com', server: '192.0.2.2:53', state: 'not_saved', next_check_in: 15, gaps: [{ kind: 'row_differs', records: [], ttl: 600, row: addSpf }] }),
  vantage({ kind: 'system', name: core.vantages.system, server: '127.0.0.53:53', state: 'pending', next_check_in: 5 }),
  vantage({
    kind: 'public',
    name: 'Google Public DNS',
    server: '8.8.8.8:53',
    state: 'stale',
    stale_ttl: 600,
    expires_in: 341,
    next_check_in: 30,
    flush_url: 'https://developers.google.com/speed/public-dns/cache',
    gaps: [
      { kind: 'alias_present', records: [{ name: 'example.com', ttl: 341, type: 'CNAME', target: 'site.cdn.example.net' }], ttl: 341 },
      { kind: 'mail_servers_differ', records: [{ name: 'example.com', ttl: 341, type: 'MX', preference: 10, exchange: 'mxbiz1.qq.com' }], ttl: 341 },
      { kind: 'spf_include_missing', records: [], ttl: 341 },
    ],
  }),
  vantage({ kind: 'public', name: 'Quad9', server: '9.9.9.9:53', state: 'failed', failure: '9.9.9.9:53 did not answer within 3.0 s', next_check_in: 15 }),
  vantage({ kind: 'custom', name: '203.0.113.53:53', server: '203.0.113.53:53', state: 'clear' }),
];

const waiting = waitView({
  provider: 'alibaba-standard',
  vantages,
  option: 'replace_with_a',
  rows: [rowCheck(delAlias, 'saved'), rowCheck(addA, 'saved'), rowCheck(addMx, 'saved'), rowCheck(addSpf, 'not_saved')],
  optional_rows: [rowCheck(addDmarc, 'unknown')],
  except: [{ kind: 'public', name: 'Quad9', server: '9.9.9.9:53', failure: '9.9.9.9:53 did not answer within 3.0 s', last_old: false }],
});

const consoleRows: ConsoleRow[] = [
  { host: '@', type: 'NS', priority: null, value: 'ns1.seed000.test', ttl: 60 },
  { host: '@', type: 'CNAME', priority: null, value: 'site.cdn.test', ttl: 60 },
  { host: '@', type: 'MX', priority: 5, value: 'mx1.qiye.aliyun.com', ttl: 60 },
  { host: '@', type: 'TXT', priority: null, value: 'v=spf1 include:spf.qiye.aliyun.com -all', ttl: 60 },
];
const practice: PracticeView = {
  scenario: { id: 'seed000', domain: 'seed000.test', provider: 'alibaba-standard' },
  rows: consoleRows,
  locked: [true, false, false, false],
};

const settings: Settings = { locale: 'zh-CN', technical: false, resolvers: ['8.8.8.8', '1.1.1.1:53'], check_every_secs: 15, longest_gap_secs: 900 };

beforeEach(() => {
  i18n.locale = 'zh-CN';
});
afterEach(() => {
  cleanup();
  clearMocks();
  i18n.locale = 'en';
});

describe('the Chinese window', () => {
  it('reads the product names from the core’s catalogs, and catches an English word', () => {
    expect(PRODUCT_NAMES).toContain('Google Public DNS');
    expect(englishWords('请删除 mxbiz1.qq.com 的 MX 记录（Google Workspace）')).toEqual([]);
    expect(englishWords('请 Check again 后重试')).toEqual(['Check', 'again']);
    expect(englishWords('“dns.google”不是 DNS 服务器地址')).toEqual([]);
    expect(englishWords('google 不是')).toEqual([]);
  });

  it('shows the preparation step in Chinese', async () => {
    mockIPC((cmd, args) => {
      if (cmd === 'list_providers') return Object.entries(core.providers as Record<string, string>).map(([id, name]) => ({ id, name, mx_sets: [] }));
      if (cmd === 'recent_checks') return [{ input: 'boss@example.com', domain: 'example.com', provider: 'alibaba-standard', mx: [], status: 'problems', problems: 2, risks: 1, taken_at: 1795347453 }];
      if (cmd === 'normalise_domain') {
        const input = String((args as { input: string }).input);
        return { ascii: 'example.com', unicode: 'example.com', input, adjustments: ['took_part_after_at'] };
      }
      if (cmd === 'detect_dns_host') return checked.dns_host;
      return null;
    });
    const { container } = render(Preparation, { initial: { input: '', provider: null, mx: [], resolvers: [] }, onstart: vi.fn() });
    await screen.findByRole('button', { name: /example\.com/ });
    await fireEvent.input(container.querySelector('input')!, { target: { value: 'Boss@Example.com' } });
    await waitFor(() => expect(container.textContent).toContain('example.com'));
    await screen.findByRole('option', { name: provider });
    expectChinese(container, 'Preparation');
  });

  it('shows the check’s results in Chinese', async () => {
    mockIPC((cmd) => (cmd === 'reword_report' ? checked : null));
    const { container } = render(CheckInWizard, {
      request: { input: 'example.com', provider: 'alibaba-standard', mx: [], resolvers: [] },
      technical: false,
      onback: vi.fn(),
      onrepair: vi.fn(),
      given: checked,
    });
    await screen.findByText(findings[0]!.title);
    for (const details of container.querySelectorAll('details')) details.open = true;
    expectChinese(container, 'Check');
  });

  it('shows the repair step in Chinese, rows checked at the DNS host', async () => {
    mockIPC((cmd) => (cmd === 'verify_rows' ? [rowCheck(delAlias, 'saved'), rowCheck(addA, 'not_saved'), rowCheck(addMx, 'unknown')] : null));
    const { container } = render(Repair, { report: checked, onback: vi.fn(), onsaved: vi.fn(), onprepare: vi.fn(), oncheckagain: vi.fn() });
    expectChinese(container, 'Repair');
    await fireEvent.click(screen.getByRole('button', { name: t('repair.saved') }));
    await screen.findByRole('button', { name: t('repair.wait_anyway') });
    expectChinese(container, 'Repair, rows checked');
  });

  it('shows the repair step in Chinese in practice mode, with a row to change and a step that deletes and adds', () => {
    const change: FixRow = { action: 'change', host: '@', type: 'MX', priority: 5, value: 'mx1.qiye.aliyun.com.example.com', new_value: 'mx1.qiye.aliyun.com' };
    const practicePlan: RepairPlan = { steps: [{ id: 'delete_cname', rows: [delAlias, addA] }, { id: 'mail_servers', rows: [change, addMx] }], target: [] };
    const { container } = render(Repair, { report: { ...checked, plan: practicePlan, option_plans: [] }, practice: true, onback: vi.fn(), onsaved: vi.fn() });
    expect(container.querySelector('.row-value .replace')!.textContent).toContain('替换为');
    expectChinese(container, 'Repair, practice mode');
  });

  it('shows the wait in Chinese, with a server in every state', () => {
    const { container } = render(Wait, { view: waiting, receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
    expectChinese(container, 'Wait');
  });

  it('shows the wait in Chinese in every phase', () => {
    const phases = ['checking', 'not_saved', 'propagating', 'clear', 'timed_out', 'saved_except', 'clear_except'] as const;
    for (const phase of phases) {
      const status = phase === 'clear' || phase === 'clear_except' ? 'clear' : phase === 'timed_out' ? 'timeout' : 'waiting';
      const { container, unmount } = render(Wait, { view: { ...waiting, phase, status }, receivedAt: Date.now(), technical: false, practice: phase === 'checking', onrestart: vi.fn(), ondone: vi.fn() });
      expectChinese(container, `Wait, ${phase}`);
      unmount();
    }
  });

  it('shows the summary in Chinese', () => {
    const clear = { ...waiting, status: 'clear' as const, phase: 'clear_except' as const, cleared_at: '2026-11-22T10:06:41Z' };
    const { container } = render(Done, { view: clear, report: checked, onagain: vi.fn() });
    expectChinese(container, 'Done');
  });

  it('shows the settings in Chinese, and a refused setting', async () => {
    const onsave = vi.fn().mockRejectedValueOnce({ code: 'bad_setting', message: '"dns.google" is not a DNS server address', detail: { kind: 'server', text: 'dns.google' } });
    const { container } = render(SettingsPanel, { settings, onsave });
    expectChinese(container, 'Settings');
    await fireEvent.click(screen.getByRole('button', { name: t('settings.save') }));
    await screen.findByRole('alert');
    expectChinese(container, 'Settings, refused');
  });

  it('shows the practice console in Chinese, with its form open', async () => {
    const { container } = render(PracticeConsole, { practice, onchange: vi.fn(), onclose: vi.fn() });
    expectChinese(container, 'PracticeConsole');
    await fireEvent.click(screen.getByRole('button', { name: t('practice.add') }));
    expectChinese(container, 'PracticeConsole, adding');
  });

  it('shows the practice console in Chinese while a row is edited, asked about and saved', async () => {
    mockIPC((cmd) => (cmd === 'practice_edit' ? practice : null));
    const { container } = render(PracticeConsole, { practice, onchange: vi.fn(), onclose: vi.fn() });
    const edit = screen.getAllByRole('button', { name: new RegExp(`^${t('practice.edit')} `) })[0]!;
    await fireEvent.click(edit);
    expectChinese(container, 'PracticeConsole, editing');
    await fireEvent.click(screen.getByRole('button', { name: t('practice.save') }));
    await screen.findByText(t('practice.saved_row'));
    expectChinese(container, 'PracticeConsole, saved');
    await fireEvent.click(screen.getAllByRole('button', { name: new RegExp(`^${t('practice.delete')} `) })[0]!);
    await screen.findByText(t('practice.delete_confirm'));
    expectChinese(container, 'PracticeConsole, asking before deleting');
  });
});

/** One detail of each kind the app sends (a new kind fails the type check until it is here),
 * with each refusal of the practice console. */
const DETAILS: { [K in ErrorDetail['kind']]: Extract<ErrorDetail, { kind: K }>[] } = {
  input: [{ kind: 'input', input: { code: 'empty' }, character: null }],
  server: [{ kind: 'server', text: 'dns.google' }],
  mx_row: [{ kind: 'mx_row', text: 'mail.example.com' }],
  mx_host: [{ kind: 'mx_host', host: 'mail..example.com', input: { code: 'empty_label' }, character: null }],
  no_mx_rows: [{ kind: 'no_mx_rows' }],
  unknown_provider: [{ kind: 'unknown_provider', id: 'acme-mail' }],
  poll_bounds: [{ kind: 'poll_bounds', min: 1, max: 600 }],
  gap_bounds: [{ kind: 'gap_bounds', min: 15, max: 3600 }],
  console_row: [
    { kind: 'console_row', refusal: { reason: 'host', host: 'a b' } },
    { kind: 'console_row', refusal: { reason: 'type', rtype: 'SRV' } },
    { kind: 'console_row', refusal: { reason: 'priority' } },
    ...['A', 'AAAA', 'TXT', 'CNAME'].map((rtype) => ({ kind: 'console_row' as const, refusal: { reason: 'value' as const, rtype, value: 'not an address' } })),
    { kind: 'console_row', refusal: { reason: 'ttl' } },
    { kind: 'console_row', refusal: { reason: 'no_row' } },
    { kind: 'console_row', refusal: { reason: 'locked' } },
    { kind: 'console_row', refusal: { reason: 'zone' } },
  ],
  practice_not_running: [{ kind: 'practice_not_running' }],
  practice_unavailable: [{ kind: 'practice_unavailable' }],
  practice_not_started: [{ kind: 'practice_not_started' }],
  check_first: [{ kind: 'check_first' }],
  browser_not_opened: [{ kind: 'browser_not_opened' }],
  not_copied: [{ kind: 'not_copied' }],
};

describe('errors in the Chinese window', () => {
  it('words every error detail in Chinese', () => {
    for (const detail of Object.values(DETAILS).flat()) {
      i18n.locale = 'en';
      const english = detailWords(detail);
      i18n.locale = 'zh-CN';
      const chinese = detailWords(detail);
      expect(chinese, JSON.stringify(detail)).not.toBe(english);
      // What the person typed is quoted back as it was: their data, not the window's words.
      const typed = JSON.stringify(detail, (k, v) => (['kind', 'reason', 'code'].includes(k) ? undefined : v)).match(/"[^"]*"(?=[,}\]])/g) ?? [];
      const words = typed.map((q) => q.slice(1, -1)).reduce((text, d) => text.split(d).join(' '), chinese);
      expect(englishWords(words), `${JSON.stringify(detail)}: ${chinese}`).toEqual([]);
    }
  });

  it('says why the practice console refused a row in Chinese', async () => {
    mockIPC((cmd) => {
      if (cmd === 'practice_edit') {
        const detail: ErrorDetail = { kind: 'console_row', refusal: { reason: 'value', rtype: 'A', value: '203.0.113.700' } };
        throw { code: 'bad_setting', message: 'This record cannot be saved: "203.0.113.700" cannot be the value of a A record: an A record holds an address such as 203.0.113.7.', detail };
      }
      return null;
    });
    const { container } = render(PracticeConsole, { practice, onchange: vi.fn(), onclose: vi.fn() });
    await fireEvent.click(screen.getByRole('button', { name: t('practice.add') }));
    await fireEvent.input(screen.getByLabelText(t('repair.value')), { target: { value: '203.0.113.700' } });
    await fireEvent.click(screen.getByRole('button', { name: t('practice.save') }));
    const said = await screen.findByText(/无法保存这条记录/);
    expect(said.textContent).toContain('203.0.113.700');
    expectChinese(container, 'PracticeConsole, refused');
  });

  it('says in Chinese that the domain must be checked before the rows are asked about', async () => {
    mockIPC((cmd) => {
      if (cmd === 'verify_rows') throw { code: 'internal', message: 'Check the domain first.', detail: { kind: 'check_first' } };
      return null;
    });
    const { container } = render(Repair, { report: checked, onback: vi.fn(), onsaved: vi.fn(), onprepare: vi.fn(), oncheckagain: vi.fn() });
    await fireEvent.click(screen.getByRole('button', { name: t('repair.saved') }));
    expect((await screen.findByRole('alert')).textContent).toBe(t('error.check_first'));
    expectChinese(container, 'Repair, refused');
  });
});

describe('practice mode, offline and times in the Chinese window', () => {
  const examples = [practice.scenario, { id: 'seed001', domain: 'seed001.test', provider: 'alibaba-standard' }];
  const normalise = (args: unknown) => {
    const input = String((args as { input: string }).input).toLowerCase();
    return { ascii: input, unicode: input, input, adjustments: [] };
  };

  it('says in Chinese that this computer seems offline, with the practice offer', async () => {
    // The technical detail names the DNS status codes the core saw ("com NS: nxdomain"), as
    // data; left out here so that only words are judged.
    const denied = finding('RESOLVER_UNRELIABLE', { severity: 'warning' }, { reason: 'denies_root', resolvers: '192.168.1.1:53', host: 'example.com', denied: '. NS' });
    const offline: CheckReport = { ...checked, status: 'error', findings: [denied], plan: { steps: [], target: [] }, dns_host: { host: null, name_servers: [], steps: [] } };
    mockIPC((cmd) => (cmd === 'reword_report' ? offline : null));
    const { container } = render(CheckInWizard, { request: { input: 'example.com', provider: null, mx: [], resolvers: [] }, technical: false, onback: vi.fn(), onrepair: vi.fn(), onpractice: vi.fn(), given: offline });
    await screen.findByText(denied.title);
    expect(screen.getByRole('status').textContent).toContain('这台电脑似乎没有联网');
    expect(container.textContent).not.toContain('—');
    expectChinese(container, 'Check, offline');
  });

  it('shows the first screen of practice mode in Chinese, and refuses a domain that is not an example', async () => {
    mockIPC((cmd, args) => {
      if (cmd === 'normalise_domain') return normalise(args);
      if (cmd === 'detect_dns_host') return { host: null, name_servers: ['ns1.seed000.test'], steps: [] };
      return null;
    });
    const { container } = render(Preparation, { initial: { input: 'seed000.test', provider: 'alibaba-standard', mx: [], resolvers: [] }, onstart: vi.fn(), practiceDomain: 'seed000.test', examples });
    await screen.findByText(new RegExp(escape(t('practice.dns_step_rows_later').slice(0, 12))), undefined, { timeout: 3000 });
    expectChinese(container, 'Preparation, practice mode');
    await fireEvent.input(container.querySelector('input')!, { target: { value: 'my-shop.com' } });
    await screen.findByText(/my-shop\.com/);
    await fireEvent.click(screen.getByRole('button', { name: t('prepare.start') }));
    expect((await screen.findByRole('alert')).textContent).toContain('练习模式只认识');
    expectChinese(container, 'Preparation, practice mode, refused');
  });

  it('shows the check step’s practice-mode messages in Chinese, never one about the internet', async () => {
    mockIPC((cmd, args) => {
      if (cmd === 'normalise_domain') return normalise(args);
      if (cmd === 'run_check') throw { code: 'no_resolver', message: 'no DNS server answered' };
      return null;
    });
    const props = { technical: false, onback: vi.fn(), onrepair: vi.fn(), practiceDomain: 'seed000.test', examples: ['seed000.test', 'seed001.test'] };
    const first = render(CheckInWizard, { ...props, request: { input: 'my-shop.com', provider: null, mx: [], resolvers: [] } });
    expect((await screen.findByRole('alert')).textContent).toContain('练习模式只认识');
    expectChinese(first.container, 'Check, practice mode, not an example');
    first.unmount();
    const second = render(CheckInWizard, { ...props, request: { input: 'seed000.test', provider: null, mx: [], resolvers: [] } });
    expect((await screen.findByRole('alert')).textContent).toContain('练习用 DNS 服务器没有回答');
    expect(second.container.textContent).not.toContain(t('check.no_resolver'));
    expectChinese(second.container, 'Check, practice mode, no answer');
  });

  it('words dates and times as Chinese does, never in the US order, and the wait’s times relative to now', async () => {
    const usDate = /\b\d{1,2}\/\d{1,2}\/\d{4}\b|\b(AM|PM)\b/;
    const clear = { ...waiting, status: 'clear' as const, phase: 'clear' as const, except: [], cleared_at: '2026-11-22T10:06:41Z' };
    const done = render(Done, { view: clear, report: checked, onagain: vi.fn() });
    expect(done.container.textContent).toContain('2026年11月22日');
    expect(done.container.textContent).not.toMatch(usDate);
    done.unmount();

    mockIPC((cmd) => (cmd === 'recent_checks' ? [{ input: 'example.com', domain: 'example.com', provider: null, mx: [], status: 'ok', problems: 0, risks: 0, taken_at: 1795347453 }] : null));
    const prep = render(Preparation, { initial: { input: '', provider: null, mx: [], resolvers: [] }, onstart: vi.fn() });
    await screen.findByRole('button', { name: /example\.com/ });
    expect(prep.container.querySelector('.recent')!.textContent).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/);
    expect(prep.container.textContent).not.toMatch(usDate);
    prep.unmount();

    const wait = render(Wait, { view: { ...waiting, status: 'waiting', phase: 'propagating', earliest_in: 40, latest_in: 300 }, receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
    const expected = wait.container.querySelector('p.expected')!;
    expect(expected.textContent).toContain('40秒钟后');
    expect(expected.textContent).toContain('大约 5 分钟后');
    for (const time of expected.querySelectorAll('time')) expect(time.getAttribute('title')).not.toMatch(usDate);
    expectChinese(wait.container, 'Wait, relative times');
  });

  it('heads the finished wait in Chinese with where it stands, not "waiting"', () => {
    const clear = { ...waiting, status: 'clear' as const, phase: 'clear' as const, except: [] };
    render(Wait, { view: clear, receivedAt: Date.now(), technical: false, onrestart: vi.fn(), ondone: vi.fn() });
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('全部生效');
  });
});
