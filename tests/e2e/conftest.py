"""Browser tests: Playwright (sync API) driving Debian's Chromium, headless, against
pytest-django's live server. They skip themselves when /usr/bin/chromium is missing,
unless REQUIRE_E2E is set (CI sets it): then a browser test that would skip fails."""

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from knowledge import services as kb
from sla.standards.calendars import calendar_save
from sla.standards.chains import chain_save
from sla.standards.service_standards import standard_save
from tests.conftest import set_sla
from tests.realclock import real_clock_environ
from tickets.services.workspace import canned_response_save

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
PASSWORD = "servicedesk"  # tests.factories.UserFactory's


def e2e_required() -> bool:
    return os.environ.get("REQUIRE_E2E", "").lower() not in ("", "0", "false", "no")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """With REQUIRE_E2E set, a browser test that skips (no Chromium, no Playwright, any
    other reason) is reported as failed: CI must not pass without having run them."""
    report = yield
    if report.skipped and not hasattr(report, "wasxfail") and e2e_required():
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_E2E is set, so this browser test may not skip: {reason}"
    return report


@pytest.fixture(scope="package", autouse=True)
def _async_unsafe_orm_allowed():
    """Playwright's sync API keeps an event loop running in this thread while the browser
    is open; the ORM calls that the tests make next to it are still plain synchronous code.
    Allowed for the browser tests only: the browser closes, and the variable is restored,
    when they are done, so the rest of the suite keeps Django's check."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def chromium(_async_unsafe_orm_allowed):
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (make e2e-deps installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Without libfaketime (.ci/faked-date preloads it into every process): Chromium
        # crashes under it. The browser keeps the real clock; the server is the one tested.
        env = real_clock_environ()
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
                                             env=env)
        yield browser
        browser.close()


DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def open_page(chromium, live_server):
    """open_page(user, language=…, viewport=…, **context options) → a page in a fresh browser
    context with that language cookie, signed in as `user` through the login form (at the
    login page when `user` is None)."""
    contexts = []

    def _open(user, *, language="en", viewport=DESKTOP, **options):
        context = chromium.new_context(base_url=live_server.url, viewport=viewport, **options)
        context.set_default_timeout(10_000)
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        if user is not None:
            page.fill("#id_username", user.username)
            page.fill("#id_password", PASSWORD)
            page.locator("main form button[type=submit]").click()
            page.wait_for_load_state()
            assert "/accounts/login/" not in page.url, f"{user.username} could not sign in"
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def login_as(open_page):
    """A fresh browser context signed in as `user` (through the login form); returns its page."""
    return lambda user: open_page(user)


@pytest.fixture
def desk(world, file_ticket):
    """A ticket in the IT queue with two on-track neighbours (the last assigned to the lead),
    a canned response, and one service standard with its calendar and chain, edited once
    (so its history has rows)."""
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
    set_sla(tickets[2], warn=now + h, due=now + 2 * h, assignee=world.it_lead)  # on the lead's dashboard
    canned_response_save(team=world.it, title="Desk 4", body="Please bring it to desk 4.")
    # a published knowledge article with its next revision in review (for the lead)
    article = kb.article_create(
        actor=world.it_agent, team=world.it, language="zh-hans", title="VPN 无法连接的排查步骤",
        body="1. 先确认能打开任意外部网站：酒店或机场的网络常常需要先在浏览器里登录。\n2. 重新登录。\n\n"
             "    https://vpn.example.com/a-very-long-address-that-does-not-fit-a-phone/without/breaking/at/all",
        service_items=[world.laptop], tags=["vpn", "network"])
    kb.article_submit(article=article, actor=world.it_agent)
    kb.article_publish(article=article, actor=world.it_lead)
    kb.article_edit(article=article, actor=world.it_agent, body="1. 检查网络\n2. 更新客户端到 5.2")
    kb.article_submit(article=article, actor=world.it_agent)
    return {"ticket": tickets[0], "standard": standard, "calendar": calendar, "chain": chain, "article": article}


@dataclass(frozen=True)
class MainPage:
    """One main page as the persona who uses it: `persona` names an attribute of `world`
    (None: signed out), `primary` the selectors of what the page is for (its first ticket,
    its submit button), which must be on screen."""

    name: str
    persona: str | None
    path: str
    primary: tuple[str, ...]


@pytest.fixture
def main_pages(desk, world):
    """Every main page of the service desk, each as the persona who uses it."""
    ticket, standard, article = desk["ticket"], desk["standard"], desk["article"]
    submit = "main form button[type=submit].btn-primary"
    first_ticket = "main td.title-cell a"
    return [
        MainPage("login", None, "/accounts/login/", ("main form button[type=submit]",)),
        MainPage("catalog", "alice", "/catalog/", ("main .service-card",)),
        MainPage("ticket-new", "alice", f"/catalog/{world.laptop.pk}/new/", (submit,)),
        MainPage("my-requests", "alice", "/my-requests/", (first_ticket,)),
        MainPage("ticket-requester", "alice", f"/tickets/{ticket.pk}/", ("#reply button[type=submit]",)),
        MainPage("ticket-agent", "it_agent", f"/tickets/{ticket.pk}/",
                 (".ticket-side .clocks", ".ticket-side select[name=to]", "#reply button[type=submit]")),
        MainPage("queue", "it_agent", "/queues/it/", (".queue-tabs .tab-at_risk", ".queue-tabs .tab-breached",
                                                      "#workspace td.title-cell a")),
        MainPage("search", "it_agent", "/search/?q=Printer", (first_ticket,)),
        MainPage("dashboard", "it_lead", "/dashboard/", (first_ticket,)),
        MainPage("team-settings", "it_lead", "/queues/it/settings/", (submit,)),
        MainPage("standards", "admin", "/service-standards/", ("main .page-head a.btn-primary", first_ticket)),
        MainPage("standard-form", "admin", f"/service-standards/{standard.pk}/edit/", (submit,)),
        MainPage("calendar-form", "admin", f"/service-standards/calendars/{desk['calendar'].pk}/edit/", (submit,)),
        MainPage("chain-form", "admin", f"/service-standards/chains/{desk['chain'].pk}/edit/", (submit,)),
        MainPage("simulator", "admin", f"/service-standards/simulator/?standard={standard.pk}", (submit,)),
        MainPage("kb-home", "alice", "/kb/", ("main .kb-title",)),
        MainPage("kb-article", "alice", f"/kb/articles/{article.pk}/", ("main .kb-feedback button[type=submit]",)),
        MainPage("kb-article-lead", "it_lead", f"/kb/articles/{article.pk}/",
                 ("main .kb-article h1", "main form[action$='/publish/'] button")),
        MainPage("kb-editor", "it_agent", f"/kb/articles/{article.pk}/edit/", (submit,)),
        MainPage("kb-review", "it_lead", "/kb/review/", ("main .kb-title",)),
        MainPage("kb-diff", "it_agent", f"/kb/articles/{article.pk}/diff/", ("main .kb-diff",)),
    ]
