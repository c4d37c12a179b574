"""The quarterly review in a browser: the service admin opens the current quarter's review,
records "tighten P2 first response from 4 h to 2 h" through the decision form (an htmx partial
update), applies it and sees the new version of the standard, at desktop size and at a phone's
(390 px: nothing to pan to sideways), with no Content-Security-Policy violation or console
error. Screenshots in /tmp/review-shots/."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from reviews.models import ReviewItem, StandardReview
from sla.models import ServiceStandard, SLAOutcome
from sla.standards.service_standards import standard_save
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_content_security_policy import WATCH_VIOLATIONS
from tests.e2e.test_phone_layout import OVERFLOW
from tests.factories import CalendarFactory
from tickets.constants import Priority

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/review-shots")


def _outcomes(world, standard, ticket, n, seconds):
    """n met first responses of `ticket` under `standard`, decided an hour ago (this quarter)."""
    at = timezone.now() - dt.timedelta(hours=1)
    SLAOutcome.objects.bulk_create(SLAOutcome(
        ticket=ticket, kind="first_response", cycle=100 + i, standard=standard, standard_version=standard.version,
        team=standard.team, priority=Priority.P2, started_at=at - dt.timedelta(seconds=seconds), stopped_at=at,
        due_at=at, target_minutes=standard.first_response_minutes, business_seconds=seconds,
        wall_seconds=seconds, paused_seconds=0, met=True, breached_by_seconds=0, decided_at=at) for i in range(n))


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_admin_tightens_p2_first_response_from_4_h_to_2_h(world, file_ticket, open_page, viewport):
    size = DESKTOP if viewport == "desktop" else PHONE
    standard = standard_save(actor=world.admin, name="IT P2", team=world.it, calendar=CalendarFactory(),
                             priority=Priority.P2, first_response_minutes=240, resolution_minutes=960)
    before = file_ticket(priority=Priority.P2, title="Filed before the review")
    _outcomes(world, standard, before, 25, 40 * 60)  # p90 40 min of 4 h: flagged "could be tightened"
    SHOTS.mkdir(exist_ok=True)
    page = open_page(world.admin, viewport=size)
    problems: list[str] = []
    page.context.expose_function("reportCspViolation", lambda text: problems.append(f"{page.url}: CSP {text}"))
    page.add_init_script(WATCH_VIOLATIONS)
    page.on("console", lambda m: problems.append(f"{page.url}: console {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"{page.url}: page error {e}"))

    def fits(name):
        measured = page.evaluate(OVERFLOW)
        if viewport == "phone" and measured["scrollWidth"] > PHONE["width"]:
            problems.append(f"{name}: the page is {measured['scrollWidth']} px wide")
        if viewport == "phone":
            problems.extend(f"{name}: {text} sticks out" for text in measured["beyond"])
        # caret="initial": hiding the caret leaves style="" on every input, which htmx copies
        # during a swap (and the Content-Security-Policy then refuses).
        page.screenshot(path=SHOTS / f"{viewport}-{name}.png", full_page=True, caret="initial")

    # The admin opens the review of the current quarter from the list.
    page.goto("/reviews/")
    fits("list")
    page.locator("main form[action$='/reviews/open/'] button[type=submit]").click()
    page.wait_for_load_state()
    review = StandardReview.objects.get()
    assert page.url.endswith(f"/reviews/{review.pk}/") and review.state == "open"
    item = ReviewItem.objects.get(review=review, standard=standard)
    card = page.locator(f"#item-{item.pk}")
    assert "could be tightened" in card.locator(".review-flags").inner_text()
    fits("opened")

    # Records "tighten P2 first response from 4 h to 2 h" (the form is swapped in place).
    form = card.locator("form.review-decision-form")
    form.locator("select[name=decision]").select_option("tighten")
    form.locator("input[name=first_response_minutes]").fill("120")
    form.locator("textarea[name=note]").fill("P2 first response from 4 h to 2 h: p90 is 40 min")
    form.locator("button[type=submit]").click()
    decided = card.locator(".review-decided")
    decided.wait_for()
    assert "2 h" in decided.inner_text() and page.url.endswith(f"/reviews/{review.pk}/")
    fits("decided")

    # Applies it: the new version of the standard exists and is linked.
    card.locator("form[action$='/apply/'] button").click()
    card.locator(".review-applied").wait_for()
    assert "version 2" in card.locator(".review-applied").inner_text()
    new = ServiceStandard.objects.get(lineage=standard.lineage, is_current=True)
    assert (new.version, new.first_response_minutes) == (2, 120)
    fits("applied")
    card.locator(".review-applied a").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/service-standards/{new.pk}/history/")
    assert page.locator(f"main a[href='/reviews/{review.pk}/']").count() >= 1  # the change log names the review
    fits("new-version")

    after = file_ticket(priority=Priority.P2, title="Filed after the review")
    assert before.sla_clocks.get(kind="first_response").standard_id == standard.pk
    assert after.sla_clocks.get(kind="first_response").standard_id == new.pk
    assert problems == [], "\n".join(problems)
