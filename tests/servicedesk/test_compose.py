"""docker-compose.yml cannot be started here (no Docker engine): its health checks are
read and held against what the app really serves and runs."""

import re
from pathlib import Path

import pytest
from django.core.management import get_commands
from django.urls import resolve

yaml = pytest.importorskip("yaml")
COMPOSE = yaml.safe_load((Path(__file__).resolve().parent.parent.parent / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_the_web_check_calls_the_liveness_endpoint_over_plain_http():
    probe = " ".join(SERVICES["web"]["healthcheck"]["test"])
    url = re.search(r"http://127\.0\.0\.1:8000(/[^'\"]*)", probe)

    assert url and url.group(1) == "/health/live/"
    assert resolve(url.group(1)).url_name == "health-live"


def test_the_beat_check_runs_a_command_that_exists():
    test = SERVICES["beat"]["healthcheck"]["test"]

    assert test[:3] == ["CMD", "python", "manage.py"]
    assert test[3] in get_commands()


def test_the_worker_check_pings_its_own_worker():
    assert "inspect ping --destination celery@$$HOSTNAME" in SERVICES["worker"]["healthcheck"]["test"][1]


def test_the_app_is_published_to_this_host_only_since_it_believes_x_forwarded_proto():
    app = SERVICES["web"]

    assert app["environment"]["TRUST_X_FORWARDED_PROTO"] == "${TRUST_X_FORWARDED_PROTO:-true}"
    assert app["ports"] == ["127.0.0.1:8000:8000"]
