import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import Preparation from './Preparation.svelte';
import { expectShownAsText, HOSTILE } from '../test-support';
import { i18n } from '../i18n/index.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

const initial = { input: '', provider: null, mx: [], resolvers: [] };

function mockCore() {
  mockIPC((cmd, args) => {
    if (cmd === 'list_providers') return [{ id: 'alibaba-standard', name: 'Alibaba Mail', mx_sets: [] }];
    if (cmd === 'normalise_domain') {
      const input = String((args as { input: string }).input);
      if (input.includes('@')) return { ascii: input.split('@')[1]!.toLowerCase(), unicode: input.split('@')[1]!.toLowerCase(), input, adjustments: ['took_part_after_at'] };
      if (input.includes(' ') || input.startsWith('http')) {
        throw { code: 'bad_domain', message: `"${input}" is not a domain name: it contains a space` };
      }
      return { ascii: input, unicode: input, input, adjustments: [] };
    }
    return null;
  });
}

describe('Preparation', () => {
  it('shows what will be checked when an address is typed', async () => {
    mockCore();
    render(Preparation, { initial, onstart: vi.fn() });
    await fireEvent.input(screen.getByLabelText('Your domain or an email address at it'), { target: { value: 'Someone@Example.COM' } });
    await waitFor(() => expect(screen.getByText('MX Doctor will check example.com.')).toBeTruthy());
  });

  it('puts the core’s reason for bad input inline and does not start', async () => {
    mockCore();
    const onstart = vi.fn();
    render(Preparation, { initial, onstart });
    const field = screen.getByLabelText('Your domain or an email address at it');
    await fireEvent.input(field, { target: { value: 'my domain.com' } });
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('contains a space'));
    expect(field.getAttribute('aria-invalid')).toBe('true');
    await fireEvent.click(screen.getByRole('button', { name: 'Check my domain' }));
    expect(onstart).not.toHaveBeenCalled();
  });

  it('asks for a domain when the field is empty', async () => {
    mockCore();
    const onstart = vi.fn();
    render(Preparation, { initial, onstart });
    await fireEvent.click(screen.getByRole('button', { name: 'Check my domain' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Type your domain first.'));
    expect(onstart).not.toHaveBeenCalled();
  });

  it('lists recent checks and checks one again with what was typed and chosen', async () => {
    mockIPC((cmd) => {
      if (cmd === 'recent_checks') {
        return [{ input: 'Boss@Example.com', domain: 'example.com', provider: 'custom', mx: ['10 mx.example.com'], status: 'problems', problems: 1, risks: 2, taken_at: 1795347453 }];
      }
      if (cmd === 'list_providers') return [];
      return null;
    });
    const onstart = vi.fn();
    render(Preparation, { initial, onstart });
    const again = await screen.findByRole('button', { name: 'Check example.com again' });
    expect(again.closest('li')!.textContent).toContain('1 problem, 2 risks');
    await fireEvent.click(again);
    expect(onstart).toHaveBeenCalledWith({ input: 'Boss@Example.com', provider: 'custom', mx: ['10 mx.example.com'], resolvers: [] });
  });

  it('starts with the chosen provider and the custom rows', async () => {
    mockCore();
    const onstart = vi.fn();
    render(Preparation, { initial, onstart });
    await fireEvent.input(screen.getByLabelText('Your domain or an email address at it'), { target: { value: 'example.com' } });
    await screen.findByRole('option', { name: 'Alibaba Mail' });
    const select = screen.getByLabelText('Which mailbox service did you buy?') as HTMLSelectElement;
    select.value = 'custom';
    await fireEvent.change(select);
    await fireEvent.input(await screen.findByLabelText(/Your mail server rows/), { target: { value: '10 mx.example.com\n\n20 mx2.example.com' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Check my domain' }));
    await waitFor(() => expect(onstart).toHaveBeenCalled());
    expect(onstart.mock.calls[0]![0]).toEqual({ input: 'example.com', provider: 'custom', mx: ['10 mx.example.com', '20 mx2.example.com'], resolvers: [] });
  });
});

describe('Preparation: where the DNS is managed, and a customer’s snapshot', () => {
  it('names the DNS host from its name servers and opens its console in the browser', async () => {
    const opened: string[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'list_providers') return [];
      if (cmd === 'normalise_domain') return { ascii: 'example.com', unicode: 'example.com', input: 'example.com', adjustments: [] };
      if (cmd === 'detect_dns_host')
        return {
          host: { id: 'alibaba-cloud-dns', name: 'Alibaba Cloud DNS (HiChina)', ns_suffixes: [], ns_contains: [], console_url: 'https://dns.console.aliyun.com/', steps: [], source: '' },
          name_servers: ['dns1.hichina.com'],
          steps: ['Log on to Alibaba Cloud DNS.', 'Click DNS Settings.'],
        };
      if (cmd === 'open_link') opened.push((args as { url: string }).url);
      return null;
    });
    render(Preparation, { initial, onstart: vi.fn() });
    await fireEvent.input(screen.getByLabelText('Your domain or an email address at it'), { target: { value: 'example.com' } });
    await screen.findByText('Your DNS is managed at Alibaba Cloud DNS (HiChina). That is where you will make the changes.', {}, { timeout: 3000 });
    expect(screen.getByText('Click DNS Settings.')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Open Alibaba Cloud DNS (HiChina) in your browser' }));
    expect(opened).toEqual(['https://dns.console.aliyun.com/']);
  });

  it('gives generic steps and the provider-message hint for an unknown DNS host', async () => {
    mockIPC((cmd) => {
      if (cmd === 'list_providers') return [];
      if (cmd === 'normalise_domain') return { ascii: 'example.com', unicode: 'example.com', input: 'example.com', adjustments: [] };
      if (cmd === 'detect_dns_host') return { host: null, name_servers: ['ns1.example.net'], steps: ['Log in where you bought your domain.'] };
      return null;
    });
    render(Preparation, { initial, onstart: vi.fn() });
    await fireEvent.input(screen.getByLabelText('Your domain or an email address at it'), { target: { value: 'example.com' } });
    await screen.findByText(/does not recognise \(ns1.example.net\)/, {}, { timeout: 3000 });
    expect(screen.getByText(/writes a message you can send to your DNS provider/)).toBeTruthy();
  });

  it('opens a customer’s snapshot file, and says why when the file is not one', async () => {
    const onsnapshot = vi.fn();
    mockIPC((cmd, args) => {
      if (cmd === 'list_providers') return [];
      if (cmd === 'open_snapshot') {
        const text = (args as { text: string }).text;
        if (!text.startsWith('{"format"')) throw { code: 'bad_snapshot', message: 'this is not an MX Doctor snapshot file (expected value at line 1 column 1)' };
        return { report: { domain: 'example.com', domain_unicode: 'example.com' } };
      }
      return null;
    });
    render(Preparation, { initial, onstart: vi.fn(), onsnapshot });
    const picker = screen.getByLabelText('Open a snapshot file a customer sent') as HTMLInputElement;
    const pick = async (text: string) => {
      Object.defineProperty(picker, 'files', { configurable: true, value: [new File([text], 'snap.json')] });
      await fireEvent.change(picker);
    };
    await pick('<img src=x onerror=alert(1)>');
    await screen.findByText(/This file cannot be opened as an MX Doctor snapshot/);
    // The core's reason is there too, for the helpdesk.
    await screen.findByText('this is not an MX Doctor snapshot file (expected value at line 1 column 1)');
    expect(onsnapshot).not.toHaveBeenCalled();
    // A file larger than any snapshot is refused before it is read or sent to the core.
    const big = new File(['x'], 'huge.json');
    Object.defineProperty(big, 'size', { value: 4 * 1024 * 1024 + 1 });
    Object.defineProperty(picker, 'files', { configurable: true, value: [big] });
    await fireEvent.change(picker);
    await screen.findByText(/larger than 4 MB/);
    expect(onsnapshot).not.toHaveBeenCalled();
    await pick('{"format":1}');
    await waitFor(() => expect(onsnapshot).toHaveBeenCalled());
    expect(onsnapshot.mock.calls[0]![0].input).toBe('example.com');
  });
});

describe('Preparation: lists from the saved store and the core', () => {
  it('lists a domain the history holds twice twice, and hostile domains as text', async () => {
    const line = (domain: string) => ({ input: domain, domain, provider: null, mx: [], status: 'problems', problems: 1, risks: 0, taken_at: 1795347453 });
    mockIPC((cmd) => {
      if (cmd === 'recent_checks') return [line('example.com'), line('example.com'), line(HOSTILE.html), line(HOSTILE.html), line(HOSTILE.newline), line(HOSTILE.rtl), line(HOSTILE.long)];
      if (cmd === 'list_providers') return [];
      return null;
    });
    const onstart = vi.fn();
    const { container } = render(Preparation, { initial, onstart });
    await waitFor(() => expect(container.querySelectorAll('ul.recent > li')).toHaveLength(7));
    expect(screen.getAllByRole('button', { name: 'Check example.com again' })).toHaveLength(2);
    const hostile = screen.getAllByRole('button', { name: `Check ${HOSTILE.html} again` });
    expect(hostile).toHaveLength(2);
    expectShownAsText(container);
    await fireEvent.click(hostile[1]!);
    expect(onstart).toHaveBeenCalledWith({ input: HOSTILE.html, provider: null, mx: [], resolvers: [] });
  });

  it('lists a mailbox service the catalog holds twice twice, and hostile names as text', async () => {
    const provider = (id: string, name: string) => ({ id, name, mx_sets: [] });
    mockIPC((cmd) => {
      if (cmd === 'list_providers') return [provider('dup', HOSTILE.html), provider('dup', HOSTILE.html), provider('a', HOSTILE.newline), provider('b', HOSTILE.rtl), provider('c', HOSTILE.long)];
      return null;
    });
    const { container } = render(Preparation, { initial, onstart: vi.fn() });
    const select = screen.getByLabelText('Which mailbox service did you buy?') as HTMLSelectElement;
    // "Find out from my DNS", the five services, "my own mail servers".
    await waitFor(() => expect(select.querySelectorAll('option')).toHaveLength(7));
    expect([...select.querySelectorAll('option')].filter((o) => o.value === 'dup')).toHaveLength(2);
    expectShownAsText(container);
  });
});

describe('Preparation, the services menu in the window’s language', () => {
  afterEach(() => {
    i18n.locale = 'en';
  });

  // Seen in the real window: switched to Chinese right after it opened, the menu kept
  // "Alibaba Mail (Standard and Premium editions)": the English list asked at start landed last.
  it('keeps the Chinese names when the English list asked first is answered last', async () => {
    let releaseEnglish: () => void = () => undefined;
    mockIPC(async (cmd, args) => {
      if (cmd === 'list_providers') {
        const locale = (args as { locale: string }).locale;
        if (locale === 'en') {
          await new Promise<void>((r) => (releaseEnglish = r));
          return [{ id: 'alibaba-standard', name: 'Alibaba Mail', mx_sets: [] }];
        }
        return [{ id: 'alibaba-standard', name: '阿里邮箱', mx_sets: [] }];
      }
      if (cmd === 'recent_checks') return [];
      return null;
    });
    render(Preparation, { initial, onstart: vi.fn() });
    i18n.locale = 'zh-CN';
    await waitFor(() => expect(screen.getByRole('option', { name: '阿里邮箱' })).toBeTruthy());
    releaseEnglish();
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByRole('option', { name: 'Alibaba Mail' }), 'the older English answer must not replace the Chinese names').toBeNull();
    expect(screen.getByRole('option', { name: '阿里邮箱' })).toBeTruthy();
  });
});
