"""Browser tests: Playwright (sync API) driving Debian's Chromium, headless, against
pytest-django's live server. They skip themselves when /usr/bin/chromium is missing,
unless REQUIRE_E2E is set (CI sets it): then a browser test that would skip fails."""

import os
from pathlib import Path

import pytest

from tests.realclock import real_clock_environ

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


@pytest.fixture
def login_as(chromium, live_server):
    """A fresh browser context signed in as `user` (through the login form); returns its page."""
    contexts = []

    def _login(user):
        context = chromium.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, f"{user.username} could not sign in"
        return page

    yield _login
    for context in contexts:
        context.close()
