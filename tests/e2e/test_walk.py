"""The practice walk, by a person's hands: seed 000 from the broken domain to the cleared one,
in English and in Simplified Chinese."""

from __future__ import annotations

import time

import pytest

from conftest import Window
from steps import SEED000_ROWS, WAIT_TIMEOUT, english_words, repair_seed000_in_console, rows_of, seconds_after


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_practice_walk_from_the_alias_to_a_cleared_domain(app, locale):
    w: Window = app("--practice")
    if locale != "en":
        w.choose("header .settings select", locale)
        w.locale = locale
        w.wait_text(w.t("prepare.heading"))
    w.wait_text(w.t("prepare.will_check", domain="seed000.test"))
    w.shot("prepare")
    if locale != "en":
        assert english_words(w) == []

    # The check finds the alias beside the MX.
    w.click(w.t("prepare.start"))
    w.wait_text(w.t("check.to_repair"))
    w.shot("check")
    assert w.current_step() == w.t("steps.check")
    titles = [e.text for e in w.all("article.finding.error h3")]
    assert len(titles) == 1 and "seed000.test" in titles[0] and "CNAME" in titles[0], titles
    if locale != "en":
        assert english_words(w) == []

    # The repair names the rows to delete and add.
    w.click(w.t("check.to_repair"))
    w.wait_text(w.t("repair.heading"))
    assert rows_of(w, "ol.plan table.rows") == SEED000_ROWS
    # In practice mode the practice DNS console is the DNS host's settings page.
    assert w.t("practice.dns_step_open") in w.text()
    w.shot("repair")
    if locale != "en":
        assert english_words(w) == []

    # "I've made the changes" before making them: nothing is saved yet.
    w.click(w.t("repair.saved"))
    w.wait_text(w.t("repair.some_not_saved", count=3))
    states = [e.get_attribute("class") for e in w.all("ol.plan .saved-state")]
    # The MX rows hidden behind the alias cannot be seen until it is gone: neither the ones to
    # delete nor Alibaba's (to add if not there yet) are "saved" or "not saved".
    assert states == ["saved-state unknown"] + ["saved-state not_saved"] * 3 + ["saved-state unknown"] * 3, states
    w.shot("not-saved")

    # The learner makes the repair in the practice DNS console, by hand.
    repair_seed000_in_console(w)
    if locale != "en":
        assert english_words(w) == []
    w.click(w.t("practice.back"))

    # The wizard sees every row saved at the DNS host's own servers.
    w.click(w.t("repair.check_again"))
    w.wait_text(w.t("repair.all_saved"))
    states = [e.get_attribute("class") for e in w.all("ol.plan .saved-state")]
    assert states == ["saved-state saved"] * 7, states
    w.shot("saved")

    # The wait: the caches still hold the alias and count it down, then clear one by one.
    w.click(w.t("repair.start_wait"))
    w.wait_text(w.t("wait.heading"))
    assert w.current_step() == w.t("steps.wait")
    old_for = w.prefix("wait.old_for")
    first = w.wait_until(lambda: seconds_after(w.text(), old_for), "no cache said how long it keeps the old records")
    time.sleep(2.5)
    later = seconds_after(w.text(), old_for)
    w.shot("waiting")
    assert later is not None and later < first, (first, later)
    # Each cache that still holds the alias says so, and what was asked beside what it gives.
    assert w.prefix("gap.alias") in w.text() and w.t("gap.asked") in w.text()
    # Two DNS host servers and three practice caches, by name.
    assert len(w.all("tr.vantage")) == 5
    names = [w.driver.execute_script("return arguments[0].firstChild.textContent.trim()", e) for e in w.all("tr.vantage th")]
    assert names == ["ns1.seed000.test", "ns2.seed000.test"] + [w.t("wait.practice_cache", n=n) for n in (1, 2, 3)], names
    if locale != "en":
        assert english_words(w) == []
    w.wait_text(w.t("wait.clear"), timeout=WAIT_TIMEOUT)
    assert [e.get_attribute("class") for e in w.all("tr.vantage")] == ["vantage clear"] * 5
    w.shot("cleared")

    # The summary says what was wrong and the rows seen saved at every DNS host server (not the
    # plan), and offers the report. Every server answered: mail works again, said plainly.
    w.click(w.t("wait.to_done"))
    w.wait_text(w.t("done.heading", domain="seed000.test"))
    assert w.current_step() == w.t("steps.done")
    assert w.t("done.seen_saved") in w.text()
    assert w.t("done.never_saved") not in w.text()
    assert rows_of(w, "main table.rows") == SEED000_ROWS
    assert titles[0] in w.text()
    w.shot("done")
    # The report of the finished wait goes to the clipboard, for the user's files or a ticket.
    w.click(w.t("export.copy_report"))
    w.wait_text(w.t("export.copied"))
    report = w.clipboard()
    assert "| `site.cdn.test` |" in report and "| `203.0.113.8` |" in report, report
    assert report.count("`" + w.t("wait.practice_cache", n=1)) == 0, "the report names caches by address"
    assert "127.0.0.21" in report, report
    if locale != "en":
        assert english_words(w) == []


