//! Serves `tests/zones` on loopback until interrupted, for trying `mxdoctor` by hand:
//!
//!     cargo run -p mxdoctor-dnsworld --example lab
//!
//! It prints the `--nameserver` and `--auth-port` flags to pass.

use std::path::PathBuf;

use mxdoctor_dnsworld::{load_dir, CnamePolicy, Lab};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/zones");
    let zones = load_dir(&dir)?.into_values().collect();
    let ns2 = load_dir(&dir.join("ns2"))?.into_values().collect();
    let lab = Lab::start(zones, ns2).await?;
    if std::env::args().any(|a| a == "--serve-both") {
        for s in lab.auth.iter().chain([&lab.resolver]) {
            s.set_cname_policy(CnamePolicy::ServeBoth);
        }
    }
    println!(
        "--nameserver {} --auth-port {}",
        lab.resolver.addr(),
        lab.auth_port
    );
    tokio::signal::ctrl_c().await?;
    Ok(())
}
