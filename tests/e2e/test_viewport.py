"""Every step's primary action is in view without scrolling: at the window's default size, at
1280×800 and at 1024×640, in English and in Simplified Chinese (issue 15, item 4). Each step
also opens at its top: its heading is in view, not scrolled past."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, Window
from steps import WAIT_TIMEOUT, repair_seed000_in_console

CONFIG = json.loads((ROOT / "src-tauri/tauri.conf.json").read_text())["app"]["windows"][0]
SIZES = [(CONFIG["width"], CONFIG["height"]), (1280, 800), (1024, 640)]

IN_VIEW = """
const visible = (el) => el.offsetParent !== null;
const heading = [...document.querySelectorAll('main h2')].find(visible);
const primary = [...document.querySelectorAll('main button.primary')].filter(visible);
const box = (el) => { const r = el.getBoundingClientRect(); return {text: el.textContent.trim(), top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
return {
  width: window.innerWidth,
  height: window.innerHeight,
  heading: heading ? box(heading) : null,
  primary: primary.map(box),
};
"""


def assert_in_view(w: Window, step: str, label: str, entered: bool = True) -> None:
    """At each size: the primary button `label` is inside the viewport, and on entering a step
    (`entered`) its heading too: the step opens at its top."""
    for width, height in SIZES:
        w.driver.set_window_size(width, height)
        # The page lays itself out again at the new size.
        w.wait_until(
            lambda: abs(w.driver.execute_script("return window.innerWidth") - width) < 40,
            f"the window never took the size {width}×{height}",
        )
        seen = w.driver.execute_script(IN_VIEW)
        w.shot(f"{step}-{width}x{height}")
        where = f"{step} at {width}×{height} ({w.locale})"
        assert seen["heading"] is not None, f"{where}: no heading shown"
        assert not entered or seen["heading"]["top"] >= 0, f"{where}: the heading is scrolled out of view: {seen}"
        buttons = [b for b in seen["primary"] if b["text"] == label]
        assert buttons, f"{where}: no primary button {label!r} among {seen['primary']}"
        b = buttons[0]
        assert 0 <= b["top"] and b["bottom"] <= seen["height"], f"{where}: {label!r} is below the fold: {seen}"
        assert 0 <= b["left"] and b["right"] <= seen["width"], f"{where}: {label!r} is outside the window: {seen}"
    w.driver.set_window_size(*SIZES[0])


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_the_primary_action_of_every_step_is_in_view_without_scrolling(app, locale):
    w: Window = app("--practice")
    if locale != "en":
        w.choose("header .settings select", locale)
        w.locale = locale
    w.wait_text(w.t("prepare.heading"))
    assert_in_view(w, "prepare", w.t("prepare.start"))

    w.click(w.t("prepare.start"))
    w.wait_text(w.t("check.to_repair"))
    assert_in_view(w, "check", w.t("check.to_repair"))

    w.click(w.t("check.to_repair"))
    w.wait_text(w.t("repair.heading"))
    assert_in_view(w, "repair", w.t("repair.saved"))

    repair_seed000_in_console(w)
    w.click(w.t("repair.saved"))
    w.wait_text(w.t("repair.all_saved"))
    # Still the repair step, scrolled by the learner's work in the console and the table.
    assert_in_view(w, "repair-saved", w.t("repair.start_wait"), entered=False)

    w.click(w.t("repair.start_wait"))
    # The wait step: its heading says "Waiting…" or, when nothing old was cached anywhere (a new
    # mail subdomain), "All clear" from the first round.
    w.wait_until(lambda: w.current_step() == w.t("steps.wait"), "the wait never started")
    w.wait_text(w.t("wait.to_done"), timeout=WAIT_TIMEOUT)
    assert_in_view(w, "wait", w.t("wait.to_done"))

    w.click(w.t("wait.to_done"))
    w.wait_text(w.t("done.again"))
    assert_in_view(w, "done", w.t("done.again"))
