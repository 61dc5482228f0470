"""What a person may type or meet that is not what MX Doctor expects."""

from __future__ import annotations

import re
import time

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By

from conftest import Window
from steps import console_add, console_rows, english_words

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.mark.parametrize(
    "typed",
    [
        "not a domain",
        "you@",
        "a" * 300 + ".com",
        "🙂🙂.🙂",
        "exa mple.com",
        "http://",
    ],
    ids=["words", "address-without-domain", "300-characters", "emoji", "space", "empty-url"],
)
def test_bad_domain_input_gets_a_clear_inline_message(app, typed):
    w: Window = app()
    w.type_into("#domain", typed)
    message = w.wait_until(
        lambda: w.find("#domain").get_attribute("aria-invalid") == "true" and w.find("#domain-message").text,
        f"no inline message for {typed!r}",
    )
    w.shot("message")
    assert w.find("#domain-message").get_attribute("class") == "inline-error"
    assert w.find("#domain-message").get_attribute("role") == "alert"
    # A sentence, not a code or an empty line.
    assert len(message.split()) >= 3 or len(message) >= 8, message
    w.click(w.t("prepare.start"))
    # The submit checks the input again before it would move on: give it the time to.
    time.sleep(1.0)
    assert w.current_step() == w.t("steps.prepare")
    assert w.find("#domain").get_attribute("value") == typed, "the field lost what was typed"


def test_an_empty_domain_field_says_what_to_do(app):
    w: Window = app()
    w.click(w.t("prepare.start"))
    w.wait_text(w.t("prepare.empty"))
    time.sleep(1.0)
    assert w.current_step() == w.t("steps.prepare")


def test_a_hostile_txt_record_is_shown_as_text_and_runs_nothing(app):
    w: Window = app("--practice")
    # The example whose SPF lacks the include: its TXT records at @ are the evidence.
    w.choose(".practice-banner select", "spf")
    w.wait_text(w.t("check.result_heading", domain="nospf.test"))
    w.click(w.t("practice.open_console"))
    console_add(w, "@", "TXT", HOSTILE)
    assert ("@", "TXT", "—", HOSTILE) in console_rows(w)
    w.shot("console")
    w.click(w.t("practice.back"))

    # Checked again with technical details on: every raw answer, the hostile one among them,
    # and the findings' evidence.
    w.find("header .settings input[type=checkbox]").click()
    w.click(w.t("check.retry"))
    w.wait_text(w.t("check.to_repair"))
    for details in w.all("article.finding details"):
        details.find_element(By.CSS_SELECTOR, "summary").click()
    w.wait_text(HOSTILE)
    shown = w.driver.find_elements(By.XPATH, "//main//*[contains(text(), 'onerror=alert(1)')]")
    assert len(shown) >= 2, "the TXT value is not both in the evidence and in the raw answers"
    w.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", shown[0])
    w.shot("check-technical")
    assert w.driver.execute_script("return document.querySelectorAll('img').length") == 0
    try:
        w.driver.switch_to.alert
        raise AssertionError("the TXT value ran as a script (an alert opened)")
    except NoAlertPresentException:
        pass

    # Switching the language rewords what is shown, hostile record and all, without a new check.
    before = [e.text for e in w.all("article.finding h3")]
    w.choose("header .settings select", "zh-CN")
    w.locale = "zh-CN"
    w.wait_until(
        lambda: [e.text for e in w.all("article.finding h3")] not in ([], before)
        and all(re.search(r"[\u4e00-\u9fff]", e.text) for e in w.all("article.finding h3")),
        "the findings were not reworded in Chinese",
    )
    assert HOSTILE in w.text()
    w.shot("check-reworded")


def test_the_chinese_first_screen_outside_practice_has_no_english(app):
    """Outside practice mode: the first screen, the services' menu (阿里邮箱, 腾讯企业邮箱) and the
    inline message for a domain that cannot be checked, worded by the window from the core's
    typed reason, all in Chinese."""
    w: Window = app()
    w.choose("header .settings select", "zh-CN")
    w.locale = "zh-CN"
    w.wait_text(w.t("prepare.heading"))
    w.wait_until(lambda: "阿里邮箱（企业版）" in w.find("#provider").text, "the services are not named in Chinese")
    assert english_words(w) == []
    w.type_into("#domain", "a" * 300 + ".com")
    w.wait_until(lambda: w.find("#domain").get_attribute("aria-invalid") == "true", "no inline message")
    assert "253" in w.find("#domain-message").text
    assert english_words(w) == [], "the core's reason reached the Chinese window in English"
