/**
 * The only module that talks to Rust (STYLE.md: one folder imports @tauri-apps/*). Every
 * payload type is generated from the Rust types into ./bindings by ts-rs; every command goes
 * through the one table of names and argument keys in ./commands, checked against the Rust
 * command list by its test.
 */
import { Channel } from '@tauri-apps/api/core';
import { call } from './commands';
import { listen } from '@tauri-apps/api/event';
import type { AppError } from './bindings/AppError';
import type { CheckReport } from './bindings/CheckReport';
import type { LookupEvent } from './bindings/LookupEvent';
import type { MailDomain } from './bindings/MailDomain';
import type { Provider } from './bindings/Provider';
import type { WaitView } from './bindings/WaitView';
import type { ResumedWait } from './bindings/ResumedWait';
import type { Locale } from './bindings/Locale';
import type { RecentCheck } from './bindings/RecentCheck';
import type { CheckRequest } from './bindings/CheckRequest';
import type { Snapshot } from './bindings/Snapshot';
import type { DnsHostGuide } from './bindings/DnsHostGuide';
import type { FixRow } from './bindings/FixRow';
import type { RowCheck } from './bindings/RowCheck';
import type { Settings } from './bindings/Settings';
import type { Session } from './bindings/Session';
import type { Restored } from './bindings/Restored';
import type { OpenedSnapshot } from './bindings/OpenedSnapshot';
import type { SaveState } from './bindings/SaveState';
import type { StoreNotice } from './bindings/StoreNotice';
import type { ApplyTarget } from './bindings/ApplyTarget';
import type { JournalView } from './bindings/JournalView';
import type { KeyInput } from './bindings/KeyInput';
import type { Preview } from './bindings/Preview';

export type { AppError, CheckReport, LookupEvent, MailDomain, Provider, WaitView };
export type { VantageView } from './bindings/VantageView';
export type { RecentCheck, CheckRequest, Snapshot, DnsHostGuide, RowCheck, Settings, Session, Restored };
export type { DnsHost } from './bindings/DnsHost';
export type { RowState } from './bindings/RowState';
export type { Gap } from './bindings/Gap';
export type { Unanswered } from './bindings/Unanswered';
export type { RepairPlan } from './bindings/RepairPlan';
export type { Step as SavedStep } from './bindings/Step';
export type { Observation } from './bindings/Observation';
export type { ReportFinding } from './bindings/ReportFinding';
export type { DnsRecord } from './bindings/DnsRecord';
export type { RecordData } from './bindings/RecordData';
export type { FixRow };
export type { PlanStep } from './bindings/PlanStep';
export type { StepId } from './bindings/StepId';
export type { OptionId } from './bindings/OptionId';
export type { RepairOption } from './bindings/RepairOption';
export type { Severity } from './bindings/Severity';
export type { SaveState, StoreNotice };
export type { ApplyTarget, JournalView, KeyInput, Preview };
export type { Journal } from './bindings/Journal';
export type { RowResult } from './bindings/RowResult';
export type { StepResult } from './bindings/StepResult';

/** The most a snapshot file may weigh (the core's `MAX_SNAPSHOT_BYTES`): a larger file is
 * refused before it is read into the window. */
export const MAX_SNAPSHOT_BYTES = 4 * 1024 * 1024;

/** Tells `cb` when saving starts failing (`detail` says why) or works again (`detail` null).
 * Resolves to the way to stop listening. */
export function onSaveState(cb: (state: SaveState) => void): Promise<() => void> {
  return listen<SaveState>('save-state', (e) => cb(e.payload));
}

/** A second launch asked for practice mode (`mxdoctor-app --practice` while this window is open). */
export function onPracticeRequested(cb: () => void): Promise<() => void> {
  return listen('practice-requested', () => cb());
}

/** True for the `{code, message}` errors the commands reject with. */
export function isAppError(e: unknown): e is AppError {
  return typeof e === 'object' && e !== null && 'code' in e && 'message' in e;
}

