import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import RowTable, { rowKey } from './RowTable.svelte';
import RowSentence from './RowSentence.svelte';
import { i18n } from '../i18n/index.svelte';
import type { FixRow, RowCheck } from '../ipc';
import { expectShownAsText, HOSTILE } from '../test-support';

afterEach(() => {
  cleanup();
  i18n.locale = 'en';
});

// Seed 001: the alias hides the MX rows beside it, so the row stands for every MX row that is
// not the provider's; the values to keep are listed, and there is no empty value to copy.
const hidden: FixRow = {
  action: 'delete',
  host: '@',
  type: 'MX',
  priority: null,
  value: '',
  new_value: null,
  keep: ['mx1.qiye.aliyun.com', 'mx2.qiye.aliyun.com'],
};
const cname: FixRow = { action: 'delete', host: '@', type: 'CNAME', priority: null, value: 'site.cdn.test', new_value: null };

describe('RowTable', () => {
  it('shows a row for unseen rows as "every MX row except" the kept values, with nothing to copy', () => {
    render(RowTable, { rows: [hidden, cname] });
    expect(screen.getByText('Every MX row except these, which stay:')).toBeTruthy();
    expect(screen.getByText('mx1.qiye.aliyun.com')).toBeTruthy();
    expect(screen.getByText('mx2.qiye.aliyun.com')).toBeTruthy();
    const copies = screen.getAllByRole('button').map((b) => b.getAttribute('aria-label') ?? b.textContent);
    // Host copy on both rows, value copy only on the CNAME row.
    expect(copies.length).toBe(3);
  });

  it('says "add if not there yet" for a row nobody could see either way, in both languages', () => {
    const maybe: FixRow = { action: 'add', host: '@', type: 'MX', priority: 5, value: 'mx1.qiye.aliyun.com', new_value: null, if_missing: true };
    render(RowTable, { rows: [maybe, { ...maybe, if_missing: false, value: 'mx2.qiye.aliyun.com' }] });
    expect(screen.getByText('Add if not there yet')).toBeTruthy();
    expect(screen.getByText('Add')).toBeTruthy();
    cleanup();
    i18n.locale = 'zh-CN';
    render(RowTable, { rows: [maybe] });
    expect(screen.getByText('如尚无则添加')).toBeTruthy();
  });

  it('says it in Chinese too', () => {
    i18n.locale = 'zh-CN';
    render(RowTable, { rows: [hidden] });
    expect(screen.getByText('除以下保留的记录外，所有 MX 记录：')).toBeTruthy();
  });

  it('lists a kept value given twice twice, and hostile kept values as text', () => {
    const keep: FixRow = { ...hidden, keep: [HOSTILE.html, HOSTILE.html, HOSTILE.newline, HOSTILE.rtl, HOSTILE.long] };
    // The same row twice, as a crafted report can hold it.
    const { container } = render(RowTable, { rows: [keep, keep] });
    expect(container.querySelectorAll('tbody > tr')).toHaveLength(2);
    const lists = container.querySelectorAll('ul.keep');
    expect(lists).toHaveLength(2);
    for (const l of lists) expect([...l.querySelectorAll('li')].map((li) => li.textContent)).toEqual(keep.keep);
    expectShownAsText(container);
  });

  it('lists a DNS host server that answered twice twice, and hostile server names as text', () => {
    const row: FixRow = { action: 'add', host: HOSTILE.html, type: 'TXT', priority: null, value: HOSTILE.long, new_value: null };
    const servers = [HOSTILE.html, HOSTILE.html, HOSTILE.newline, HOSTILE.rtl, HOSTILE.long].map((server) => ({ server, state: 'not_saved' as const }));
    const states = new Map<string, RowCheck>([[rowKey(row), { row, state: 'not_saved', servers }]]);
    const { container } = render(RowTable, { rows: [row, row], states, showServers: true });
    expect(container.querySelectorAll('tbody > tr')).toHaveLength(2);
    const lists = container.querySelectorAll('ul.servers');
    expect(lists).toHaveLength(2);
    for (const l of lists) expect(l.querySelectorAll('li')).toHaveLength(5);
    expect(lists[0]!.querySelectorAll('li')[1]!.textContent).toBe(`${HOSTILE.html}: Not yet saved`);
    expectShownAsText(container);
  });

  it('shows a change row as "replace OLD with NEW", in the table and in a sentence, in both languages', () => {
    const change: FixRow = { action: 'change', host: '@', type: 'MX', priority: 5, value: 'mx1.qiye.aliyun.com.example.com', new_value: 'mx1.qiye.aliyun.com' };
    const table = render(RowTable, { rows: [change] });
    expect(table.container.querySelector('tbody tr')!.textContent).toContain('replace mx1.qiye.aliyun.com.example.com with mx1.qiye.aliyun.com');
    // The copy button copies what to type: the new value.
    expect(screen.getByRole('button', { name: 'Copy: Record value' })).toBeTruthy();
    cleanup();
    const sentence = render(RowSentence, { row: change });
    expect(sentence.container.textContent).toBe('change the MX row at @: replace 5 mx1.qiye.aliyun.com.example.com with 5 mx1.qiye.aliyun.com');
    cleanup();
    i18n.locale = 'zh-CN';
    expect(render(RowTable, { rows: [change] }).container.querySelector('tbody tr')!.textContent).toContain('将 mx1.qiye.aliyun.com.example.com 替换为 mx1.qiye.aliyun.com');
    cleanup();
    expect(render(RowSentence, { row: change }).container.textContent).toBe('修改 @ 的 MX 记录：将 5 mx1.qiye.aliyun.com.example.com 替换为 5 mx1.qiye.aliyun.com');
  });
});
