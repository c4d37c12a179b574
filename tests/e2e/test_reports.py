"""The lead's team report in a browser, in English and 简体中文, at desktop width and at a
phone's (390 px): the charts are drawn (a canvas on screen, resized with the window), nothing
to pan to sideways, nothing refused by the Content-Security-Policy, and a click on the
breached count of the headline lands on the list of exactly those tickets. Screenshots in
/tmp/report-shots/."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_content_security_policy import WATCH_VIOLATIONS
from tests.e2e.test_phone_layout import OVERFLOW, open_menu, within_width
from tests.factories import ServiceStandardFactory
from tests.reports.seed import NOW, ZONE, seed_week
from tests.sla.outcome_drivers import PinnedClock
from tickets.models import Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/report-shots")
WEEK = "period=custom&from=2026-09-21&to=2026-09-27"


@pytest.fixture
def seeded(world, file_ticket, settings):
    """The seeded week (tests/reports/seed.py), filed on its own pinned clock; the browser
    and the server then run on the real one."""
    settings.REPORT_TIME_ZONE = ZONE
    with pytest.MonkeyPatch.context() as patch:
        clock = PinnedClock(NOW)
        patch.setattr(timezone, "now", clock)
        clock.set(NOW - dt.timedelta(days=30))
        ServiceStandardFactory(team=world.it, name="IT round the clock", first_response_minutes=60,
                               next_response_minutes=120, resolution_minutes=480)
        return seed_week(world, file_ticket, clock)


def _watch(page, problems):
    page.context.expose_function("reportCspViolation", lambda text: problems.append(f"{page.url}: CSP {text}"))
    page.context.add_init_script(WATCH_VIOLATIONS)
    page.on("console", lambda m: problems.append(f"{page.url}: console {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"{page.url}: page error {e}"))


def _chart_width(page) -> float:
    canvas = page.locator("[data-report-chart] canvas").first
    canvas.wait_for(state="visible")
    return canvas.bounding_box()["width"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_lead_reads_the_report_and_drills_into_the_breaches(world, seeded, open_page, language):
    SHOTS.mkdir(exist_ok=True)
    problems: list[str] = []

    # Given it.lead at a desktop, through the header's Reports link and the index
    page = open_page(world.it_lead, language=language, viewport=DESKTOP)
    _watch(page, problems)
    page.goto("/")
    page.locator("header nav.mainnav a[href='/reports/']").click()
    page.wait_for_url(re.compile(r"/reports/$"))
    page.locator("main a[href='/reports/teams/it/']").click()
    page.wait_for_url(re.compile(r"/reports/teams/it/"))

    # When the seeded week is chosen in the filters
    page.fill("#report-from", "2026-09-21")
    page.fill("#report-to", "2026-09-27")
    # (typing the dates chose the custom period)
    assert page.locator("#report-period").input_value() == "custom"
    page.locator("form.report-filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"from=2026-09-21"))
    page.wait_for_load_state("networkidle")

    # Then the charts are drawn across the page, and follow the window to a phone's width
    desktop_width = _chart_width(page)
    assert desktop_width > 600
    assert page.locator("[data-report-chart] canvas").count() >= 2
    # (the tooltip is drawn in the canvas too: hovering it breaks no policy)
    page.locator("[data-report-chart]").first.hover()
    page.wait_for_timeout(300)
    page.screenshot(path=SHOTS / f"{language}-team-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(400)
    assert _chart_width(page) <= PHONE["width"]
    page.set_viewport_size(DESKTOP)

    # When the lead clicks the breached first responses of the headline
    breached = page.locator("#card-first_response a.report-breached")
    assert re.match(r"^2\b", breached.inner_text().strip()), breached.inner_text()
    breached.click()
    page.wait_for_url(re.compile(r"/reports/list/\?.*figure=breached"))

    # Then the list holds exactly the two tickets whose first response was late
    references = set(page.locator("#report-list td.ref a").all_inner_texts())
    expected = {t.reference for t in Ticket.objects.filter(pk__in=seeded.breached_first_response)}
    assert references == expected
    page.screenshot(path=SHOTS / f"{language}-breached-list.png", full_page=True)

    # And at a phone's width the report fits: nothing to pan to sideways, the chart on screen
    phone = open_page(world.it_lead, language=language, viewport=PHONE)
    _watch(phone, problems)
    for name, path in (("team-phone", f"/reports/teams/it/?{WEEK}"), ("index-phone", "/reports/"),
                       ("list-phone", f"/reports/list/?figure=created&team={world.it.pk}&from=2026-09-21"
                                      "&to=2026-09-27")):
        response = phone.goto(path)
        assert response.status == 200, path
        phone.wait_for_load_state("networkidle")
        measured = phone.evaluate(OVERFLOW)
        found = [f"{name}: the page is {measured['scrollWidth']} px wide"] if measured["scrollWidth"] > PHONE["width"] \
            else []
        found += [f"{name}: {text} sticks out" for text in measured["beyond"]]
        assert not found, "\n".join(found)
        if name == "team-phone":
            assert _chart_width(phone) <= PHONE["width"]
            assert within_width(phone, "[data-report-chart] canvas") is None
            assert within_width(phone, "#card-first_response a.report-breached") is None
        phone.screenshot(path=SHOTS / f"{language}-{name}.png", full_page=True)
    open_menu(phone)
    assert within_width(phone, "header a[href='/reports/']") is None

    assert problems == []


def test_the_report_pages_have_no_serious_accessibility_violation(world, seeded, open_page):
    from tests.e2e.test_accessibility import BLOCKING, axe_violations, describe

    page = open_page(world.it_lead, viewport=DESKTOP, bypass_csp=True)
    problems = []
    for path in ("/reports/", f"/reports/teams/it/?{WEEK}",
                 f"/reports/list/?figure=breached&kind=first_response&team={world.it.pk}&from=2026-09-21"
                 "&to=2026-09-27"):
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        problems += [describe(path, violation) for violation in axe_violations(page) if violation["impact"] in BLOCKING]
    assert not problems, "\n".join(problems)
