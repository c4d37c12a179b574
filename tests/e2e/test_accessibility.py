"""axe-core, the accessibility engine, finds no serious or critical violation on any main
page at desktop width, each seen by the persona who uses it.

axe is vendored (tests/e2e/vendor/axe-core/axe.min.js, npm axe-core 4.14.1, MPL-2.0, with
its licence): the tests need no network. The pages' Content-Security-Policy admits only
their own scripts, so this test's browser contexts bypass it to inject axe
(tests/e2e/test_content_security_policy.py checks the policy itself)."""

from pathlib import Path

import pytest

from notifications.models import Notification
from tests.e2e.conftest import DESKTOP

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def axe_violations(page):
    """axe's violations on the page as it is now, with the default rules (WCAG 2.x A and AA,
    and axe's best practices); and the contrasts that axe measured too low but left to a
    person because the text is short (one or two characters: it might be an icon), such as
    the header's count of unread notifications."""
    page.add_script_tag(path=AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations', 'incomplete']})")
    violations = result["violations"]
    for rule in result["incomplete"]:
        if rule["id"] != "color-contrast":
            continue
        too_low = [node for node in rule["nodes"] if _contrast_too_low(node["any"][0].get("data") or {})]
        if too_low:
            violations.append({**rule, "nodes": too_low})
    return violations


def _contrast_too_low(data):
    if data.get("messageKey") != "shortTextContent" or not data.get("bgColor"):
        return False
    return data["contrastRatio"] < float(data["expectedContrastRatio"].removesuffix(":1"))


def describe(where, violation):
    nodes = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:5])
    return f"{where}: {violation['impact']} {violation['id']} ({violation['help']}) at {nodes}"


def test_the_main_pages_have_no_serious_accessibility_violation(world, main_pages, open_page):
    # an unread notification each, so that the header's badge is on every page
    for user in (world.alice, world.it_agent, world.it_lead, world.admin):
        Notification.objects.create(user=user, event="ticket_replied", title="A reply", body="Desk 4")

    pages = {}
    problems = []
    for main_page in main_pages:
        if main_page.persona not in pages:
            user = getattr(world, main_page.persona) if main_page.persona else None
            pages[main_page.persona] = open_page(user, viewport=DESKTOP, bypass_csp=True)
        page = pages[main_page.persona]
        response = page.goto(main_page.path)
        assert response.status == 200, f"{main_page.path}: {response.status}"
        page.wait_for_load_state("networkidle")
        problems += [describe(f"{main_page.name} ({main_page.path})", violation)
                     for violation in axe_violations(page) if violation["impact"] in BLOCKING]

    assert not problems, "\n".join(problems)
