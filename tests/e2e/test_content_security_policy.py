"""Every main page, for each persona, in English and 简体中文, keeps to the
Content-Security-Policy (no inline script, style or handler is refused) with no console
error; and the htmx interactions still work under it (no eval, no inline handlers)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD

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
    # … and sends feedback on a team, anonymously
    visit(alice, "/feedback/new/")
    alice.select_option("#id_team", label="HR Services")
    alice.check("input[name=kind][value=complaint]")
    alice.fill("#id_text", "Onboarding took **three** weeks.")
    alice.check("#id_anonymous")
    alice.locator("main form button[type=submit].btn-primary").click()
    alice.wait_for_url(re.compile(r"/feedback/\d+/$"))
    alice.locator("main .prose strong", has_text="three").wait_for()
    visit(alice, "/feedback/")

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
    # the reports: the index, the team report with its charts (ECharts draws on a canvas),
    # and the list behind a figure
    for path in ["/reports/", "/reports/teams/it/", "/reports/teams/it/?period=this_quarter",
                 f"/reports/list/?figure=created&team={world.it.pk}"]:
        visit(lead, path)
    visit(lead, "/reports/teams/it/")
    lead.locator("[data-report-chart] canvas").first.wait_for()
    # the team's feedback: the list, one item, and the answer with a status move
    visit(lead, "/feedback/teams/it/")
    visit(lead, f"/feedback/{desk['feedback'].pk}/")
    lead.fill("#id_answer", "We now check the toner every morning.")
    lead.select_option("#id_status", "acknowledged")
    lead.fill("#id_note", "On the checklist.")
    lead.locator("main form button[type=submit].btn-primary").click()
    lead.locator(".feedback-history .feedback-note", has_text="On the checklist.").wait_for()
    visit(lead, "/queues/it/")
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
                 "/service-standards/changes/", "/reports/departments/finance/"]:
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
