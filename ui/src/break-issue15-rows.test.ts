/** Issue 15 break tests: the "replace OLD with NEW" change rows, with the row the core really
 * makes when only an MX row's priority is wrong (src-tauri/core/src/diagnose/mx.rs: a `change`
 * row whose `value` is the exchange, `priority` the current priority and `new_value` the string
 * "priority N"). */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import RowTable from './components/RowTable.svelte';
import RowSentence from './components/RowSentence.svelte';
import { i18n } from './i18n/index.svelte';
import { stepHeading } from './components/plan-words';
import type { FixRow } from './ipc';

afterEach(() => {
  cleanup();
  clearMocks();
  i18n.locale = 'en';
});

/** Zoho: mx2.zoho.com is there at priority 30 where Zoho asks for 20 (MX_PROVIDER_INCOMPLETE). */
const priorityChange: FixRow = {
  action: 'change',
  host: '@',
  type: 'MX',
  priority: 30,
  value: 'mx2.zoho.com',
  new_value: 'priority 20',
};

describe('a change row that changes only an MX priority', () => {
  it('does not tell the user to replace the mail server with the text "priority 20"', () => {
    const { container } = render(RowTable, { rows: [priorityChange] });
    const cell = container.querySelector('td.row-value')?.textContent ?? '';
    expect(
      cell,
      'The Value column reads "replace mx2.zoho.com with priority 20": a user who follows it types ' +
        '"priority 20" into the record value and the MX row stops naming a mail server at all',
    ).not.toMatch(/with\s+priority 20/);
  });

  it('does not put "priority 20" on the clipboard as the value to paste', async () => {
    const copied: string[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'copy_text') copied.push((args as { text: string }).text);
      return null;
    });
    render(RowTable, { rows: [priorityChange] });
    await fireEvent.click(screen.getByRole('button', { name: 'Copy: Record value' }));
    await waitFor(() => expect(copied.length).toBe(1));
    expect(
      copied[0],
      'the Copy button beside the value copies "priority 20"; pasted into the DNS console as the ' +
        'MX value it breaks the row that only needed its priority changed',
    ).not.toBe('priority 20');
  });

  it('shows the priority to set, not the old one, as the row\'s priority', () => {
    const { container } = render(RowTable, { rows: [priorityChange] });
    const cells = [...container.querySelectorAll('tbody td')].map((td) => td.textContent?.trim());
    // Columns: action, host, type, priority, value.
    expect(
      cells[3],
      'the Priority column shows 30, the priority that is wrong, with nothing saying 20 is the one to set ' +
        'except the value text "priority 20"',
    ).toContain('20');
  });

  it('words the plan sentence as a priority change, not "replace 30 mx2.zoho.com with 30 priority 20"', () => {
    const { container } = render(RowSentence, { row: priorityChange });
    const text = container.textContent ?? '';
    expect(
      text,
      'the sentence pastes the old priority in front of the words "priority 20": "replace 30 mx2.zoho.com ' +
        'with 30 priority 20" is not something a DNS console can hold',
    ).not.toContain('30 priority 20');
  });

  it('leaves no English in the Chinese table', () => {
    i18n.locale = 'zh-CN';
    const { container } = render(RowTable, { rows: [priorityChange] });
    const cell = container.querySelector('td.row-value')?.textContent ?? '';
    expect(
      cell,
      'the zh-CN Value column says "将 mx2.zoho.com 替换为 priority 20": the English word comes from the core ' +
        'row data and a Chinese user is told to replace a server with an English phrase',
    ).not.toContain('priority');
  });
});

describe('a change row whose old and new value are the same', () => {
  it('is not shown as "replace X with X" (new_value missing)', () => {
    // A saved report or an older core can hold a change row without new_value; RowTable then says
    // "replace v=spf1 -all with v=spf1 -all", an instruction that does nothing.
    const row: FixRow = { action: 'change', host: '@', type: 'TXT', priority: null, value: 'v=spf1 -all', new_value: null };
    const { container } = render(RowTable, { rows: [row] });
    const said = container.querySelector('td.row-value .replace')?.textContent?.trim() ?? '';
    expect(said, 'a "replace X with X" instruction is a false claim that something must change').not.toBe(
      'replace v=spf1 -all with v=spf1 -all',
    );
  });
});

describe('the heading over a priority-only change', () => {
  it('does not say the rows are changed "to your mailbox service\'s servers" when they already are', () => {
    // MX_PROVIDER_INCOMPLETE puts the priority row in the mail_servers step (repair.rs).
    const heading = stepHeading({ id: 'mail_servers', rows: [priorityChange] });
    expect(
      heading,
      'the heading reads "Change the mail server rows to your mailbox service\'s servers" over a row that ' +
        'already is Zoho\'s server and only needs its priority set: a user looks for a server to swap that is not there',
    ).not.toMatch(/to your mailbox service's servers/);
  });
});