/** Any rejection as an AppError, so the window never shows "[object Object]". */
export function asAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

/** The domain as it will be checked, or a `bad_domain` error saying why not. */
export function normaliseDomain(input: string): Promise<MailDomain> {
  return call('normalise_domain', { input });
}

/** The mailbox services MX Doctor knows. */
export function listProviders(locale: Locale = 'en'): Promise<Provider[]> {
  return call('list_providers', { locale });
}

/** The same report with its findings' words in `locale`. */
export function rewordReport(report: CheckReport, locale: Locale): Promise<CheckReport> {
  return call('reword_report', { report, locale });
}

/** The report as Markdown that also reads as plain text (for a ticket, or the DNS provider);
 * with the wait's `outcome`, what was changed and when each server gave the repaired records. */
export function reportDocument(report: CheckReport, locale: Locale, outcome: WaitView | null = null): Promise<string> {
  return call('report_document', { report, locale, outcome });
}


/** Runs a check, worded in `locale`; `onLookup` hears every question start and end. */
export function runCheck(req: CheckRequest, locale: Locale, onLookup: (e: LookupEvent) => void): Promise<CheckReport> {
  const channel = new Channel<LookupEvent>();
  channel.onmessage = onLookup;
  return call('run_check', { request: req, locale, onLookup: channel });
}

/** Everything the last check saw, or null before any check. */
export function lastSnapshot(): Promise<Snapshot | null> {
  return call('last_snapshot');
}

/** The recent checks, newest first. */
export function recentChecks(): Promise<RecentCheck[]> {
  return call('recent_checks');
}

/** Stops the check in progress; its `runCheck` rejects with `cancelled`. */
export function cancelCheck(): Promise<void> {
  return call('cancel_check');
}

/** Puts text on the clipboard, through the app (WebKitGTK refuses the web API after an await). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await call('copy_text', { text });
    return true;
  } catch {
    return false;
  }
}

/** Starts the wait for the repair of what the last check found, following the plan of the
 * alias `option` the user chose (null: the recommended plan); `onRound` hears every round. It
 * rejects with `nothing_to_wait_for`, `bad_option` or `no_vantage` when no wait can start.
 * The view it resolves with is the one before the first round: a round may arrive first. */
export function startWait(option: string | null, onRound: (v: WaitView) => void): Promise<WaitView> {
  const channel = new Channel<WaitView>();
  channel.onmessage = onRound;
  return call('start_wait', { option, onRound: channel });
}

/** Resumes the wait saved before the app was closed, if there is one, with its check. Its view
 * is the one before the first round: a round may arrive first. */
export function resumeWait(onRound: (v: WaitView) => void): Promise<ResumedWait | null> {
  const channel = new Channel<WaitView>();
  channel.onmessage = onRound;
  return call('resume_wait', { onRound: channel });
}

/** Forgets the wait. */
export function stopWait(): Promise<void> {
  return call('stop_wait');
}

/** A message for the user at start (e.g. unreadable saved settings were moved aside), if any. */
export function startupNotice(): Promise<StoreNotice | null> {
  return call('startup_notice');
}

/** Who hosts the domain's DNS, with the way to its records in `locale`. */
export function detectDnsHost(input: string, resolvers: string[], locale: Locale): Promise<DnsHostGuide> {
  return call('detect_dns_host', { input, resolvers, locale });
}

/** Asks the DNS host's own servers whether each row is saved there. */
export function verifyRows(rows: FixRow[]): Promise<RowCheck[]> {
  return call('verify_rows', { rows });
}

/** The saved settings. */
export function getSettings(): Promise<Settings> {
  return call('get_settings');
}

/** Saves the settings, or rejects with `bad_setting` saying which one cannot be used. */
export function saveSettings(settings: Settings): Promise<Settings> {
  return call('save_settings', { settings });
}

