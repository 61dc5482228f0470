"""What a person does and reads in the window, shared by the end-to-end tests."""

from __future__ import annotations

import json
import re

from selenium.webdriver.common.by import By

from conftest import ROOT, Window

# Seed 000's repair, as the repair table must show it (action, host, type, priority, value).
SEED000_ROWS = [
    # The alias hides the MX rows beside it: every one that is not the provider's goes first.
    ("delete", "@", "MX", "—", "all except mx1.qiye.aliyun.com mx2.qiye.aliyun.com mx3.qiye.aliyun.com"),
    ("delete", "@", "CNAME", "—", "site.cdn.test"),
    ("add", "@", "A", "—", "203.0.113.7"),
    ("add", "@", "A", "—", "203.0.113.8"),
    # Whether Alibaba's rows sit beside the alias nobody can see: each is added if not there yet.
    ("add", "@", "MX", "5", "mx1.qiye.aliyun.com"),
    ("add", "@", "MX", "10", "mx2.qiye.aliyun.com"),
    ("add", "@", "MX", "15", "mx3.qiye.aliyun.com"),
]
# What the catalog names in Latin letters in any language: products, and DKIM selectors (DNS data).
# The names live in the core's catalogs, one per locale (阿里邮箱 in Chinese, Google Workspace in
# both); public DNS services keep their own names.
PROVIDERS = json.loads((ROOT / "src-tauri/core/data/providers.json").read_text())["providers"]
_CORE = {loc: json.loads((ROOT / f"src-tauri/core/data/messages.{loc}.json").read_text()) for loc in ("en", "zh-CN")}
_RESOLVERS = json.loads((ROOT / "src-tauri/core/data/resolvers.json").read_text())["resolvers"]
def _product_names(loc: str) -> list[str]:
    """The names a window in `loc` may show in Latin letters: its own catalog's names for the
    services and DNS hosts (an English-only name left in a Chinese window is caught), public DNS
    services' own names, and DKIM selectors (DNS data)."""
    c = _CORE[loc]
    return sorted(
        set(c["providers"].values())
        | {h["name"] for h in c["dns_hosts"].values() if "name" in h}
        | {r["name"] for r in _RESOLVERS}
        | {s for p in PROVIDERS for s in p.get("dkim_selectors", [])},
        key=len,
        reverse=True,
    )


PRODUCT_NAMES = {loc: _product_names(loc) for loc in _CORE}
# A practice wait: records at TTL 60 in three caches, asked every few seconds.
WAIT_TIMEOUT = 150.0


def rows_of(w: Window, table: str) -> list[tuple[str, ...]]:
    """A RowTable as (action class, host, type, priority, value), read from the cells' text."""
    rows = []
    for tr in w.all(f"{table} tbody tr"):
        cells = tr.find_elements(By.CSS_SELECTOR, "td")
        codes = [c.find_elements(By.CSS_SELECTOR, "code") for c in cells]
        host = codes[1][0].text
        if cells[4].find_elements(By.CSS_SELECTOR, ".all-except"):
            value = "all except " + " ".join(c.text for c in codes[4])
        else:
            # A change row shows "replace OLD with NEW": the value to put is the last one.
            value = codes[4][-1].text
        rows.append((tr.get_attribute("class").strip(), host, cells[2].text, cells[3].text, value))
    return rows


def console_rows(w: Window) -> list[tuple[str, str, str, str]]:
    return [
        tuple(c.text.strip() for c in tr.find_elements(By.CSS_SELECTOR, "td")[:4])
        for tr in w.all(".practice-console tbody tr")
    ]


def confirm_delete(w: Window, row) -> None:
    """Answers "Delete this row?" with "Yes" in the console row `row`."""
    yes = w.t("practice.yes")
    w.wait_until(lambda: next((b for b in row.find_elements(By.CSS_SELECTOR, "button") if b.text.strip() == yes), None), "the console did not ask before deleting").click()


