//! The wait step: start the propagation wait for the last check, follow it round by round over
//! a channel, resume it after a restart.

use std::sync::atomic::Ordering;

use mxdoctor_core::propagation::{
    run, Clock, NetLookup, Phase, SystemClock, Wait, WaitError, WaitStatus, WaitView,
};
use mxdoctor_core::report::{self, CheckReport, Locale};
use mxdoctor_core::words;
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_notification::NotificationExt;
use ts_rs::TS;

use crate::error::{AppError, ErrorCode, Result};
use crate::persist;
use crate::state::AppState;

/// Starts waiting for the repair of what the last check found, with the plan of the alias
/// option the user chose (`None`: the recommended plan); `on_round` hears every round.
#[tauri::command]
pub async fn start_wait<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    option: Option<String>,
    on_round: Channel<WaitView>,
) -> Result<WaitView> {
    let last = state.last_check()?;
    let store = persist::store(&app);
    let settings = persist::load_settings(store);
    let wait = Wait::after_check(
        &last.snapshot,
        last.choice.clone(),
        option.as_deref(),
        &last.resolvers,
        last.auth_port,
        settings.wait_settings().unwrap_or_default(),
        SystemClock.now(),
    )
    .map_err(refusal)?;
    // Saved at once with the check it follows, so a restart resumes it even before its first
    // round ends; a failure is told by the window's banner, and the wait runs on regardless.
    let _ = persist::told(&app, persist::save_wait(store, &wait, Some(&last.report)));
    Ok(follow(app.clone(), &state, wait, on_round))
}

/// Why no wait could start, as a code the window words itself (the message is the CLI's English,
/// for the log).
fn refusal(e: WaitError) -> AppError {
    let code = match e {
        WaitError::NothingToWaitFor(_) => ErrorCode::NothingToWaitFor,
        WaitError::UnknownOption(_) => ErrorCode::BadOption,
        WaitError::NoVantage(_) => ErrorCode::NoVantage,
        WaitError::NoDnsHost(_) => ErrorCode::NoDnsHost,
        WaitError::NotAWait(_) | WaitError::WrongFormat { .. } => ErrorCode::Internal,
    };
    AppError::new(code, e.to_string())
}

/// A wait restored after a restart, with the check it follows.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct ResumedWait {
    pub view: WaitView,
    pub report: Option<CheckReport>,
}

/// Resumes the saved wait, if any, asking every vantage that was not clear at once.
#[tauri::command]
pub async fn resume_wait<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    on_round: Channel<WaitView>,
) -> Result<Option<ResumedWait>> {
    let store = persist::store(&app);
    let Some(mut wait) = persist::load_wait(store) else {
        return Ok(None);
    };
    let report = persist::load_report(store);
    // The notification at the end speaks the language the user chose, also after a restart.
    if let (Some(locale), Ok(mut current)) =
        (persist::load_settings(store).locale, state.locale.lock())
    {
        *current = locale;
    }
    if wait.finished.is_some() {
        let view = wait.view(SystemClock.now());
        return Ok(Some(ResumedWait { view, report }));
    }
    wait.resume(SystemClock.now());
    let view = follow(app.clone(), &state, wait, on_round);
    Ok(Some(ResumedWait { view, report }))
}

/// Forgets the wait (the user starts over).
#[tauri::command]
pub fn stop_wait<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) {
    // A round saving right now sees the new generation and writes nothing back.
    state.wait_generation.fetch_add(1, Ordering::SeqCst);
    if let Some(h) = state.wait.lock().ok().and_then(|mut w| w.take()) {
        h.abort();
    }
    let _ = persist::told(&app, persist::clear_wait(persist::store(&app)));
}

/// A desktop notification: the user may have left the window long ago. Where the desktop has no
/// notification service, the window's own words are all there is. A wait that ended "clear
/// except" never says every server: it names the ones that did not answer.
fn notify_end<R: Runtime>(app: &AppHandle<R>, view: &WaitView, locale: Locale) {
    let Some((title, body)) = end_words(view, locale) else {
        return;
    };
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::info!("no desktop notification: {e}");
    }
}

/// The notification's title and body for a wait that ended clear or clear except, in the
/// words of `locale`'s catalog (`notification`); `None` for any other ending (the window says
/// those).
fn end_words(view: &WaitView, locale: Locale) -> Option<(String, String)> {
    // Said of where mail now arrives (the separate subdomain, when the option kept the alias).
    let domain = view.mail_host.as_str();
    let silent: Vec<String> = view
        .except
        .iter()
        .map(|u| report::vantage_label(u.kind, &u.name, locale))
        .collect();
    let silent = silent.join(&words::notification("list_separator", locale, &[]));
    // "Mail works again" needs the mail servers checked: with no mailbox service known, the
    // wait checked the plan's rows, and says so.
    let key = match view.status {
        WaitStatus::Clear if view.provider.is_none() => "clear_rows",
        WaitStatus::Clear => "clear",
        WaitStatus::ClearExcept => "clear_except",
        _ => return None,
    };
    let params = [("domain", domain), ("servers", silent.as_str())];
    Some((
        words::notification(&format!("{key}_title"), locale, &params),
        words::notification(&format!("{key}_body"), locale, &params),
    ))
}

