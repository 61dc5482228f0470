//! `open_link` opens the links of the catalogs, and only those (its own process: the test
//! empties PATH so that no browser can start, which would otherwise open on a developer's desk).

use serde_json::json;

mod common;
use common::{app, invoke};

#[test]
fn a_catalog_link_reaches_the_browser_and_a_foreign_one_does_not() {
    let nowhere = std::env::temp_dir().join(format!("mxdoctor-no-browser-{}", std::process::id()));
    std::fs::create_dir_all(&nowhere).unwrap();
    std::env::set_var("PATH", &nowhere);
    let (_app, window) = app("open-link");

    // A DNS host's console and a public DNS service's flush page, as the catalogs list them.
    for url in [
        "https://dns.console.aliyun.com/",
        "https://developers.google.com/speed/public-dns/cache",
    ] {
        let result = invoke(&window, "open_link", json!({ "url": url }));
        // With no browser to start, the opener fails: the command went past the catalog check,
        // and the window words the failure ("copy the link instead").
        let err = result.expect_err("no browser can start with PATH empty");
        assert_ne!(
            err["code"], "bad_setting",
            "{url} is a catalog link and must not be refused: {err}"
        );
        assert_eq!(
            err["detail"],
            json!({ "kind": "browser_not_opened" }),
            "{url}: the opener was asked, and its failure is worded by the window: {err}"
        );
    }

    let err = invoke(
        &window,
        "open_link",
        json!({ "url": "https://dns.console.aliyun.com.evil.example/" }),
    )
    .unwrap_err();
    assert_eq!(
        err["code"], "bad_setting",
        "a link of no catalog is refused"
    );
}
