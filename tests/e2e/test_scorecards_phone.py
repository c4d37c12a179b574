"""The member scorecard pages in a browser, at a desktop's size and a phone's (390×844), in
English and 繁體中文: nothing to pan to sideways (the wide members table scrolls in its own
strip), the period presets and the scorecard within the screen's width, and no script or
style refused by the Content-Security-Policy. Screenshots in /tmp/scorecard-shots/."""

import datetime as dt
from pathlib import Path

import pytest

from reports.rollup import rollup_pending
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_accessibility import BLOCKING, axe_violations, describe
from tests.e2e.test_phone_layout import OVERFLOW, within_width
from tickets import services
from tickets.constants import Status

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/scorecard-shots")


def _work(world, file_ticket, settings) -> str:
    """Three of it.agent's tickets today, two answered and resolved, rolled up; the query
    string of the week ending today."""
    settings.REPORT_TIME_ZONE = "UTC"
    for n in range(3):
        ticket = file_ticket(title=f"Laptop {n}")
        services.ticket_assign(ticket=ticket, assignee=world.it_agent, actor=world.it_lead)
        if n:
            services.comment_create(ticket=ticket, author=world.it_agent, body="On it")
            services.ticket_transition(ticket=ticket, to=Status.RESOLVED, actor=world.it_agent)
    rollup_pending()
    today = dt.datetime.now(dt.UTC).date()
    return f"?from={today - dt.timedelta(days=6)}&to={today}"


@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_scorecard_pages_fit_the_screen(world, file_ticket, open_page, language, viewport, settings):
    period = _work(world, file_ticket, settings)
    SHOTS.mkdir(exist_ok=True)
    page = open_page(world.it_lead, language=language, viewport=viewport)
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    found = []
    for name, path, primary in [
        ("members", f"/reports/teams/it/members/{period}", "#table-members th[scope=row] a"),
        ("member", f"/reports/teams/it/members/it.agent/{period}", "#table-scorecard"),
    ]:
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        page.wait_for_load_state("networkidle")
        measured = page.evaluate(OVERFLOW)
        if measured["scrollWidth"] > viewport["width"]:
            found.append(f"{name}: the page is {measured['scrollWidth']} px wide")
        found += [f"{name}: {text} sticks out" for text in measured["beyond"]]
        if viewport == PHONE and (why := within_width(page, "main .chip")):
            found.append(f"{name}: {why}")
        assert page.locator(primary).count() >= 1, f"{name}: {primary} missing"
        page.screenshot(path=SHOTS / f"{language}-{viewport['width']}-{name}.png", full_page=True)

    assert not found, "\n".join(found)
    assert not refused, refused


def test_the_scorecard_pages_have_no_serious_accessibility_violation(world, file_ticket, open_page, settings):
    period = _work(world, file_ticket, settings)
    page = open_page(world.it_lead, viewport=DESKTOP, bypass_csp=True)
    problems = []
    for path in (f"/reports/teams/it/members/{period}", f"/reports/teams/it/members/it.agent/{period}"):
        assert page.goto(path).status == 200
        page.wait_for_load_state("networkidle")
        problems += [describe(path, violation) for violation in axe_violations(page)
                     if violation["impact"] in BLOCKING]

    assert not problems, "\n".join(problems)
