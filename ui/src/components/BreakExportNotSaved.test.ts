// Issue 13 break test: the new `not_saved` error from the window's file exports.
//
// User-visible harm: "Save the snapshot as a file…" / "Save the report as a file…" onto a full
// disk (or a folder that cannot be written) is answered by the new `not_saved` code, but the
// export buttons show the core's English message as it is ("/home/u/x.json could not be written
// (No space left on device (os error 28))"). Only the settings panel words `not_saved`; a
// Chinese-speaking helpdesk sees an English-only sentence and no word in Chinese saying that
// the file was not saved. Each new message must be worded in zh-CN too.
import { afterEach, describe, expect, it } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import TechnicalPanel from './TechnicalPanel.svelte';
import ExportButton from './ExportButton.svelte';
import { i18n } from '../i18n/index.svelte';
import { report } from '../test-support';
import type { Snapshot } from '../ipc';

afterEach(() => {
  cleanup();
  clearMocks();
  i18n.locale = 'en';
});

const NOT_SAVED = {
  code: 'not_saved',
  message: '/home/u/mxdoctor-example.com.json could not be written (No space left on device (os error 28))',
};

const snapshot: Snapshot = {
  format: 1,
  domain: 'example.com',
  taken_at: 0,
  resolvers: ['127.0.0.1:5300'],
  zone: 'example.com',
  recursive: [],
  authoritative: [],
};

const CJK = /[\u4e00-\u9fff]/;

describe('exports that could not be written, in the Chinese window', () => {
  it('the snapshot export says in Chinese that the file was not saved', async () => {
    i18n.locale = 'zh-CN';
    mockIPC((cmd) => {
      if (cmd === 'export_snapshot') throw NOT_SAVED;
      return null;
    });
    render(TechnicalPanel, { snapshot });
    await fireEvent.click(screen.getByRole('button', { name: '将快照保存为文件……' }));
    const said = await screen.findByRole('status');
    expect(said.textContent).toMatch(CJK);
  });

  it('the report export says in Chinese that the file was not saved', async () => {
    i18n.locale = 'zh-CN';
    mockIPC((cmd) => {
      if (cmd === 'export_report') throw NOT_SAVED;
      return null;
    });
    render(ExportButton, { report: report(), label: 'export.copy_report' });
    await fireEvent.click(screen.getByRole('button', { name: '将报告保存为文件……' }));
    const said = await screen.findByRole('status');
    expect(said.textContent).toMatch(CJK);
  });
});
