import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import FindingCard from './FindingCard.svelte';
import type { ReportFinding } from '../ipc';

afterEach(() => {
  cleanup();
  clearMocks();
});

const finding = (reference: string, reference_url: string): ReportFinding => ({
  code: 'CNAME_AT_MAIL_HOST',
  severity: 'error',
  host: 'example.com',
  records: [],
  fix: [],
  reference,
  reference_url,
  params: {},
  options: [],
  title: 'example.com is an alias',
  message: 'Remove the alias.',
});

describe('FindingCard', () => {
  // Issue 15: the technical line's reference leads somewhere a user can go.
  it('shows the rule’s RFC section as a link that opens at the RFC Editor', async () => {
    const opened: string[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'open_link') opened.push((args as { url: string }).url);
      return null;
    });
    const url = 'https://www.rfc-editor.org/rfc/rfc2181#section-10.1';
    render(FindingCard, { finding: finding('RFC 2181 §10.1', url), technical: true });
    await fireEvent.click(screen.getByRole('button', { name: 'RFC 2181 §10.1' }));
    expect(opened).toEqual([url]);
  });

  it('shows a reference saved without its address as text, with nothing to open', () => {
    render(FindingCard, { finding: finding('RFC 5321 §5.1', ''), technical: true });
    expect(screen.getByText(/RFC 5321 §5\.1/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'RFC 5321 §5.1' })).toBeNull();
  });
});
