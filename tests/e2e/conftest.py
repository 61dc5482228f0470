"""End-to-end harness: the real MX Doctor window under Xvfb, driven through tauri-driver.

Every process is started here and stopped by its PID (its process group). Each test gets its
own store (XDG_DATA_HOME) and its own practice DNS port, so tests never see each other's
state, and a screenshot of every step lands in target/e2e/<test>/.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import urllib3
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.webelement import WebElement

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "target" / "e2e"
APP = Path(os.environ.get("MXDOCTOR_APP", ROOT / "target" / "debug" / "mxdoctor-app"))
TAURI_DRIVER = shutil.which("tauri-driver") or str(Path.home() / ".cargo" / "bin" / "tauri-driver")
# A lookup against a dead loopback server takes seconds; a practice wait about a minute.
STEP_TIMEOUT = 20.0


def load_catalog(name: str) -> dict[str, str]:
    """The window's message catalog (ui/src/i18n/<name>.ts), so tests click what users read."""
    text = (ROOT / "ui" / "src" / "i18n" / f"{name}.ts").read_text(encoding="utf-8")
    entries = {}
    for m in re.finditer(r"^\s*'([a-z_.0-9A-Z]+)':\s*(?:'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"),?\s*$", text, re.M):
        value = m.group(2) if m.group(2) is not None else m.group(3)
        entries[m.group(1)] = value.replace("\\'", "'").replace('\\"', '"')
    return entries


CATALOGS = {"en": load_catalog("en"), "zh-CN": load_catalog("zh-CN")}


# Each step keeps its main buttons in a bar stuck to the bottom of the window. A person scrolls
# what they are about to click into view above it; WebDriver scrolls an element only to the
# window's bottom edge, under the bar, and then reports the click as intercepted. So every click
# first brings its element to the middle of the view, as a person would.
_webdriver_click = WebElement.click


def _click_in_view(self: WebElement) -> None:
    try:
        self.parent.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'nearest'})", self)
    except WebDriverException:
        pass
    _webdriver_click(self)


WebElement.click = _click_in_view


