"""Files a stranger made, and a disk with no room (issue 13): the window says in the user's
language what happened, loses nothing and never claims what it did not do."""

from __future__ import annotations

import os
import subprocess
import time

import pytest
from selenium.webdriver.remote.file_detector import UselessFileDetector

from conftest import Window


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_a_damaged_snapshot_file_is_refused_in_words(app, tmp_path, locale):
    w: Window = app()
    if locale != "en":
        w.choose("header .settings select", locale)
        w.locale = locale
    crafted = tmp_path / "customer.json"
    # Cut off half-way, with markup where a name should be.
    crafted.write_text('{"format": 1, "domain": "<img src=x onerror=alert(1)>", "taken_at": 17', encoding="utf-8")
    # The window runs on this machine: the path is typed as it is, not uploaded (WebKitWebDriver
    # has no upload command).
    w.driver.file_detector = UselessFileDetector()
    w.find("#snapshot-file").send_keys(str(crafted))
    w.wait_text(w.t("prepare.snapshot_unusable"))
    assert not w.all("img"), "markup in the file became an element"
    assert w.current_step() == w.t("steps.prepare")
    w.shot(f"snapshot-refused-{locale}")


def mount_tmpfs(path, size: str) -> bool:
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True).returncode == 0


def test_a_full_disk_is_told_and_the_previous_settings_stay(app, tmp_path):
    data = tmp_path / "data"
    if not mount_tmpfs(data, "8m"):
        pytest.skip("no tmpfs can be mounted here (not root)")
    try:
        w: Window = app()
        w.wait_text(w.t("prepare.open_snapshot"))
        store = data / "app.mxdoctor.desktop" / "mxdoctor.json"
        # Room on the disk: the language is saved.
        w.choose("header .settings select", "zh-CN")
        w.locale = "zh-CN"
        w.wait_until(lambda: store.exists() and '"zh-CN"' in store.read_text(), "the language was not saved")
        before = store.read_text()

        # The disk fills up; the user turns the technical details on.
        with open(data / "filler", "wb") as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
            except OSError:
                pass
        w.find("header .settings input[type=checkbox]").click()
        w.wait_text(w.t("save.failed"))
        w.wait_until(lambda: w.find(".save-problem").is_displayed(), "the banner is not shown")
        time.sleep(1)  # let the window paint before the picture
        w.shot("disk-full-banner-zh")
        assert store.read_text() == before, "the saved settings changed on a full disk"
        assert not [p for p in store.parent.iterdir() if p.name.endswith(".part")]

        # Room again: the next save works and the banner goes.
        os.remove(data / "filler")
        w.find("header .settings input[type=checkbox]").click()
        w.wait_until(lambda: w.t("save.failed") not in w.text(), "the banner stayed after saving worked again")
        w.shot("disk-room-again-zh")
    finally:
        subprocess.run(["umount", "-l", str(data)], capture_output=True)
