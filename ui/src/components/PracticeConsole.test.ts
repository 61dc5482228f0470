import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import PracticeConsole from './PracticeConsole.svelte';
import type { ConsoleRow, PracticeView } from '../ipc';

afterEach(() => {
  cleanup();
  clearMocks();
});

const rows: ConsoleRow[] = [
  { host: '@', type: 'CNAME', priority: null, value: 'site.cdn.test', ttl: 60 },
  { host: '@', type: 'MX', priority: 5, value: 'mx1.qiye.aliyun.com', ttl: 60 },
  { host: '@', type: 'TXT', priority: null, value: '<img src=x onerror=alert(1)>', ttl: 60 },
];
const practice: PracticeView = {
  scenario: { id: 'seed000', domain: 'seed000.test', provider: 'alibaba-standard' },
  rows,
  locked: rows.map(() => false),
};

describe('PracticeConsole', () => {
  it('lists the records as text, deletes one and adds one, and says why a bad row is refused', async () => {
    const edits: unknown[] = [];
    let current = [...rows];
    mockIPC((cmd, args) => {
      if (cmd !== 'practice_edit') return null;
      const { index, row } = args as { index: number | null; row: ConsoleRow | null };
      edits.push({ index, row });
      if (row && row.value === 'not an address') throw { code: 'bad_setting', message: 'This record cannot be saved: "not an address" is not a valid A value.' };
      if (index !== null && row === null) current = current.filter((_, i) => i !== index);
      else if (row) current = [...current, row];
      return { ...practice, rows: current, locked: current.map(() => false) };
    });
    const onchange = vi.fn();
    render(PracticeConsole, { practice, onchange, onclose: vi.fn() });
    expect(screen.getByText('<img src=x onerror=alert(1)>').tagName).toBe('CODE');
    expect(document.querySelector('img')).toBeNull();

    await fireEvent.click(screen.getByRole('button', { name: 'Delete @ CNAME site.cdn.test' }));
    expect(edits[0]).toEqual({ index: 0, row: null });
    expect(onchange).toHaveBeenCalledTimes(1);

    await fireEvent.click(screen.getByRole('button', { name: 'Add record' }));
    await fireEvent.input(screen.getByLabelText('Record value'), { target: { value: 'not an address' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('This record cannot be saved: "not an address" is not a valid A value.');
    expect(onchange).toHaveBeenCalledTimes(1);

    await fireEvent.input(screen.getByLabelText('Record value'), { target: { value: '203.0.113.7' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(edits.at(-1)).toEqual({ index: null, row: { host: '@', type: 'A', priority: null, value: '203.0.113.7', ttl: 60 } });
    expect(onchange).toHaveBeenCalledTimes(2);
  });

  it('shows the name server rows as set by the DNS host, with no Edit or Delete', () => {
    const ns: ConsoleRow = { host: '@', type: 'NS', priority: null, value: 'ns1.seed000.test', ttl: 60 };
    render(PracticeConsole, { practice: { ...practice, rows: [ns, ...rows], locked: [true, false, false, false] }, onchange: vi.fn(), onclose: vi.fn() });
    const row = screen.getByText('ns1.seed000.test').closest('tr')!;
    expect(row.textContent).toContain('Set by the DNS host');
    expect(row.querySelectorAll('button')).toHaveLength(0);
    expect(screen.getAllByRole('button', { name: /^Delete / })).toHaveLength(3);
  });
});
