"""Every main page, for each persona, in English and 简体中文, keeps to the
Content-Security-Policy (no inline script, style or handler is refused) with no console
error; and the htmx interactions still work under it (no eval, no inline handlers)."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from sla.standards.calendars import calendar_save
from sla.standards.chains import chain_save
from sla.standards.service_standards import standard_save
from tests.conftest import set_sla
from tests.e2e.conftest import PASSWORD
from tickets.services.workspace import canned_response_save

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Runs before any page script (Playwright injects it outside the page's CSP); the browser
# fires `securitypolicyviolation` for each thing the policy refused.
WATCH_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.reportCspViolation(`${e.violatedDirective} blocked=${e.blockedURI} at ${e.sourceFile}:${e.lineNumber} `
                            + `sample=${e.sample}`);
});
"""


@pytest.fixture
def browse(chromium, live_server):
    """open(user, language) → (page, problems): a browser context in that language (signed in
    as `user` when given) whose CSP violations, console errors, page errors and failed
    loads, each with the page's URL, land in `problems`."""
    contexts = []

    def _open(user, language):
        context = chromium.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        problems: list[str] = []
        page = context.new_page()
        context.expose_function("reportCspViolation", lambda text: problems.append(f"{page.url}: CSP {text}"))
        context.add_init_script(WATCH_VIOLATIONS)
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page.on("console", lambda m: problems.append(f"{page.url}: console {m.text}")
                if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
        # a failed load with its URL (the console's own line has none); browsers ask for
        # /favicon.ico of pages that name no icon (the API's)
        page.on("response", lambda r: problems.append(f"{page.url}: {r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
        page.on("pageerror", lambda e: problems.append(f"{page.url}: page error {e}"))
        page.goto("/accounts/login/")
        assert page.locator("html").get_attribute("lang") == language
        if user is not None:
            page.fill("#id_username", user.username)
            page.fill("#id_password", PASSWORD)
            page.locator("main form button[type=submit]").click()
            page.wait_for_load_state()
            assert "/accounts/login/" not in page.url, f"{user.username} could not sign in"
        return page, problems

    yield _open
    for context in contexts:
        context.close()


def visit(page, path):
    response = page.goto(path)
    assert response.status == 200, f"{path}: {response.status}"
    assert "script-src 'self'" in response.headers["content-security-policy"].split("; ")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def desk(world, file_ticket):
    """A ticket in the IT queue with two on-track neighbours, a canned response, and one
    service standard with its calendar and chain, edited once (so its history has rows)."""
    now = dt.datetime.now(dt.UTC)
    h = dt.timedelta(hours=1)
    calendar = calendar_save(
        actor=world.admin, name="Shanghai office", timezone="Asia/Shanghai",
        working_hours=[{"weekday": d, "start": dt.time(9), "end": dt.time(18)} for d in range(5)],
        holidays=[{"date": dt.date(2026, 10, 1), "end_date": dt.date(2026, 10, 7), "name": "National Day"}],
        extra_working_days=[],
    )
    chain = chain_save(actor=world.admin, name="Standard escalation", description="", levels=[
        {"order": 1, "trigger": "percent", "percent": 75, "notify_assignee": True},
    ])
    standard = standard_save(actor=world.admin, name="IT default", team=world.it, calendar=calendar,
                             first_response_minutes=60, resolution_minutes=480, escalation_chain=chain)
    standard = standard_save(actor=world.admin, standard=standard, resolution_minutes=960)
    tickets = [file_ticket(title=f"Printer {i}") for i in range(3)]
    for ticket in tickets:
        set_sla(ticket, warn=now + h, due=now + 2 * h)
    canned_response_save(team=world.it, title="Desk 4", body="Please bring it to desk 4.")
    return {"ticket": tickets[0], "standard": standard, "calendar": calendar, "chain": chain}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_main_pages_keep_to_the_content_security_policy(world, desk, browse, language):
    ticket = desk["ticket"]

    # anonymous: the login page
    _page, anonymous = browse(None, language)

    # a requester: portal, catalog, a new request, her requests, her ticket
    alice, requester = browse(world.alice, language)
    for path in ["/", "/catalog/", f"/catalog/{world.laptop.pk}/new/", "/my-requests/", f"/tickets/{ticket.pk}/",
                 "/notifications/", "/accounts/profile/"]:
        visit(alice, path)

    # an agent: the queue (a tab switch), the ticket page (canned response, preview and reply by htmx)
    agent, agent_problems = browse(world.it_agent, language)
    visit(agent, "/queues/it/")
    agent.locator("a.tab-unassigned").click()
    agent.wait_for_url(re.compile(r"view=unassigned"))
    visit(agent, f"/tickets/{ticket.pk}/")
    agent.select_option("#canned-select", label="Desk 4")
    expect(agent.locator("#id_body")).to_have_value(re.compile("desk 4"))
    expect(agent.locator("#canned-select")).to_have_value("")  # reset after the request
    agent.fill("#id_body", "**Desk 4** this afternoon.")
    agent.locator("#reply button[hx-post]").click()
    agent.locator("#reply-preview strong", has_text="Desk 4").wait_for()
    agent.locator("#reply button[type=submit]").first.click()
    agent.wait_for_load_state("networkidle")
    assert ticket.comments.count() == 1

    # the lead: dashboard, team settings, and the queue's filters and select-all (htmx)
    lead, lead_problems = browse(world.it_lead, language)
    for path in ["/dashboard/", "/queues/it/settings/", "/queues/it/"]:
        visit(lead, path)
    lead.fill("#id_search", "Printer")
    lead.wait_for_url(re.compile(r"search=Printer"))
    assert "=&" not in lead.url and not lead.url.endswith("="), f"empty filters were sent: {lead.url}"
    lead.locator("#workspace tbody tr").nth(2).wait_for()
    lead.locator(".select-all").check()
    assert lead.locator("input[name=ticket]:checked").count() == 3

    # a service admin: the service standards pages
    admin, admin_problems = browse(world.admin, language)
    standard = desk["standard"]
    for path in ["/service-standards/", f"/service-standards/{standard.pk}/edit/",
                 f"/service-standards/{standard.pk}/history/", "/service-standards/calendars/",
                 f"/service-standards/calendars/{desk['calendar'].pk}/edit/", "/service-standards/chains/",
                 f"/service-standards/chains/{desk['chain'].pk}/edit/", "/service-standards/simulator/",
                 "/service-standards/changes/"]:
        visit(admin, path)

    problems = anonymous + requester + agent_problems + lead_problems + admin_problems
    assert problems == []


def test_the_api_pages_work_under_the_policy(world, browse):
    # Swagger UI and DRF's browsable API are third-party templates: inline styles are
    # allowed there (servicedesk.middleware), scripts are not, and Swagger starts anyway.
    admin, problems = browse(world.admin, "en")
    visit(admin, "/api/docs/")
    admin.locator(".swagger-ui .info .title", has_text="servicedesk API").wait_for()
    visit(admin, "/api/v1/tickets/")
    assert problems == []
