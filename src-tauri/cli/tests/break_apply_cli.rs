//! Attacks on `mxdoctor fix` / `mxdoctor undo` (issue 16) that need no DNS host: crafted
//! journals and endpoints. Each test is a defect and fails on the code as it is; the comment
//! says what a user would see and why it is wrong.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod fix_support;
use fix_support::{all_output, mxdoctor};

const SENTINEL: &str = "pdns-key-SENTINEL-0123456789";

/// A loopback "server" that records every byte sent to it and answers HTTP 500.
struct Catcher {
    port: u16,
    seen: Arc<Mutex<Vec<u8>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Catcher {
    fn start() -> Catcher {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (seen.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !st.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((mut conn, _)) => {
                        conn.set_nonblocking(false).unwrap();
                        conn.set_read_timeout(Some(Duration::from_millis(500)))
                            .unwrap();
                        let mut buf = [0u8; 8192];
                        if let Ok(n) = conn.read(&mut buf) {
                            s.lock().unwrap().extend_from_slice(&buf[..n]);
                        }
                        let _ = conn.write_all(
                            b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        );
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        Catcher {
            port,
            seen,
            stop,
            thread: Some(thread),
        }
    }

    fn seen(&self) -> String {
        String::from_utf8_lossy(&self.seen.lock().unwrap()).into_owned()
    }
}

impl Drop for Catcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// DEFECT: `mxdoctor undo` sends the DNS host's key to whatever server the journal file names.
///
/// The journal is a file; `undo --journal FILE` takes the DNS host and the endpoint from it and
/// connects there with the key from `MXDOCTOR_DNS_KEY` (a helpdesk script has it set for its
/// own PowerDNS). A stranger's journal ("your mail broke after MX Doctor's repair, run
/// `mxdoctor undo --journal fix.json --yes`") with `"endpoint": "http://their-server"` gets
/// the key in the clear, in the `X-API-Key` header of the first request: with that key they
/// can change every zone on the helpdesk's PowerDNS. The user sees only an error. The issue
/// says keys go nowhere but the DNS host; undo must not take the place it sends a key to from
/// an unauthenticated file (ask for `--endpoint` when the key comes from the environment, bind
/// the journal with a MAC from the keychain, or at the very least refuse an endpoint the key
/// was not given for).
#[test]
fn undo_does_not_send_the_key_to_a_server_named_in_a_journal_file() {
    let catcher = Catcher::start();
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("fix.json");
    std::fs::write(
        &path,
        format!(
            r#"{{"version":1,"domain":"example.com","zone":"example.com","dns_host":"powerdns","adapter":"powerdns","endpoint":"http://127.0.0.1:{}","started":"2026-12-02T10:00:00Z","finished":"2026-12-02T10:00:01Z","status":"applied","message":"m","rows":[],"row_results":[],"steps":[{{"seq":1,"before":{{"name":"example.com","type":"MX","ttl":300,"values":[{{"priority":5,"value":"mail.old.example"}}]}},"after":{{"name":"example.com","type":"MX","ttl":300,"values":[]}},"rows":[],"at":null,"result":"done","error":null}}],"undo":null}}"#,
            catcher.port
        ),
    )
    .unwrap();
    let out = mxdoctor(
        &[
            "undo",
            "--journal",
            path.to_str().unwrap(),
            "--yes",
            "--json",
        ],
        &[("MXDOCTOR_DNS_KEY", SENTINEL)],
        home.path(),
    );
    let seen = catcher.seen();
    assert!(
        !seen.contains(SENTINEL),
        "the key went to the server the journal named:\n{seen}\nmxdoctor said: {}",
        all_output(&out)
    );
}

/// DEFECT: a credential typed into the endpoint is printed back in the refusal.
///
/// `--endpoint http://admin:PASSWORD@127.0.0.1:8081` (how many people write an API address
/// with a login) is rightly refused, since a URL with a login would go into the journal; but
/// the refusal quotes the whole URL, password included, to the terminal, or under `--json`
/// into whatever log the helpdesk script keeps. "Keys never appear in output, the journal or a
/// log": the message must say what is wrong without echoing the secret part.
#[test]
fn a_password_in_the_endpoint_is_not_printed_back() {
    let home = tempfile::tempdir().unwrap();
    let endpoint = format!("http://admin:{SENTINEL}@127.0.0.1:8081");
    for json in [false, true] {
        let mut args = vec![
            "fix",
            "example.com",
            "--provider",
            "zoho",
            "--dns-host",
            "powerdns",
            "--endpoint",
            &endpoint,
        ];
        if json {
            args.push("--json");
        }
        let out = mxdoctor(&args, &[("MXDOCTOR_DNS_KEY", "some-key")], home.path());
        assert_eq!(out.status.code(), Some(2), "{}", all_output(&out));
        assert!(
            !all_output(&out).contains(SENTINEL),
            "the password in the endpoint was printed: {}",
            all_output(&out)
        );
    }
}
