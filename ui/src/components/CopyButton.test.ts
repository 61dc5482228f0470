import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import CopyButton from './CopyButton.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

/** The labels the button shows now (the others are laid out, unseen, to keep its width). */
const seen = (b: HTMLElement) => [...b.querySelectorAll('.copy-labels > span.shown')].map((s) => s.textContent);

describe('CopyButton', () => {
  // Issue 15: "Copy" changed width when it said "Copied" and shifted the row it sits in.
  it('lays out every label it can show at once, so pressing it never changes its width', async () => {
    mockIPC(() => null);
    render(CopyButton, { value: 'mx1.qiye.aliyun.com', label: 'mx1.qiye.aliyun.com' });
    const button = screen.getByRole('button', { name: 'Copy: mx1.qiye.aliyun.com' });
    const all = () => [...button.querySelectorAll('.copy-labels > span')].map((s) => s.textContent);
    expect(all()).toEqual(['Copy', 'Copied', 'Not copied']);
    expect(seen(button)).toEqual(['Copy']);
    await fireEvent.click(button);
    await waitFor(() => expect(seen(button)).toEqual(['Copied']));
    expect(all(), 'the same labels, in the same cell, after the press').toEqual(['Copy', 'Copied', 'Not copied']);
    expect(document.querySelector('.copy-said')?.textContent).toBe('Copied');
  });

  it('says "Not copied" when the clipboard refuses, never "Copied"', async () => {
    mockIPC((cmd) => {
      if (cmd === 'copy_text') throw { code: 'not_copied', message: 'no clipboard' };
      return null;
    });
    render(CopyButton, { value: 'v=spf1 -all', label: 'SPF' });
    const button = screen.getByRole('button', { name: 'Copy: SPF' });
    await fireEvent.click(button);
    await waitFor(() => expect(seen(button)).toEqual(['Not copied']));
    expect(document.querySelector('.copy-said')?.textContent).toBe('Not copied');
  });
});
