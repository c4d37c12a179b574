"""The production settings, loaded for real in a child process (as gunicorn, celery and
manage.py load them): `check --deploy` is clean, a weak SECRET_KEY stops the start with one
line, and the HTTPS switches do what the README says."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
GOOD_KEY = "k3J9x-Qw7Lp2Zr8Vt5Nb1Mc6Xs4Df0Gh_Yu7Io9Pa2Sd5Fg8Hj1Kl4Zx6Cv9Bn3Mq"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings.production",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servicedesk"),
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"),
        "ALLOWED_HOSTS": "servicedesk.example.com,testserver",
        "SECRET_KEY": GOOD_KEY,
        **env,
    }
    environment = {name: value for name, value in environment.items() if value is not None}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=60)


def settings_of(*names: str, **env: str) -> dict:
    code = f"from django.conf import settings; import json; print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    result = manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])  # after the shell's "N objects imported"


def test_check_deploy_finds_nothing_to_warn_about():
    result = manage("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("key", [
    None,  # unset
    GOOD_KEY[:49],  # one character short of 50
    "insecure-servicedesk-demo-key-change-me",  # the demo's fallback (base.py)
    "django-insecure-" + GOOD_KEY,  # what startproject writes
    "ab" * 30,  # long, but two characters
])
def test_a_missing_or_weak_secret_key_stops_the_start_with_one_line(key):
    result = manage("check", SECRET_KEY=key)

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ImproperlyConfigured:") and "SECRET_KEY" in lines[0]


def test_https_is_required_by_default_and_forwarded_proto_is_not_believed():
    values = settings_of("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE",
                         "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER")

    assert values == {"SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31_536_000,
                      "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True, "SECURE_PROXY_SSL_HEADER": None}


def test_a_proxy_that_redirects_itself_turns_the_redirect_off_but_hsts_stays():
    values = settings_of("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER",
                         SECURE_SSL_REDIRECT="false", TRUST_X_FORWARDED_PROTO="true")

    assert values == {"SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 31_536_000,
                      "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]}


def test_local_http_turns_off_the_redirect_hsts_and_secure_cookies():
    values = settings_of("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
                         LOCAL_HTTP="true")

    assert values == {"SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0,
                      "SESSION_COOKIE_SECURE": False, "CSRF_COOKIE_SECURE": False}


REQUESTS = """
from django.test import Client
plain, proxied = Client(), Client(HTTP_X_FORWARDED_PROTO="https")
login = proxied.get("/accounts/login/")
print(plain.get("/health/live/").status_code, plain.get("/accounts/login/").status_code, login.status_code,
      login.headers.get("Strict-Transport-Security", "-").replace(" ", ""))
"""


def test_plain_http_is_redirected_except_for_the_health_checks():
    result = manage("shell", "-c", REQUESTS)

    assert result.returncode == 0, result.stderr
    # X-Forwarded-Proto is not believed without TRUST_X_FORWARDED_PROTO: still redirected
    assert result.stdout.splitlines()[-1].split() == ["200", "301", "301", "-"]


def test_behind_a_trusted_proxy_https_requests_are_served_with_hsts():
    result = manage("shell", "-c", REQUESTS, TRUST_X_FORWARDED_PROTO="true")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["200", "301", "200", "max-age=31536000;includeSubDomains;preload"]
