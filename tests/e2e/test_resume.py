"""Closing MX Doctor in the middle of a wait and starting it again picks the wait up."""

from __future__ import annotations

import time

from conftest import Window
from steps import WAIT_TIMEOUT, seconds_after, walk_seed000_to_the_wait


def test_closing_mid_wait_and_starting_again_resumes_the_wait(app):
    w: Window = app("--practice")
    walk_seed000_to_the_wait(w)
    old_for = w.prefix("wait.old_for")
    w.wait_until(lambda: seconds_after(w.text(), old_for), "no cache said how long it keeps the old records")
    stale_before = len(w.all("tr.vantage.stale"))
    assert stale_before >= 1
    w.shot("waiting-before-close")
    w.close_window()

    # Started again the plain way (no --practice): the same wait, in practice mode, goes on.
    again: Window = app()
    again.wait_text(again.t("wait.resumed"))
    again.shot("resumed")
    assert again.current_step() == again.t("steps.wait")
    assert again.t("practice.banner", domain="seed000.test") in again.text()
    assert len(again.all("tr.vantage")) == 5
    # The practice caches kept their copies while the app was closed, as the internet's do:
    # the first round after the restart still finds the old records, counting down.
    again.wait_until(lambda: again.all("tr.vantage.stale"), "no cache held the old records after the restart")
    assert seconds_after(again.text(), again.prefix("wait.old_for")) is not None
    again.shot("resumed-stale")
    again.wait_text(again.t("wait.clear"), timeout=WAIT_TIMEOUT)
    again.shot("cleared")
    again.click(again.t("wait.to_done"))
    again.wait_text(again.t("done.heading", domain="seed000.test"))
    again.shot("done")


def test_a_wait_reopened_after_every_cache_let_go_shows_the_first_round_at_once(app):
    """Reopened after the caches' copies ran out (longer than every TTL), the window shows the
    first round's answers within seconds, never stays on "Asking every server…"."""
    w: Window = app("--practice")
    walk_seed000_to_the_wait(w)
    old_for = w.prefix("wait.old_for")
    w.wait_until(lambda: seconds_after(w.text(), old_for), "no cache said how long it keeps the old records")
    w.close_window()
    # Every practice record lives 60 s: after 65 s no cache may still hold the old ones.
    time.sleep(65)

    reopened = time.monotonic()
    again: Window = app()
    # The first round finds every copy gone: the window shows it at once (the line saying the
    # wait resumed goes with the wait's end), never "Asking every server…" for long.
    again.wait_text(again.t("wait.clear"), timeout=20)
    assert time.monotonic() - reopened < 20
    assert again.current_step() == again.t("steps.wait")
    assert again.t("wait.checking") not in again.text()
    assert [e.get_attribute("class") for e in again.all("tr.vantage")] == ["vantage clear"] * 5
    again.shot("resumed-after-ttl-clear")
    again.click(again.t("wait.to_done"))
    again.wait_text(again.t("done.heading", domain="seed000.test"))
    assert again.t("done.seen_saved") in again.text()
    again.shot("done")
