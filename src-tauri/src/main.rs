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

fn main() {
    let args = Args::parse();
    mxdoctor_app::run(mxdoctor_app::Launch {
        practice: args.practice,
    });
}
