"""/health/live/ and /health/ready/ against the real PostgreSQL and Redis: readiness fails
when one of them cannot be reached (pointed at a closed port), when the deadline scanner's
heartbeat is stale or when the outbox falls behind, and says nothing but ok/failing."""

import datetime as dt
import socket

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.test import override_settings
from django.utils import timezone

from notifications.models import OutboxMessage
from sla.scanner import sla_scan

pytestmark = pytest.mark.django_db
ALL_OK = {"database": "ok", "cache": "ok", "broker": "ok", "sla_scanner": "ok", "outbox": "ok"}


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ready(client):
    response = client.get("/health/ready/")
    return response.status_code, response.json()


@pytest.fixture
def scanned():
    """The scanner finished a cycle just now."""
    sla_scan()


def outbox_message(*, due: dt.datetime, state=OutboxMessage.State.PENDING) -> OutboxMessage:
    return OutboxMessage.objects.create(channel=OutboxMessage.Channel.EMAIL, address="a@example.com", event="test",
                                        subject="s", dedupe_key=f"test:{due.isoformat()}:{state}",
                                        state=state, next_attempt_at=due)


def test_liveness_answers_without_the_database_or_the_cache(client, django_assert_num_queries):
    with override_settings(CACHES={"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
    }}), django_assert_num_queries(0):
        response = client.get("/health/live/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {}}


def test_readiness_passes_when_everything_is_healthy(client, scanned):
    assert ready(client) == (200, {"status": "ok", "checks": ALL_OK})


def test_readiness_fails_when_the_database_cannot_be_reached(client, scanned, monkeypatch):
    # The check opens its own connection (in another thread) with these settings.
    monkeypatch.setitem(connections.settings["default"], "PORT", str(closed_port()))

    assert ready(client) == (503, {"status": "failing", "checks": {**ALL_OK, "database": "failing"}})


def test_readiness_fails_when_the_cache_cannot_be_reached(client, scanned):
    with override_settings(CACHES={"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 1},
    }}):
        assert ready(client) == (503, {"status": "failing", "checks": {**ALL_OK, "cache": "failing"}})


def test_readiness_fails_when_the_broker_cannot_be_reached(client, scanned):
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{closed_port()}/0"):
        assert ready(client) == (503, {"status": "failing", "checks": {**ALL_OK, "broker": "failing"}})


@override_settings(HEALTH_SCANNER_MAX_AGE_SECONDS=90)
def test_readiness_fails_when_the_scanner_heartbeat_is_stale(client):
    sla_scan(now=timezone.now() - dt.timedelta(seconds=100))  # its last cycle, 100 s ago

    assert ready(client) == (503, {"status": "failing", "checks": {**ALL_OK, "sla_scanner": "failing"}})

    sla_scan()  # the scanner runs again
    assert ready(client)[0] == 200


def test_readiness_fails_when_the_scanner_never_ran(client):
    assert ready(client) == (503, {"status": "failing", "checks": {**ALL_OK, "sla_scanner": "failing"}})


@override_settings(HEALTH_OUTBOX_MAX_DELAY_SECONDS=600)
def test_readiness_fails_when_an_outbox_message_waits_past_the_threshold(client, scanned):
    now = timezone.now()
    outbox_message(due=now - dt.timedelta(seconds=500))  # due, but within the threshold
    outbox_message(due=now - dt.timedelta(days=2), state=OutboxMessage.State.SENT)
    outbox_message(due=now - dt.timedelta(days=2), state=OutboxMessage.State.FAILED)
    assert ready(client)[0] == 200

    outbox_message(due=now - dt.timedelta(seconds=700))

    assert ready(client) == (503, {"status": "failing", "checks": {**ALL_OK, "outbox": "failing"}})


def test_a_failing_answer_tells_nothing_but_ok_or_failing(client):
    port = closed_port()
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/0"):
        response = client.get("/health/ready/", HTTP_ACCEPT="text/html")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.content.decode()
    assert str(port) not in body and "127.0.0.1" not in body and "Unavailable" not in body


def test_the_beat_containers_check_says_whether_the_scanner_is_recent(capsys):
    with pytest.raises(CommandError, match="stale"):
        call_command("sla_scanner_health")

    sla_scan()
    call_command("sla_scanner_health")
    assert capsys.readouterr().out.startswith("ok: last good cycle at ")
