/**
 * The only module that talks to Rust (STYLE.md: one folder imports @tauri-apps/*). Every
 * payload type is generated from the Rust types into ./bindings by ts-rs.
 */
import { Channel, invoke } from '@tauri-apps/api/core';
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

export type { AppError, CheckReport, LookupEvent, MailDomain, Provider, WaitView };
export type { VantageView } from './bindings/VantageView';
export type { RecentCheck, CheckRequest, Snapshot };
export type { Observation } from './bindings/Observation';
export type { ReportFinding } from './bindings/ReportFinding';
export type { FixRow } from './bindings/FixRow';
export type { DnsRecord } from './bindings/DnsRecord';
export type { PlanStep } from './bindings/PlanStep';
export type { Severity } from './bindings/Severity';

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
  return invoke<MailDomain>('normalise_domain', { input });
}

/** The mailbox services MX Doctor knows. */
export function listProviders(): Promise<Provider[]> {
  return invoke<Provider[]>('list_providers');
}

/** The same report with its findings' words in `locale`. */
export function rewordReport(report: CheckReport, locale: Locale): Promise<CheckReport> {
  return invoke<CheckReport>('reword_report', { report, locale });
}

/** The report as Markdown that also reads as plain text (for a ticket, or the DNS provider). */
export function reportDocument(report: CheckReport, locale: Locale): Promise<string> {
  return invoke<string>('report_document', { report, locale });
}


/** Runs a check, worded in `locale`; `onLookup` hears every question start and end. */
export function runCheck(req: CheckRequest, locale: Locale, onLookup: (e: LookupEvent) => void): Promise<CheckReport> {
  const channel = new Channel<LookupEvent>();
  channel.onmessage = onLookup;
  return invoke<CheckReport>('run_check', { request: req, locale, onLookup: channel });
}

/** Everything the last check saw, or null before any check. */
export function lastSnapshot(): Promise<Snapshot | null> {
  return invoke<Snapshot | null>('last_snapshot');
}

/** The recent checks, newest first. */
export function recentChecks(): Promise<RecentCheck[]> {
  return invoke<RecentCheck[]>('recent_checks');
}

/** Stops the check in progress; its `runCheck` rejects with `cancelled`. */
export function cancelCheck(): Promise<void> {
  return invoke<void>('cancel_check');
}

/** Puts text on the clipboard (the webview's own API: no extra permission needed). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** Starts the wait for the repair of what the last check found; `onRound` hears every round. */
export function startWait(onRound: (v: WaitView) => void): Promise<WaitView> {
  const channel = new Channel<WaitView>();
  channel.onmessage = onRound;
  return invoke<WaitView>('start_wait', { onRound: channel });
}

/** Resumes the wait saved before the app was closed, if there is one, with its check. */
export function resumeWait(onRound: (v: WaitView) => void): Promise<ResumedWait | null> {
  const channel = new Channel<WaitView>();
  channel.onmessage = onRound;
  return invoke<ResumedWait | null>('resume_wait', { onRound: channel });
}

/** Forgets the wait. */
export function stopWait(): Promise<void> {
  return invoke<void>('stop_wait');
}

/** A message for the user at start (e.g. unreadable saved settings were moved aside), if any. */
export function startupNotice(): Promise<string | null> {
  return invoke<string | null>('startup_notice');
}