/** Remembers the step the window shows. */
export function saveSession(session: Session): Promise<void> {
  return call('save_session', { session });
}

/** The step the window showed when it was closed, with its check, if any. */
export function restoreSession(locale: Locale): Promise<Restored | null> {
  return call('restore_session', { locale });
}

/** The operating system's language tag, if it says. */
export function systemLocale(): Promise<string | null> {
  return call('os_locale');
}

/** Saves the last check's snapshot where the user picks; the path, or null if cancelled. */
export function exportSnapshot(): Promise<string | null> {
  return call('export_snapshot');
}

/** Saves the report (with the wait's `outcome`, if over) as Markdown where the user picks; the
 * path, or null if cancelled. */
export function exportReport(report: CheckReport, locale: Locale, outcome: WaitView | null = null): Promise<string | null> {
  return call('export_report', { report, locale, outcome });
}

/** Opens a snapshot a customer sent (the file's text) as if the check had just run here. */
export async function openSnapshot(text: string, provider: string | null, mx: string[], locale: Locale): Promise<CheckReport> {
  const opened = await call('open_snapshot', { text, provider, mx, locale });
  return opened.report;
}

/** Opens a link MX Doctor lists (a DNS host's console, a cache-flush page, the RFC section a
 * finding rests on) in the browser; the app refuses any other. */
export function openLink(url: string): Promise<void> {
  return call('open_link', { url });
}

export type { PracticeView } from './bindings/PracticeView';
export type { ConsoleRow } from './bindings/ConsoleRow';
export type { Scenario } from './bindings/Scenario';
import type { PracticeView } from './bindings/PracticeView';
import type { ConsoleRow } from './bindings/ConsoleRow';
import type { Scenario } from './bindings/Scenario';

/** The practice scenarios. */
export function practiceScenarios(): Promise<Scenario[]> {
  return call('practice_scenarios');
}

/** Practice mode as it is (started now if the app was opened with --practice or closed in it). */
export function practiceStatus(): Promise<PracticeView | null> {
  return call('practice_status');
}

/** Starts, or switches to, a practice scenario. */
export function practiceStart(id: string): Promise<PracticeView> {
  return call('practice_start', { id });
}

/** Leaves practice mode. */
export function practiceStop(): Promise<void> {
  return call('practice_stop');
}

/** One console edit: add (index null), change (index and row) or delete (row null). */
export function practiceEdit(index: number | null, row: ConsoleRow | null): Promise<PracticeView> {
  return call('practice_edit', { index, row });
}

/** Back to the scenario's starting records. */
export function practiceReset(): Promise<PracticeView> {
  return call('practice_reset');
}

/** Whether MX Doctor can make the last check's changes itself ("Let MX Doctor make these
 * changes"), at which DNS host, and whether a key is needed. */
export function applyTarget(): Promise<ApplyTarget> {
  return call('apply_target');
}

/** What will change at the DNS host for the plan of alias `option` (null: the recommended
 * plan), read through its API with `key` (null: the saved one, or none for practice). Nothing
 * is written. */
export function applyPreview(option: string | null, key: KeyInput | null): Promise<Preview> {
  return call('apply_preview', { option, key });
}

/** Makes the changes of the last preview; the journal says what was done. `key` is used for
 * this one call (and saved in the keychain only when it says `remember`). */
export function applyChanges(key: KeyInput | null): Promise<JournalView> {
  return call('apply_changes', { key });
}

/** The journal of the last apply, as kept (also after a restart), or null. */
export function applyJournal(): Promise<JournalView | null> {
  return call('apply_journal');
}

/** Puts back what the last apply changed, as its journal says. */
export function applyUndo(key: KeyInput | null): Promise<JournalView> {
  return call('apply_undo', { key });
}

/** Removes the DNS host keys saved in this computer's keychain; resolves to how many. */
export function forgetKeys(): Promise<number> {
  return call('forget_keys');
}