def console_add(w: Window, host: str, rtype: str, value: str, priority: str = "") -> None:
    w.click(w.t("practice.add"))
    w.type_into("#c-host", host)
    w.choose("#c-type", rtype)
    if priority:
        w.type_into("#c-priority", priority)
    w.type_into("#c-value", value)
    w.type_into("#c-ttl", "60")
    w.click(w.t("practice.save"))
    w.wait_until(lambda: not w.all(".console-form"), "the console kept its form open (the row was refused?)")


def english_words(w: Window) -> list[str]:
    """Words in Latin letters the window shows outside DNS data (code, record values, names
    of services and servers), which a Chinese window should not have."""
    text = w.driver.execute_script(
        """
        // Only DNS data is skipped: code spans and record values. Menus (option), notes (.meta)
        // and server names (.vantage th) are read like any text.
        const skip = (el) => el.closest('code, .value, [lang="en"]');
        const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
        const out = [];
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const el = n.parentElement;
          // An <option> is never laid out (offsetParent null): read it through its <select>.
          const shown = el && (el.offsetParent !== null || (el.closest('select')?.offsetParent ?? null) !== null);
          if (el && !skip(el) && shown) out.push(n.textContent);
        }
        return out.join(' ');
        """
    )
    # Names a Chinese text keeps in Latin letters: mailbox services' product names, record
    # types and protocol names, and anything with a dot (domains, host names).
    # Whole words only: the DKIM selector "google" must not turn "dns.google" into "dns".
    for name in PRODUCT_NAMES[w.locale]:
        text = re.sub(r"(?<![A-Za-z0-9.])" + re.escape(name) + r"(?![A-Za-z0-9.])", " ", text)
    keep = {"MX", "Doctor", "CNAME", "TXT", "SPF", "DKIM", "DMARC", "DNS", "TTL", "IP", "A", "AAAA", "NS", "SOA",
            "CDN", "www"}
    tokens = re.findall(r"[A-Za-z0-9][A-Za-z0-9.'’_:@-]*", text)
    words = [x.rstrip(".:") for x in tokens if not re.search(r"[0-9@_]|\.[A-Za-z]", x)]
    return [x for x in words if len(x) > 1 and x not in keep]



def repair_seed000_in_console(w: Window) -> None:
    """The learner's repair of seed 000 at the practice DNS console: the alias out, two A rows in."""
    w.click(w.t("practice.open_console"))
    w.find(".practice-console")
    assert ("@", "CNAME", "—", "site.cdn.test") in [(h, t, p, v.rstrip(".")) for h, t, p, v in console_rows(w)]
    w.shot("console")
    alias = next(tr for tr in w.all(".practice-console tbody tr") if "CNAME" in tr.text)
    alias.find_elements(By.CSS_SELECTOR, "button")[1].click()  # Delete
    confirm_delete(w, alias)
    w.wait_until(lambda: all(r[1] != "CNAME" for r in console_rows(w)), "the alias stayed in the console")
    console_add(w, "@", "A", "203.0.113.7")
    console_add(w, "@", "A", "203.0.113.8")
    a_rows = sorted(r[3] for r in console_rows(w) if r[0] == "@" and r[1] == "A")
    assert a_rows == ["203.0.113.7", "203.0.113.8"]
    w.shot("console-repaired")


def seconds_after(text: str, prefix: str) -> int | None:
    """The first countdown after `prefix` ("old for 55 s", "旧记录最多还会保留 55 秒"), in seconds."""
    m = re.search(re.escape(prefix) + r"\s*(?:(\d+)\s*(?:min|分钟?)\s*)?(\d+)", text)
    if not m:
        return None
    return int(m.group(1) or 0) * 60 + int(m.group(2))


def walk_seed000_to_the_wait(w: Window) -> None:
    """Check, repair table, console repair, rows seen saved, and "Start waiting"."""
    w.click(w.t("prepare.start"))
    w.click(w.t("check.to_repair"))
    w.wait_text(w.t("repair.heading"))
    repair_seed000_in_console(w)
    w.click(w.t("practice.back"))
    w.click(w.t("repair.saved"))
    w.wait_text(w.t("repair.all_saved"))
    w.click(w.t("repair.start_wait"))
    w.wait_text(w.t("wait.heading"))
