// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::Parser;

/// MX Doctor: finds and clears the DNS conflicts that stop a domain from receiving mail.
///
/// Opens the wizard's window. Without a desktop session (no DISPLAY or WAYLAND_DISPLAY) there
/// is no window to open: `mxdoctor check DOMAIN` is the command line.
#[derive(Parser)]
#[command(name = "mxdoctor-app", version)]
struct Args {
    /// Open on the practice domains: a DNS world inside the app, on loopback, for learning the
    /// repair without internet and without touching a real domain.
    #[arg(long)]
    practice: bool,
}

/// Whether a window can open here: on Linux a desktop session names its display. Without one
/// GTK would panic with a stack trace; a person gets the way to a window instead.
fn no_display() -> bool {
    let unset = |name: &str| std::env::var_os(name).is_none_or(|v| v.is_empty());
    cfg!(target_os = "linux") && unset("DISPLAY") && unset("WAYLAND_DISPLAY")
}

fn main() {
    let args = Args::parse();
    if no_display() {
        eprintln!(
            "No display here (neither DISPLAY nor WAYLAND_DISPLAY is set), so MX Doctor's window cannot open.\n  \
             - On a desktop: start mxdoctor-app from the desktop's menu or a terminal inside the session.\n  \
             - Over SSH: connect with X forwarding (ssh -X) and start it again.\n  \
             - The command line works without a display: mxdoctor check example.com"
        );
        std::process::exit(1);
    }
    mxdoctor_app::run(mxdoctor_app::Launch {
        practice: args.practice,
    });
}
