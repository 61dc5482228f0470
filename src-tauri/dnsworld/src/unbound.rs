//! A real caching resolver for tests: Debian's Unbound, started on a loopback address with stub
//! zones pointing at the DNS world's authoritative servers, stopped (by its PID) when dropped.
//! It caches, counts TTLs down and keeps negative answers for the SOA's negative TTL exactly as
//! on the internet, which is what the propagation wait must be tested against.

use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where Unbound is looked for: `$MXDOCTOR_UNBOUND`, then Debian's path, then `$PATH`.
pub fn unbound_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MXDOCTOR_UNBOUND") {
        return Some(PathBuf::from(p));
    }
    let debian = Path::new("/usr/sbin/unbound");
    if debian.exists() {
        return Some(debian.to_path_buf());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("unbound"))
            .find(|p| p.exists())
    })
}

pub struct Unbound {
    child: Child,
    addr: SocketAddr,
    dir: PathBuf,
}

impl Unbound {
    /// Starts Unbound on `ip` (a loopback address) at a free port. `stubs` are the zones it
    /// resolves, each with the authoritative servers to ask; it knows no others. Name every
    /// zone: the DNS world's servers listen on a test port, and Unbound asks the servers a
    /// delegation names on port 53.
    pub fn start(ip: IpAddr, stubs: &[(&str, Vec<SocketAddr>)]) -> std::io::Result<Self> {
        let binary = unbound_binary().ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "Unbound is not installed: `apt-get install unbound` (scripts/test does this), or set MXDOCTOR_UNBOUND",
            )
        })?;
        let mut last = None;
        for _ in 0..10 {
            let port = free_port(ip)?;
            match Self::spawn(&binary, SocketAddr::new(ip, port), stubs) {
                Ok(u) => return Ok(u),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| std::io::Error::other("Unbound did not start")))
    }

    /// Starts Unbound on `ip` in front of `lab`: one stub zone per zone the lab serves, each
    /// pointing at its authoritative servers.
    pub fn in_front_of(lab: &crate::Lab, ip: IpAddr) -> std::io::Result<Self> {
        let auth = lab.auth_addrs();
        let origins = lab.origins();
        let stubs: Vec<(&str, Vec<SocketAddr>)> =
            origins.iter().map(|o| (o.as_str(), auth.clone())).collect();
        Self::start(ip, &stubs)
    }

    fn spawn(
        binary: &Path,
        addr: SocketAddr,
        stubs: &[(&str, Vec<SocketAddr>)],
    ) -> std::io::Result<Self> {
        let dir = std::env::temp_dir().join(format!(
            "mxdoctor-unbound-{}-{}-{}",
            std::process::id(),
            addr.ip(),
            addr.port()
        ));
        std::fs::create_dir_all(&dir)?;
        let conf = dir.join("unbound.conf");
        std::fs::write(&conf, config(addr, &dir, stubs))?;
        let child = Command::new(binary)
            .arg("-d")
            .arg("-c")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let mut unbound = Self { child, addr, dir };
        let started = Instant::now();
        // Ready when it accepts TCP on its port.
        while started.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(status)) = unbound.child.try_wait() {
                let log = std::fs::read_to_string(unbound.dir.join("log")).unwrap_or_default();
                return Err(std::io::Error::other(format!(
                    "Unbound exited ({status}): {log}"
                )));
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_ok() {
                return Ok(unbound);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        unbound.stop();
        Err(std::io::Error::other("Unbound did not answer within 10 s"))
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Drop for Unbound {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port(ip: IpAddr) -> std::io::Result<u16> {
    // Free for both UDP and TCP at the moment of asking.
    loop {
        let udp = UdpSocket::bind(SocketAddr::new(ip, 0))?;
        let port = udp.local_addr()?.port();
        if std::net::TcpListener::bind(SocketAddr::new(ip, port)).is_ok() {
            return Ok(port);
        }
    }
}

fn config(addr: SocketAddr, dir: &Path, stubs: &[(&str, Vec<SocketAddr>)]) -> String {
    let mut c = String::new();
    let _ = write!(
        c,
        r#"server:
    interface: {ip}
    port: {port}
    do-daemonize: no
    username: ""
    chroot: ""
    directory: "{dir}"
    pidfile: ""
    use-syslog: no
    logfile: "{dir}/log"
    verbosity: 1
    num-threads: 1
    so-reuseport: no
    do-ip6: no
    access-control: 127.0.0.0/8 allow
    do-not-query-localhost: no
    qname-minimisation: no
    module-config: "iterator"
    harden-referral-path: no
    target-fetch-policy: "0 0 0 0 0"
    prefetch: no
    serve-expired: no
    cache-min-ttl: 0
    infra-host-ttl: 60
remote-control:
    control-enable: no
"#,
        ip = addr.ip(),
        port = addr.port(),
        dir = dir.display()
    );
    for (zone, servers) in stubs {
        // Unbound answers reserved names (.test, .example, …) itself unless told not to.
        let tld = zone.rsplit('.').next().unwrap_or(zone);
        let _ = writeln!(
            c,
            "server:\n    domain-insecure: \"{zone}\"\n    local-zone: \"{tld}.\" nodefault"
        );
        let _ = writeln!(c, "stub-zone:\n    name: \"{zone}\"");
        for s in servers {
            let _ = writeln!(c, "    stub-addr: {}@{}", s.ip(), s.port());
        }
    }
    c
}
