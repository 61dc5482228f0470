"""One-click repair in practice mode: "Let MX Doctor make these changes" on seed 000 (the alias
beside the MX), its preview, the apply through the practice DNS host's adapter, the saved-check
and the wait; then "Undo the changes MX Doctor made" brings the alias back, and a new check finds
it again. In English the walk waits until clear and undoes from the summary; in Simplified
Chinese it undoes from the wait."""

from __future__ import annotations

import pytest

from conftest import Window
from steps import SEED000_ROWS, WAIT_TIMEOUT, console_rows, english_words


def open_repair(w: Window) -> None:
    w.click(w.t("prepare.start"))
    w.click(w.t("check.to_repair"))
    w.wait_text(w.t("repair.heading"))


def apply_with_the_button(w: Window) -> None:
    """The panel, its preview of seed 000's rows, and the apply; the saved-check follows."""
    w.click(w.t("apply.offer"))
    w.click(w.t("apply.show"))
    w.wait_text(w.t("apply.preview_heading"))
    rows = [e.text for e in w.all(".apply-panel .apply-row")]
    assert len(rows) == len(SEED000_ROWS), rows
    assert all(w.t("apply.result.planned") in r or w.t("apply.result.skipped") in r for r in rows), rows
    assert any("site.cdn.test" in r and w.t("apply.result.planned") in r for r in rows), rows
    w.find(".apply-panel").location_once_scrolled_into_view
    w.shot("apply-preview")
    w.click(w.t("apply.make"))
    w.wait_text(w.t("apply.applied"))
    results = [e.get_attribute("class") for e in w.all(".apply-panel .apply-result")]
    assert all(c in ("apply-result done", "apply-result skipped") for c in results), results
    assert "apply-result done" in results, results
    # The same saved-check as "I've made the changes": every row at both DNS host servers.
    w.wait_text(w.t("repair.all_saved"))
    w.find(".apply-panel").location_once_scrolled_into_view
    w.shot("apply-done")


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_mx_doctor_makes_the_changes_and_undoes_them(app, locale):
    w: Window = app("--practice")
    if locale != "en":
        w.choose("header .settings select", locale)
        w.locale = locale
        w.wait_text(w.t("prepare.heading"))
    w.wait_text(w.t("prepare.will_check", domain="seed000.test"))
    open_repair(w)
    assert w.t("apply.offer_hint_practice") in w.text()
    w.shot("apply-offer")
    apply_with_the_button(w)
    if locale != "en":
        assert english_words(w) == []

    # The practice console lists the change, as if the learner had made it.
    w.click(w.t("practice.open_console"))
    w.find(".practice-console")
    rows = console_rows(w)
    assert not any(r[0] == "@" and r[1] == "CNAME" for r in rows), rows
    assert sorted(r[3] for r in rows if r[0] == "@" and r[1] == "A") == ["203.0.113.7", "203.0.113.8"], rows
    w.click(w.t("practice.back"))

    w.click(w.t("repair.start_wait"))
    w.wait_text(w.t("wait.heading"))
    w.button(w.t("apply.undo"))
    if locale == "en":
        w.wait_text(w.t("wait.clear"), timeout=WAIT_TIMEOUT)
        w.click(w.t("wait.to_done"))
        w.wait_text(w.t("done.heading", domain="seed000.test"))
        w.find(".undo-panel").location_once_scrolled_into_view
        w.shot("done-undo-offered")
    else:
        w.find(".undo-panel").location_once_scrolled_into_view
        w.shot("wait-undo-offered")
        assert english_words(w) == []

    w.click(w.t("apply.undo"))
    w.wait_text(w.t("apply.undone"))
    w.find(".undo-panel").location_once_scrolled_into_view
    w.shot("undone")
    assert w.all("button.undo") == [], "nothing left to undo"
    w.click(w.t("practice.open_console"))
    w.find(".practice-console")
    rows = console_rows(w)
    assert ("@", "CNAME", "—", "site.cdn.test") in [(h, t, p, v.rstrip(".")) for h, t, p, v in rows], rows
    w.click(w.t("practice.back"))

    # Checked again, the alias is found again: the problem is back, as it was.
    w.click(w.t("apply.undo_check_button"))
    w.wait_text(w.t("check.to_repair"))
    titles = [e.text for e in w.all("article.finding.error h3")]
    assert len(titles) == 1 and "CNAME" in titles[0], titles