def free_port(host: str = "127.0.0.1", kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def practice_port() -> int:
    """A port free for UDP and TCP on the practice world's addresses."""
    for _ in range(50):
        port = free_port("127.0.0.11", socket.SOCK_DGRAM)
        try:
            for host in ("127.0.0.11", "127.0.0.12", "127.0.0.21", "127.0.0.22", "127.0.0.23"):
                for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                    with socket.socket(socket.AF_INET, kind) as s:
                        s.bind((host, port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port for the practice DNS world")


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def stop_group(proc: subprocess.Popen) -> None:
    """Stops a process started with its own session, and everything it started."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=5)


@pytest.fixture(scope="session")
def display():
    """An X server of our own (Xvfb picks a free display number and tells it on a pipe)."""
    if not APP.exists():
        pytest.exit(f"{APP} is missing: build it first (scripts/e2e does)", returncode=2)
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        start_new_session=True,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as f:
        number = f.readline().strip()
    if not number:
        stop_group(xvfb)
        pytest.exit("Xvfb did not start", returncode=2)
    yield f":{number}"
    stop_group(xvfb)


class Window:
    """One run of the app: a tauri-driver process and a WebDriver session on its window."""

    def __init__(self, driver: webdriver.Remote, tauri_driver: subprocess.Popen, shots: Path, counter: list[int], display: str):
        self.driver = driver
        self.display = display
        self._tauri_driver = tauri_driver
        self._shots = shots
        self._counter = counter
        self.locale = "en"
        self.closed = False

    # -- reading and acting ---------------------------------------------------------------

    def t(self, key: str, **args: object) -> str:
        """A message as the window shows it in its current language; a message in plural forms
        (`KEY_one`, `KEY_other`) in the form its first number picks, as `Intl.PluralRules` does."""
        catalog = CATALOGS[self.locale]
        if key not in catalog and f"{key}_other" in catalog:
            n = next((v for v in args.values() if isinstance(v, int)), None)
            one = self.locale == "en" and n == 1 and f"{key}_one" in catalog
            key = f"{key}_one" if one else f"{key}_other"
        text = catalog[key]
        for name, value in args.items():
            text = text.replace("{" + name + "}", str(value))
        return text

    def prefix(self, key: str) -> str:
        """A message's words before its first placeholder."""
        return CATALOGS[self.locale][key].split("{")[0].strip()

    def text(self) -> str:
        return self.driver.execute_script("return document.body.innerText")

    def wait_until(self, what, message: str, timeout: float = STEP_TIMEOUT, every: float = 0.2):
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            try:
                got = what()
                if got:
                    return got
            except WebDriverException as e:  # the page is between two renders
                last_error = e
            time.sleep(every)
        self.shot("timed-out")
        raise AssertionError(f"{message} (waited {timeout:.0f} s){f': {last_error}' if last_error else ''}")

    def wait_text(self, text: str, timeout: float = STEP_TIMEOUT) -> None:
        self.wait_until(lambda: text in self.text(), f"the window never showed {text!r}", timeout)

    def button(self, label: str, timeout: float = STEP_TIMEOUT) -> WebElement:
        xpath = f"//button[normalize-space()={xpath_literal(label)} or @aria-label={xpath_literal(label)}]"

        def visible():
            return next((b for b in self.driver.find_elements(By.XPATH, xpath) if b.is_displayed() and b.is_enabled()), None)

        return self.wait_until(visible, f"no button {label!r}", timeout)

    def click(self, label: str, timeout: float = STEP_TIMEOUT) -> None:
        self.button(label, timeout).click()

    def find(self, css: str) -> WebElement:
        return self.wait_until(lambda: next(iter(self.driver.find_elements(By.CSS_SELECTOR, css)), None), f"nothing matches {css!r}")

    def all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def type_into(self, css: str, text: str) -> None:
        field = self.find(css)
        field.clear()
        if any(ord(c) > 0xFFFF for c in text):
            # WebKitWebDriver cannot type characters beyond the BMP (emoji): paste them.
            self.driver.execute_script(
                "arguments[0].value = arguments[1];"
                "arguments[0].dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));",
                field,
                text,
            )
        else:
            field.send_keys(text)

    def choose(self, css: str, value: str) -> None:
        """Picks an option of a <select> by value, as a user's click would (change event)."""
        self.driver.execute_script(
            "const s = document.querySelector(arguments[0]); s.value = arguments[1];"
            "s.dispatchEvent(new Event('change', { bubbles: true }));",
            css,
            value,
        )

    def clipboard(self) -> str:
        """What the clipboard of the window's display holds (read with xclip)."""
        return subprocess.run(
            ["xclip", "-o", "-selection", "clipboard"],
            env=dict(os.environ, DISPLAY=self.display),
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout

    def current_step(self) -> str:
        return self.find("[aria-current='step']").text

    def shot(self, name: str) -> Path:
        self._counter[0] += 1
        path = self._shots / f"{self._counter[0]:02d}-{name}.png"
        try:
            self.driver.save_screenshot(str(path))
        except WebDriverException:
            pass
        return path

    # -- ending -------------------------------------------------------------------------

    def close_window(self) -> None:
        """Closes the window as a user would; the app ends with its last window."""
        try:
            self.driver.close()
        except WebDriverException:
            pass
        self.quit()

    def quit(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self.driver.quit()
        except (WebDriverException, urllib3.exceptions.HTTPError, OSError):
            pass
        finally:
            # Whatever the session said, the driver and the app it started go.
            stop_group(self._tauri_driver)


def xpath_literal(s: str) -> str:
    if "'" not in s:
        return f"'{s}'"
    if '"' not in s:
        return f'"{s}"'
    return "concat(" + ", \"'\", ".join(f"'{part}'" for part in s.split("'")) + ")"


@pytest.fixture
def app(display, tmp_path, request):
    """Opens the app: `app()` or `app("--practice")`; every window is closed at the end.

    Windows opened by one test share its store and practice port, so a second `app()` is the
    same user starting MX Doctor again.
    """
    shots = SHOTS / request.node.name
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    counter = [0]
    data = tmp_path / "data"
    data.mkdir()
    port = practice_port()
    windows: list[Window] = []

    def open_window(*args: str, extra_env: dict[str, str] | None = None) -> Window:
        driver_port = free_port()
        env = dict(
            os.environ,
            **(extra_env or {}),
            DISPLAY=display,
            XDG_DATA_HOME=str(data),
            XDG_CONFIG_HOME=str(tmp_path / "config"),
            MXDOCTOR_PRACTICE_PORT=str(port),
            LANG="en_US.UTF-8",
            LC_ALL="",
            LANGUAGE="",
        )
        env.pop("WAYLAND_DISPLAY", None)
        log = open(shots / f"tauri-driver-{len(windows)}.log", "wb")
        proc = subprocess.Popen(
            [TAURI_DRIVER, "--port", str(driver_port), "--native-port", str(free_port())],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for_port(driver_port)
            options = ArgOptions()
            options.set_capability("browserName", "wry")
            options.set_capability("tauri:options", {"application": str(APP), "args": list(args)})
            url = f"http://127.0.0.1:{driver_port}"
            driver = None
            for attempt in range(20):
                try:
                    driver = webdriver.Remote(command_executor=url, options=options, client_config=ClientConfig(url))
                    break
                except (WebDriverException, ConnectionError, OSError, urllib3.exceptions.HTTPError):
                    # tauri-driver listens before WebKitWebDriver does: ask again.
                    if attempt == 19:
                        raise
                    time.sleep(0.25)
        except Exception:
            stop_group(proc)
            raise
        window = Window(driver, proc, shots, counter, display)
        windows.append(window)
        # The window is ready once the first screen has rendered past "Loading".
        window.wait_until(lambda: window.all("main > *") and window.t("app.loading") not in window.text(), "the window never finished loading")
        return window

    yield open_window
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for w in windows:
        try:
            if failed and not w.closed:
                w.shot("failed")
        finally:
            w.quit()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    setattr(item, f"rep_{rep.when}", rep)
    return rep
