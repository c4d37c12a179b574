"""Fault benchmark.

Part "kills": N (default 2,000) emails in the outbox, a real Celery worker (production
settings) sending them to a local SMTP sink (aiosmtpd) that this script starts; the worker
is SIGKILLed at least K (default 12) times in the middle of delivering, each time after a
random number of accepted messages, and started again. Then it counts, in the sink:
  lost        messages never accepted
  duplicates  copies beyond the first (by Message-ID and, as the old code gave every
              attempt a new Message-ID, by subject)
  duplicates_unacknowledged  of those, the copies of a message the sink accepted as the
              last thing on a connection the worker never used again: the documented case
              (README, "Notifications and email"), the only one allowed
  kills, delivered (messages marked sent), seconds
Part "redis": `measure_hung_redis` of bench/_faults_redis.py (filing tickets with Redis hung).

Usage:  .venv/bin/python bench/faults.py [--part kills|redis|all] [--messages N] [--kills K]
The database is BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/servicedesk_bench),
the broker CELERY_BROKER_URL (default redis://127.0.0.1:6379/13). Ends with one JSON line.
"""

import argparse
import json
import os
import tempfile
import uuid
from pathlib import Path

import _django

BROKER = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/13")
EVENT = "bench_fault"


def _enqueue(n: int, run: str) -> None:
    from django.utils import timezone

    from notifications.models import OutboxMessage
    from teams.models import User

    user, _ = User.objects.get_or_create(username="bench.mail", defaults={"email": "mail@example.com"})
    OutboxMessage.objects.filter(event=EVENT).delete()
    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        OutboxMessage(channel="email", recipient=user, address=user.email, event=EVENT, subject=f"fault {run} #{i}",
                      body=f"Message {i} of the fault benchmark.", dedupe_key=f"fault:{run}:{i}", state="pending",
                      attempts=0, next_attempt_at=now, created_at=now)
        for i in range(n)
    )


def kills_part(messages: int, kills: int) -> dict:
    from django.db import connection

    from notifications.models import OutboxMessage
    from tests.smtp_sink import SmtpSink, Worker, deliver_with_kills, worker_env

    run = uuid.uuid4().hex[:8]
    _enqueue(messages, run)

    def pending() -> int:
        connection.close()
        return OutboxMessage.objects.filter(event=EVENT, state="pending").count()

    with SmtpSink() as sink, tempfile.TemporaryDirectory() as tmp:
        env = worker_env(
            database_url=os.environ["DATABASE_URL"], broker_url=BROKER,
            settings_module="servicedesk.settings.production",
            extra={"SECRET_KEY": _django.BENCH_SECRET_KEY, "EMAIL_URL": sink.url, "EMAIL_TIMEOUT": "1",
                   "OUTBOX_CLAIM_SECONDS": "5", "LOG_LEVEL": "WARNING"},
        )
        worker = Worker(env, Path(tmp) / "worker.log")
        report = deliver_with_kills(sink=sink, worker=worker, broker_url=BROKER, kills=kills,
                                    kill_after=(20, 120), pending=pending, timeout=600)
        accepted = [m for m in sink.accepted if m.subject.startswith(f"fault {run} #")]
        by_id = sink.repeats("message_id")
        by_subject = sink.repeats("subject")
    distinct = len({m.subject for m in accepted})
    unacknowledged = sum(
        1 for copies in by_subject.values() for first in copies[:-1] if not first.acknowledged
    )
    connection.close()
    return {
        "messages": messages,
        "kills": report.kills,
        "delivered": OutboxMessage.objects.filter(event=EVENT, state="sent").count(),
        "accepted": len(accepted),
        "lost": messages - distinct,
        "duplicates": len(accepted) - distinct,
        "duplicates_by_message_id": sum(len(c) - 1 for c in by_id.values()),
        "duplicates_unacknowledged": unacknowledged,
        "duplicate_rate_pct": round(100 * (len(accepted) - distinct) / messages, 2),
        "most_copies": max((len(c) for c in by_subject.values()), default=1),
        "seconds": round(report.seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=["kills", "redis", "all"], default="all")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=12)
    args = parser.parse_args()
    _django.setup()
    figures: dict = {}
    if args.part in ("kills", "all"):
        figures.update(kills_part(args.messages, args.kills))
    if args.part in ("redis", "all"):
        from _faults_redis import measure_hung_redis

        figures.update(measure_hung_redis(os.environ["DATABASE_URL"]))
    for key, value in figures.items():
        print(f"{key:>28}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
