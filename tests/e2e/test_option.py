"""The way to remove the alias that the learner picks is the plan the window shows, verifies and
waits for (seed 000, the separate mail subdomain, whose plan has no alias step)."""

from __future__ import annotations

import pytest

from conftest import Window
from steps import english_words, rows_of


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_the_option_chosen_is_the_plan_verified_and_waited_for(app, locale):
    w: Window = app("--practice")
    if locale != "en":
        w.choose("header .settings select", locale)
        w.locale = locale
        w.wait_text(w.t("prepare.heading"))
    w.click(w.t("prepare.start"))
    w.click(w.t("check.to_repair"))
    w.wait_text(w.t("repair.heading"))
    w.find("input[name='cname-option'][value='separate_subdomain']").click()
    # A heading begins as a sentence: its clause's first letter in capitals.
    heading = w.t("plan.mail_subdomain.add")
    w.wait_text(heading[:1].upper() + heading[1:])
    # The choice stays on screen although this plan has no step for the alias.
    assert len(w.all("input[name='cname-option']")) == 3
    assert w.t("plan.delete_cname.delete").lower() not in w.text().lower()
    rows = rows_of(w, "ol.plan table.rows")
    assert rows and {host for _, host, *_ in rows} == {"mail"}, rows
    w.shot("subdomain-plan")

    # Exactly these rows are asked about at the DNS host: none is there yet.
    w.click(w.t("repair.saved"))
    w.wait_text(w.t("repair.some_not_saved", count=len(rows)))
    assert len(w.all("ol.plan .saved-state.not_saved")) == len(rows)

    # The wait follows the same plan: the DNS host's servers lack the subdomain's rows, and
    # each says what was asked and what it gives instead.
    w.click(w.t("repair.wait_anyway"))
    w.wait_text(w.t("wait.heading"))
    w.wait_text(w.t("wait.not_saved"))
    w.wait_text(w.t("gap.none", type="MX"))
    assert w.t("gap.asked") in w.text()
    assert w.t("gap.alias", host="seed000.test", target="site.cdn.test") not in w.text(), "this option keeps the alias"
    w.shot("waiting-for-the-subdomain")
    if locale != "en":
        assert english_words(w) == []
    w.click(w.t("wait.start_over"))
    w.wait_text(w.t("prepare.heading"))
