"""Each practice example walked to the summary in the real window, by a person's hands, doing
exactly the rows the repair step shows (issue 12): seed 001 (the old provider's MX rows hidden
beside the alias), seed 004 (an MX that names an alias, no mailbox service known) and the two
ways to remove seed 000's alias that the main walk does not take (move it to www, a separate
mail subdomain), in English and in Simplified Chinese. The wait must clear, and the summary must
list every row shown as seen saved at the DNS host and none as never seen saved."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from conftest import Window
from steps import WAIT_TIMEOUT, confirm_delete, console_add, console_rows, english_words, rows_of

WALKS = [
    # (practice example, alias option or None, the domain)
    ("seed001", None, "seed001.test"),
    ("seed004", None, "aliasmx.test"),
    ("seed000", "move_cname", "seed000.test"),
    ("seed000", "separate_subdomain", "seed000.test"),
]


def bare(value: str) -> str:
    return value.strip().rstrip(".").lower()


def console_buttons(w: Window, index: int):
    return w.all(".practice-console tbody tr")[index].find_elements(By.CSS_SELECTOR, "button")


def delete_console_row(w: Window, index: int) -> None:
    before = len(console_rows(w))
    console_buttons(w, index)[1].click()  # Delete
    confirm_delete(w, w.all(".practice-console tbody tr")[index])
    w.wait_until(lambda: len(console_rows(w)) == before - 1, "the console kept the row")


def do_row(w: Window, row: tuple[str, ...]) -> None:
    """One row of the repair table, done in the practice console as the table says."""
    action, host, rtype, priority, value = row
    priority = "" if priority == "—" else priority
    if "delete" in action:
        if value.startswith("all except "):
            keep = {bare(k) for k in value[len("all except "):].split()}
            doomed = lambda r: r[0] == host and r[1] == rtype and bare(r[3]) not in keep  # noqa: E731
        else:
            doomed = lambda r: r[0] == host and r[1] == rtype and bare(r[3]) == bare(value)  # noqa: E731
        while True:
            rows = console_rows(w)
            index = next((i for i, r in enumerate(rows) if doomed(r)), None)
            if index is None:
                break
            delete_console_row(w, index)
    elif "add" in action:
        # A row the console already lists (one to add if not there yet) is not added twice.
        there = any(r[0] == host and r[1] == rtype and bare(r[3]) == bare(value) for r in console_rows(w))
        if not there:
            console_add(w, host, rtype, value, priority)
    elif "change" in action:
        # The table shows the new value; the console row to edit is the one of that host and
        # type whose value is not it yet.
        rows = console_rows(w)
        index = next(i for i, r in enumerate(rows) if r[0] == host and r[1] == rtype and bare(r[3]) != bare(value))
        console_buttons(w, index)[0].click()  # Edit
        if priority:
            w.type_into("#c-priority", priority)
        w.type_into("#c-value", value)
        w.click(w.t("practice.save"))
        w.wait_until(lambda: not w.all(".console-form"), "the console kept its form open (the row was refused?)")
    else:
        raise AssertionError(f"a row with no action: {row}")


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
@pytest.mark.parametrize("example,option,domain", WALKS, ids=[f"{e}-{o or 'plan'}" for e, o, _ in WALKS])
def test_the_plan_shown_done_by_hand_clears_the_wait(app, locale, example, option, domain):
    w: Window = app("--practice")
    if locale != "en":
        w.choose("header .settings select", locale)
        w.locale = locale
        w.wait_text(w.t("prepare.heading"))
    if example == "seed000":
        w.click(w.t("prepare.start"))
    else:
        w.choose(".practice-banner select", example)
        w.wait_text(w.t("practice.banner", domain=domain))
    w.click(w.t("check.to_repair"))
    w.wait_text(w.t("repair.heading"))
    if option:
        w.find(f"input[name='cname-option'][value='{option}']").click()
    rows = rows_of(w, "ol.plan table.rows")
    assert rows, "a plan to follow"
    if example == "seed001":
        # The old provider's rows hide beside the alias: every MX row but Alibaba's goes first.
        assert rows[0][:3] == ("delete", "@", "MX") and rows[0][4].startswith("all except "), rows
    if option == "move_cname":
        assert ("add", "www", "CNAME", "—", "site.cdn.test") in rows, rows
    if option == "separate_subdomain":
        assert {host for _, host, *_ in rows} == {"mail"}, rows
    w.shot("plan")
    if locale != "en":
        assert english_words(w) == []

    w.click(w.t("practice.open_console"))
    w.find(".practice-console")
    for row in rows:
        do_row(w, row)
    w.shot("console-done")
    w.click(w.t("practice.back"))

    # Every row shown is saved at the DNS host; the wait follows the same rows to the end.
    w.click(w.t("repair.saved"))
    w.wait_text(w.t("repair.all_saved"))
    w.click(w.t("repair.start_wait"))
    # The wait step: its heading says "Waiting…" or, when nothing old was cached anywhere (a new
    # mail subdomain), "All clear" from the first round.
    w.wait_until(lambda: w.current_step() == w.t("steps.wait"), "the wait never started")
    w.wait_text(w.t("wait.clear"), timeout=WAIT_TIMEOUT)
    w.shot("cleared")
    w.click(w.t("wait.to_done"))
    if example == "seed004":
        # No mailbox service is known: the rows were checked, not the mail servers, so the
        # summary does not say mail works again.
        w.wait_text(w.t("done.heading_rows", domain=domain))
    elif option == "separate_subdomain":
        # Mail now arrives at the subdomain; the domain keeps its alias.
        w.wait_text(w.t("done.heading", domain="mail." + domain))
    else:
        w.wait_text(w.t("done.heading", domain=domain))
    assert w.t("done.seen_saved") in w.text()
    assert w.t("done.never_saved") not in w.text()
    seen = rows_of(w, "main table.rows")
    assert sorted(seen) == sorted(rows), (seen, rows)
    w.shot("done")
    if locale != "en":
        assert english_words(w) == []
