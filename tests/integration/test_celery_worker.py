"""End to end with a real Celery worker, embedded beat and Redis: a ticket left alone
breaches, and the escalation and its delivered notification appear without anyone
calling the scanner by hand."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from notifications.models import Notification, OutboxMessage
from sla.models import Escalation, SLAClock
from tests.factories import ServiceStandardFactory

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/14")

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _redis_up() -> bool:
    try:
        return redis.Redis.from_url(BROKER, socket_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def worker(tmp_path):
    """A worker with embedded beat on Redis, on the test database, scanning every 2 s."""
    if not _redis_up():
        pytest.fail(f"Redis is not reachable at {BROKER}")
    redis.Redis.from_url(BROKER).flushdb()
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER,
        "SLA_SCAN_INTERVAL_SECONDS": "2",
        "OUTBOX_DELIVERY_INTERVAL_SECONDS": "2",
        "PYTHONUNBUFFERED": "1",
    }
    log = open(tmp_path / "worker.log", "w+")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "servicedesk", "worker", "-B", "--loglevel=INFO",
         "--concurrency=1", "--pool=solo", "-s", str(tmp_path / "beat-schedule")],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    yield proc
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.seek(0)
    print(log.read()[-4000:])
    log.close()


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        connection.close()  # a fresh snapshot of what the worker committed
        value = predicate()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


def test_left_alone_ticket_breaches_and_the_lead_is_notified_by_the_worker(world, file_ticket, worker):
    # Given a 1-minute first-response target on a 24x7 calendar
    ServiceStandardFactory(team=world.it, name="IT fast", first_response_minutes=1, resolution_minutes=10)
    # When a ticket is filed and nobody touches it
    ticket = file_ticket()
    assert SLAClock.objects.get(ticket=ticket, kind="first_response").due_at is not None

    # Then the worker's beat-driven scan records the breach within about a minute …
    breach = _wait_for(
        lambda: Escalation.objects.filter(clock__ticket=ticket, clock__kind="first_response", step="breach").first(),
        timeout=120, what="the breach escalation",
    )
    assert breach.recorded_at >= breach.due_at
    assert SLAClock.objects.get(ticket=ticket, kind="first_response").state == SLAClock.State.BREACHED
    # … and the delivery task puts it in the lead's notification list and sends the email.
    _wait_for(
        lambda: Notification.objects.filter(user=world.it_lead, ticket=ticket, event="sla_escalation").exists(),
        timeout=30, what="the lead's in-app notification",
    )
    _wait_for(
        lambda: OutboxMessage.objects.filter(recipient=world.it_lead, ticket=ticket, event="sla_escalation",
                                             channel="email", state="sent").exists(),
        timeout=30, what="the lead's email",
    )
    assert Escalation.objects.filter(clock__ticket=ticket, step="breach").count() == 1
    assert worker.poll() is None
