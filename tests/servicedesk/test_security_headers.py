"""Every page carries the Content-Security-Policy and the other security headers, and the
templates hold nothing that the policy would refuse (the browser test,
tests/e2e/test_content_security_policy.py, checks the pages themselves)."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"
# Emails are read in mail clients (which want inline styles), never under our policy: the
# default mail and an event's own mails (notifications/email/<event>.html).
def _is_email(template: str) -> bool:
    return template == "notifications/email.html" or template.startswith("notifications/email/")
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def directives(header: str) -> dict[str, str]:
    return dict(part.split(" ", 1) for part in header.split("; "))


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/catalog/", "/queues/it/", "/service-standards/"])
def test_pages_send_the_content_security_policy(client, world, path):
    client.force_login(world.admin if path.startswith("/service") else world.it_lead)

    response = client.get(path)

    assert response.status_code == 200
    assert directives(response.headers["Content-Security-Policy"]) == POLICY
    assert "Content-Security-Policy-Report-Only" not in response.headers


@pytest.mark.django_db
def test_pages_send_the_permissions_referrer_and_frame_policies(client):
    response = client.get("/accounts/login/")

    assert response.headers["Permissions-Policy"] == "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_only_the_api_html_pages_may_use_inline_styles(client, world):
    client.force_login(world.admin)

    docs = directives(client.get("/api/docs/").headers["Content-Security-Policy"])
    api_json = directives(client.get("/api/v1/tickets/", HTTP_ACCEPT="application/json").headers[
        "Content-Security-Policy"])

    assert docs == {**POLICY, "style-src": "'self' 'unsafe-inline'"}
    assert api_json == POLICY


INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>"  # a script element without src
    r"|<style\b|\sstyle=|\son[a-z]+=|\shx-on[:-]|javascript:",
    re.IGNORECASE,
)


def test_templates_hold_no_inline_script_style_or_handler():
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0).strip()}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        if not _is_email(str(path.relative_to(TEMPLATES)))
        for match in INLINE.finditer(path.read_text())
    ]

    assert found == []
