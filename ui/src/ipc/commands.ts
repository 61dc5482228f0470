/**
 * The commands the app registers (`generate_handler!` in src-tauri/src/lib.rs), each with its
 * arguments and its answer, written once. Argument keys are the Rust parameter names in
 * camelCase, as Tauri expects them; the types are those Rust declares (`Option<T>` is
 * `T | null`, `()` is `void`). `commands.test.ts` holds this table to the Rust source: a command
 * or an argument added, renamed or retyped on one side only fails the tests, and `call` makes a
 * wrong name or key here fail the build.
 */
import { invoke, type Channel } from '@tauri-apps/api/core';
import type { ApplyTarget } from './bindings/ApplyTarget';
import type { CheckReport } from './bindings/CheckReport';
import type { CheckRequest } from './bindings/CheckRequest';
import type { ConsoleRow } from './bindings/ConsoleRow';
import type { DnsHostGuide } from './bindings/DnsHostGuide';
import type { FixRow } from './bindings/FixRow';
import type { JournalView } from './bindings/JournalView';
import type { KeyInput } from './bindings/KeyInput';
import type { Locale } from './bindings/Locale';
import type { LookupEvent } from './bindings/LookupEvent';
import type { MailDomain } from './bindings/MailDomain';
import type { OpenedSnapshot } from './bindings/OpenedSnapshot';
import type { PracticeView } from './bindings/PracticeView';
import type { Preview } from './bindings/Preview';
import type { Provider } from './bindings/Provider';
import type { RecentCheck } from './bindings/RecentCheck';
import type { Restored } from './bindings/Restored';
import type { ResumedWait } from './bindings/ResumedWait';
import type { RowCheck } from './bindings/RowCheck';
import type { Scenario } from './bindings/Scenario';
import type { Session } from './bindings/Session';
import type { Settings } from './bindings/Settings';
import type { Snapshot } from './bindings/Snapshot';
import type { StoreNotice } from './bindings/StoreNotice';
import type { WaitView } from './bindings/WaitView';

type None = Record<never, never>;

export type Commands = {
  // commands/catalog.rs
  normalise_domain: { args: { input: string }; ret: MailDomain };
  list_providers: { args: { locale: Locale | null }; ret: Provider[] };
  startup_notice: { args: None; ret: StoreNotice | null };
  detect_dns_host: { args: { input: string; resolvers: string[]; locale: Locale }; ret: DnsHostGuide };
  // commands/check.rs
  run_check: { args: { request: CheckRequest; locale: Locale | null; onLookup: Channel<LookupEvent> }; ret: CheckReport };
  cancel_check: { args: None; ret: void };
  reword_report: { args: { report: CheckReport; locale: Locale }; ret: CheckReport };
  report_document: { args: { report: CheckReport; locale: Locale; outcome: WaitView | null }; ret: string };
  recent_checks: { args: None; ret: RecentCheck[] };
  last_snapshot: { args: None; ret: Snapshot | null };
  // commands/wait.rs
  start_wait: { args: { option: string | null; onRound: Channel<WaitView> }; ret: WaitView };
  resume_wait: { args: { onRound: Channel<WaitView> }; ret: ResumedWait | null };
  stop_wait: { args: None; ret: void };
  // commands/repair.rs
  verify_rows: { args: { rows: FixRow[] }; ret: RowCheck[] };
  // commands/apply.rs
  apply_target: { args: None; ret: ApplyTarget };
  apply_preview: { args: { option: string | null; key: KeyInput | null }; ret: Preview };
  apply_changes: { args: { key: KeyInput | null }; ret: JournalView };
  apply_journal: { args: None; ret: JournalView | null };
  apply_undo: { args: { key: KeyInput | null }; ret: JournalView };
  forget_keys: { args: None; ret: number };
  // commands/settings.rs
  get_settings: { args: None; ret: Settings };
  save_settings: { args: { settings: Settings }; ret: Settings };
  save_session: { args: { session: Session }; ret: void };
  restore_session: { args: { locale: Locale | null }; ret: Restored | null };
  os_locale: { args: None; ret: string | null };
  // commands/files.rs
  export_snapshot: { args: None; ret: string | null };
  export_report: { args: { report: CheckReport; locale: Locale; outcome: WaitView | null }; ret: string | null };
  open_snapshot: { args: { text: string; provider: string | null; mx: string[]; locale: Locale }; ret: OpenedSnapshot };
  open_link: { args: { url: string }; ret: void };
  copy_text: { args: { text: string }; ret: void };
  // commands/practice.rs
  practice_scenarios: { args: None; ret: Scenario[] };
  practice_status: { args: None; ret: PracticeView | null };
  practice_start: { args: { id: string }; ret: PracticeView };
  practice_stop: { args: None; ret: void };
  practice_edit: { args: { index: number | null; row: ConsoleRow | null }; ret: PracticeView };
  practice_reset: { args: None; ret: PracticeView };
};

export type Command = keyof Commands;

/** Calls `cmd` with its arguments (none for a command that takes none); rejects with the
 * command's `{code, message}` error. */
export function call<K extends Command>(
  cmd: K,
  ...args: keyof Commands[K]['args'] extends never ? [] : [Commands[K]['args']]
): Promise<Commands[K]['ret']> {
  return invoke<Commands[K]['ret']>(cmd, args[0]);
}
