"""A second launch of MX Doctor hands over to the running window and ends, instead of opening a
rival window that writes the same saved state (issue 13). Instances find each other on the
desktop's session bus: the test starts one of its own."""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path

from conftest import APP, Window, stop_group


def windows_titled(display: str, title: str) -> int:
    """How many top-level windows on `display` carry `title` (xwininfo lists every window)."""
    tree = subprocess.run(
        ["xwininfo", "-root", "-tree", "-display", display],
        capture_output=True,
        text=True,
        timeout=10,
    ).stdout
    return sum(1 for line in tree.splitlines() if f'"{title}"' in line)


@contextlib.contextmanager
def session_bus(tmp_path: Path):
    """A desktop session bus of the test's own: instances of MX Doctor find each other on it.
    Yields its address."""
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1", f"--address=unix:path={tmp_path / 'bus'}"],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        address = bus.stdout.readline().strip()
        assert address, "the session bus did not start"
        yield address
    finally:
        stop_group(bus)


def second_launch(display: str, address: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """The same user starts MX Doctor again (same data folder, same desktop session)."""
    env = dict(
        os.environ,
        DISPLAY=display,
        DBUS_SESSION_BUS_ADDRESS=address,
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    env.pop("WAYLAND_DISPLAY", None)
    return subprocess.run([str(APP), *args], env=env, capture_output=True, timeout=60)


def test_a_second_launch_leaves_one_window(app, display, tmp_path):
    with session_bus(tmp_path) as address:
        w: Window = app("--practice", extra_env={"DBUS_SESSION_BUS_ADDRESS": address})
        title = "MX Doctor"
        w.wait_until(lambda: windows_titled(display, title) == 1, "the first window is not on the display")
        w.shot("first-window")

        second = second_launch(display, address, tmp_path)
        assert second.returncode == 0, second.stderr.decode(errors="replace")

        # One window still, and it is the first one, working.
        assert windows_titled(display, title) == 1
        assert w.t("practice.banner", domain="seed000.test") in w.text()
        w.shot("after-second-launch")


def test_a_second_launch_with_practice_turns_the_open_window_to_practice(app, display, tmp_path):
    """scripts/run with no internet starts `mxdoctor-app --practice`: with a window already
    open, that window goes into practice mode instead of the request being dropped."""
    with session_bus(tmp_path) as address:
        w: Window = app(extra_env={"DBUS_SESSION_BUS_ADDRESS": address})
        w.wait_text(w.t("prepare.heading"))
        assert w.t("practice.banner", domain="seed000.test") not in w.text()
        second = second_launch(display, address, tmp_path, "--practice")
        assert second.returncode == 0, second.stderr.decode(errors="replace")
        w.wait_text(w.t("practice.banner", domain="seed000.test"))
        assert windows_titled(display, "MX Doctor") == 1
        w.shot("practice-after-second-launch")
