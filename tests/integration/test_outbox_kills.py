"""Fault injection: a real Celery worker delivering email to a local SMTP server is killed
with SIGKILL again and again in the middle of its work, and started again each time. No
email is lost and none arrives twice (the one exception, a message the server accepted
whose acceptance the worker never got to record, is told apart and bounded)."""

import os

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from notifications.models import OutboxMessage
from notifications.services import message_id
from tests.smtp_sink import SmtpSink, Worker, deliver_with_kills, worker_env

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/14")
MESSAGES = 200
KILLS = 4

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _pending() -> int:
    connection.close()  # a fresh snapshot of what the worker committed
    return OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).count()


def test_killed_workers_lose_no_email_and_send_none_twice(world, tmp_path):
    # Given a few hundred emails in the outbox and a broker with nothing queued
    redis.Redis.from_url(BROKER).flushdb()
    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        OutboxMessage(channel="email", recipient=world.alice, address=world.alice.email, event="ticket_reply",
                      subject=f"Message {i}", body="Hello", dedupe_key=f"kill-test:{i}", next_attempt_at=now)
        for i in range(MESSAGES)
    )
    wanted = {message_id(m) for m in OutboxMessage.objects.all()}
    db = settings.DATABASES["default"]

    # When a worker sends them to an SMTP server and is SIGKILLed mid-delivery, KILLS times
    with SmtpSink() as sink:
        env = worker_env(
            database_url=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}", broker_url=BROKER,
            settings_module="servicedesk.settings.test",
            # Claims of killed workers run out after 10 s (twenty 0.5 s timeouts).
            extra={"TEST_EMAIL_URL": sink.url, "EMAIL_TIMEOUT": "0.5", "OUTBOX_CLAIM_SECONDS": "1"},
        )
        report = deliver_with_kills(sink=sink, worker=Worker(env, tmp_path / "worker.log"), broker_url=BROKER,
                                    kills=KILLS, kill_after=(5, 30), pending=_pending, timeout=90)
        copies = sink.copies()
        repeats = sink.repeats()

    # Then it was killed each time, every email arrived, and none twice …
    assert report.kills == KILLS, (tmp_path / "worker.log").read_text()[-3000:]
    assert set(copies) == wanted
    assert not OutboxMessage.objects.exclude(state=OutboxMessage.State.SENT).exists()
    # … except, at most once per kill, an email accepted last on a connection that the
    # killed worker never used again: its acceptance cannot have been recorded.
    unexplained = {mid: [c.acknowledged for c in cs] for mid, cs in repeats.items()
                   if any(c.acknowledged for c in cs[:-1])}
    assert unexplained == {}
    assert len(repeats) <= report.kills and all(n <= 2 for n in copies.values())
    print(f"{MESSAGES} emails, {report.kills} kills, {len(repeats)} accepted-but-unrecorded repeats, "
          f"{report.seconds:.1f} s")
