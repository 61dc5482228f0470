//! Serves zone files on loopback until interrupted, for trying `mxdoctor` by hand:
//!
//!     cargo run -p mxdoctor-dnsworld --example lab -- [--zones DIR] [--unbound N] [--serve-both]
//!
//! It prints the `--nameserver` and `--auth-port` flags to pass. `--zones` serves another
//! folder of zone files (default `tests/zones`); edit a file there and send SIGHUP to this
//! process (`kill -HUP PID`) to "save" the edit at the DNS host. `--unbound N` starts N real
//! caching resolvers (Debian's Unbound) in front, on 127.0.0.31 and up, for `mxdoctor watch`.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use mxdoctor_dnsworld::{load_dir, CnamePolicy, Lab, Unbound, Zone};

fn zones(dir: &std::path::Path) -> Result<(Vec<Zone>, Vec<Zone>), Box<dyn std::error::Error>> {
    let mut all: Vec<Zone> = load_dir(dir)?.into_values().collect();
    // The parent zone (test.), so caches and the walk from the parent find every zone.
    if dir.join("parent").is_dir() {
        all.extend(load_dir(&dir.join("parent"))?.into_values());
    }
    let ns2_dir = dir.join("ns2");
    let ns2 = if ns2_dir.is_dir() {
        load_dir(&ns2_dir)?.into_values().collect()
    } else {
        Vec::new()
    };
    Ok((all, ns2))
}

/// Serves the practice zone files on loopback until interrupted, for trying `mxdoctor` by hand.
///
/// Prints the `--nameserver` and `--auth-port` flags to pass to `mxdoctor check`. Edit a zone
/// file and send SIGHUP to this process (`kill -HUP PID`) to "save" the edit at the DNS host.
#[derive(clap::Parser)]
#[command(name = "lab", version)]
struct Args {
    /// The folder of zone files to serve (default: the practice zones in tests/zones).
    #[arg(long, value_name = "DIR")]
    zones: Option<PathBuf>,
    /// Start N real caching resolvers (Debian's Unbound) in front, on 127.0.0.31 and up, for
    /// `mxdoctor watch`.
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=8))]
    unbound: u8,
    /// Serve an alias and the rows beside it together, as some hosting panels do.
    #[arg(long)]
    serve_both: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = <Args as clap::Parser>::parse();
    let dir = args
        .zones
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/zones"));
    let caches = args.unbound;
    let (all, ns2) = zones(&dir)?;
    let lab = Lab::start(all, ns2).await?;
    if args.serve_both {
        for s in lab.auth.iter().chain([&lab.resolver]) {
            s.set_cname_policy(CnamePolicy::ServeBoth);
        }
    }
    let mut unbound = Vec::new();
    for i in 0..caches {
        let ip = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 31 + i));
        unbound.push(Unbound::in_front_of(&lab, ip)?);
    }
    let resolvers: Vec<String> = if unbound.is_empty() {
        vec![lab.resolver.addr().to_string()]
    } else {
        unbound.iter().map(|u| u.addr().to_string()).collect()
    };
    let flags: Vec<String> = resolvers
        .iter()
        .map(|r| format!("--nameserver {r}"))
        .collect();
    println!("{} --auth-port {}", flags.join(" "), lab.auth_port);
    eprintln!(
        "Serving {} (pid {}; kill -HUP reloads the zone files).",
        dir.display(),
        std::process::id()
    );
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            _ = hup.recv() => match zones(&dir) {
                Ok((all, ns2)) => {
                    lab.resolver.edit_zones(|z| *z = all.clone());
                    lab.auth[0].edit_zones(|z| *z = all.clone());
                    let mut second = all.clone();
                    for z in ns2 {
                        second.retain(|e| e.origin() != z.origin());
                        second.push(z);
                    }
                    lab.auth[1].edit_zones(|z| *z = second);
                    eprintln!("Reloaded the zone files.");
                }
                Err(e) => eprintln!("Not reloaded: {e}"),
            },
        }
    }
    drop(unbound);
    Ok(())
}
