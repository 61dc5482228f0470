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
    await fireEvent.click(screen.getByRole('button', { name: 'Yes' }));
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

  it('asks before deleting a row, and "No" leaves it alone', async () => {
    const edits: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'practice_edit') edits.push(args);
      return { ...practice, rows: rows.slice(1), locked: [false, false] };
    });
    const onchange = vi.fn();
    render(PracticeConsole, { practice, onchange, onclose: vi.fn() });
    await fireEvent.click(screen.getByRole('button', { name: 'Delete @ CNAME site.cdn.test' }));
    const ask = screen.getByRole('group', { name: 'Delete @ CNAME site.cdn.test' });
    expect(ask.textContent).toContain('Delete this row?');
    expect(ask.closest('tr')!.classList.contains('confirming'), 'the row asked about stands out').toBe(true);
    expect(edits, 'nothing is deleted before the answer').toEqual([]);
    await fireEvent.click(screen.getByRole('button', { name: 'No' }));
    expect(edits).toEqual([]);
    expect(onchange).not.toHaveBeenCalled();
    expect(screen.queryByText('Delete this row?')).toBeNull();
    expect(screen.getByRole('button', { name: 'Delete @ CNAME site.cdn.test' })).toBeTruthy();
    expect(screen.queryByRole('status')).toBeNull();

    await fireEvent.click(screen.getByRole('button', { name: 'Delete @ CNAME site.cdn.test' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Yes' }));
    expect(edits).toEqual([{ index: 0, row: null }]);
    expect((await screen.findByRole('status')).textContent).toContain('Deleted at the practice DNS host.');
  });

  it('says "saved" only once the save returned, and the error instead when it was refused', async () => {
    let refuse = true;
    let answer: () => void = () => {};
    mockIPC((cmd, args) => {
      if (cmd !== 'practice_edit') return null;
      const { row } = args as { index: number | null; row: ConsoleRow };
      if (refuse) throw { code: 'bad_setting', message: 'This record cannot be saved: the TTL must be between 1 and 86400 seconds.' };
      return new Promise((resolve) => {
        answer = () => resolve({ ...practice, rows: [...rows.slice(0, 1), row, ...rows.slice(2)] });
      });
    });
    const onchange = vi.fn();
    render(PracticeConsole, { practice, onchange, onclose: vi.fn() });
    await fireEvent.click(screen.getByRole('button', { name: 'Edit @ MX mx1.qiye.aliyun.com' }));
    const editing = screen.getByText('mx1.qiye.aliyun.com', { selector: 'code' }).closest('tr')!;
    expect(editing.classList.contains('editing'), 'the row being edited stands out').toBe(true);
    expect(editing.textContent).toContain('(being edited)');
    expect(screen.getByLabelText('Record value').getAttribute('type'), 'styled as every text field').toBe('text');

    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toContain('the TTL must be between 1 and 86400 seconds');
    expect(screen.queryByText(/Saved at the practice DNS host/), 'never "saved" when the command failed').toBeNull();
    expect(onchange).not.toHaveBeenCalled();
    expect(editing.classList.contains('editing'), 'the form stays open on the row').toBe(true);

    refuse = false;
    await fireEvent.input(screen.getByLabelText('Record value'), { target: { value: 'mx2.qiye.aliyun.com' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await new Promise((r) => setTimeout(r, 10));
    expect(screen.queryByText(/Saved at the practice DNS host/), 'not "saved" while the command runs').toBeNull();
    answer();
    expect((await screen.findByRole('status')).textContent).toContain('Saved at the practice DNS host.');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(onchange).toHaveBeenCalledTimes(1);
  });

  it('says a refused delete, and not "deleted"', async () => {
    mockIPC((cmd) => {
      if (cmd === 'practice_edit') throw { code: 'bad_setting', message: 'This record cannot be saved: that row is no longer there.' };
      return null;
    });
    render(PracticeConsole, { practice, onchange: vi.fn(), onclose: vi.fn() });
    await fireEvent.click(screen.getByRole('button', { name: 'Delete @ CNAME site.cdn.test' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Yes' }));
    expect((await screen.findByRole('alert')).textContent).toContain('that row is no longer there');
    expect(screen.queryByText(/Deleted at the practice DNS host/)).toBeNull();
  });
});
