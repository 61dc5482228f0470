import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import RowTable from './RowTable.svelte';
import RowSentence from './RowSentence.svelte';
import { stepHeading } from './plan-words';
import { i18n } from '../i18n/index.svelte';
import type { FixRow } from '../ipc';

afterEach(() => {
  cleanup();
  i18n.locale = 'en';
});

/** The core's priority-only change: the same value, and the priority to set. */
const row: FixRow = { action: 'change', host: '@', type: 'MX', priority: 30, value: 'mx2.zoho.com', new_value: 'mx2.zoho.com', new_priority: 20 };

describe('a priority-only change as the core writes it', () => {
  it('keeps the server and names both priorities', () => {
    const { container } = render(RowTable, { rows: [row] });
    const cells = [...container.querySelectorAll('tbody td')].map((td) => td.textContent?.replace(/\s+/g, ' ').trim());
    expect(cells[3]).toContain('30 → 20');
    expect(container.querySelector('td.row-value')?.textContent).toContain('keep mx2.zoho.com; change its priority from 30 to 20');
    expect(container.querySelector('td.row-value .replace')).toBeNull();
  });

  it('reads as a priority change in the plan sentence and heading, in English and Chinese', () => {
    const { container } = render(RowSentence, { row });
    expect(container.textContent).toBe('change the MX row at @: keep mx2.zoho.com and change its priority from 30 to 20');
    expect(stepHeading({ id: 'mail_servers', rows: [row] })).toBe('Change the priority of the mail server rows');
    i18n.locale = 'zh-CN';
    expect(stepHeading({ id: 'mail_servers', rows: [row] })).toBe('修改 MX 记录的优先级');
  });
});