/// Runs `wait` in the background, saving and sending it after every round.
fn follow<R: Runtime>(
    app: AppHandle<R>,
    state: &AppState,
    mut wait: Wait,
    on_round: Channel<WaitView>,
) -> WaitView {
    let first = wait.view(SystemClock.now());
    let timeout = state.timeout;
    // This wait's generation: once another wait starts or the user stops it, its rounds are
    // no longer saved.
    let generation = state.wait_generation.fetch_add(1, Ordering::SeqCst) + 1;
    let task = tokio::spawn(async move {
        let lookup = NetLookup { timeout };
        let finish = run(&mut wait, &SystemClock, &lookup, |w| {
            let current = || {
                app.state::<AppState>()
                    .wait_generation
                    .load(Ordering::SeqCst)
                    == generation
            };
            let _ = persist::told(
                &app,
                persist::save_wait_while(persist::store(&app), w, None, current),
            );
            let _ = on_round.send(w.view(SystemClock.now()));
        })
        .await;
        if matches!(finish.phase, Phase::Clear | Phase::ClearExcept) {
            // The window's language now, not when the wait started.
            let locale = app
                .state::<AppState>()
                .locale
                .lock()
                .map(|l| *l)
                .unwrap_or_default();
            notify_end(&app, &wait.view(SystemClock.now()), locale);
        }
    });
    if let Ok(mut slot) = state.wait.lock() {
        if let Some(previous) = slot.replace(task.abort_handle()) {
            previous.abort();
        }
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;
    use mxdoctor_core::propagation::{Phase, Unanswered, VantageKind};

    fn ended(status: WaitStatus, phase: Phase, except: Vec<Unanswered>) -> WaitView {
        WaitView {
            domain: "example.com".into(),
            provider: None,
            status,
            phase,
            round: 5,
            at: "2026-11-22T10:01:00Z".into(),
            started_at: "2026-11-22T09:59:00Z".into(),
            saved_at: None,
            earliest: None,
            latest: None,
            earliest_in: None,
            latest_in: None,
            cleared_at: Some("2026-11-22T10:01:00Z".into()),
            deadline: "2026-11-24T09:59:00Z".into(),
            vantages: Vec::new(),
            queries: 20,
            option: None,
            mail_host: "example.com".into(),
            rows: Vec::new(),
            optional_rows: Vec::new(),
            except,
        }
    }

    #[test]
    fn clear_except_is_never_worded_as_every_server_and_names_the_silent_ones() {
        let quad9 = Unanswered {
            kind: VantageKind::Public,
            name: "Quad9".into(),
            server: Some("9.9.9.9:53".into()),
            failure: Some("timed out".into()),
            last_old: false,
        };
        let view = ended(WaitStatus::ClearExcept, Phase::ClearExcept, vec![quad9]);
        for locale in [Locale::En, Locale::ZhCn] {
            let (title, body) = end_words(&view, locale).expect("clear except is told");
            assert!(
                body.contains("Quad9"),
                "the silent resolver is named: {body}"
            );
            let all = format!("{title} {body}");
            assert!(
                !all.contains("Every server gives")
                    && !all.contains("works again")
                    && !all.contains("所有服务器"),
                "clear except claims every server: {all}"
            );
        }
        let mut clear = ended(WaitStatus::Clear, Phase::Clear, Vec::new());
        clear.provider = Some("alibaba-standard".into());
        assert!(end_words(&clear, Locale::En)
            .unwrap()
            .0
            .contains("works again"));
        // Said of where mail now arrives: the subdomain, when the option kept the alias.
        clear.mail_host = "mail.example.com".into();
        let (title, _) = end_words(&clear, Locale::En).unwrap();
        assert_eq!(title, "Mail to mail.example.com works again");
        // With no mailbox service known, the mail servers were not checked: no "works again".
        clear.provider = None;
        for locale in [Locale::En, Locale::ZhCn] {
            let (title, _) = end_words(&clear, locale).unwrap();
            assert!(
                !title.contains("works again") && !title.contains("恢复正常收信"),
                "{title}"
            );
        }
        let out = ended(WaitStatus::Timeout, Phase::TimedOut, Vec::new());
        assert_eq!(
            end_words(&out, Locale::En),
            None,
            "a timeout is not announced as clear"
        );
    }

    #[test]
    fn each_refusal_to_wait_has_the_code_the_window_words() {
        let cases = [
            (
                WaitError::NothingToWaitFor("example.com".into()),
                ErrorCode::NothingToWaitFor,
            ),
            (
                WaitError::UnknownOption("nope".into()),
                ErrorCode::BadOption,
            ),
            (
                WaitError::NoVantage("example.com".into()),
                ErrorCode::NoVantage,
            ),
            (WaitError::NotAWait("x".into()), ErrorCode::Internal),
        ];
        for (error, code) in cases {
            assert_eq!(refusal(error).code, code);
        }
    }
}
