"""Deadline scanner benchmark.

Bulk-loads N open tickets (default 1,000,000) with running first-response and resolution
clocks into a dedicated database (COPY), then measures in a fresh process:
  - the idle scan (nothing due) with N open tickets,
  - one cycle with K = 1,000 and K = 10,000 clocks past due (warning, breach and an
    escalation level each, notifications written to the outbox; delivery excluded),
  - escalations recorded per second, SQL statements per cycle and per batch,
  - the scanner's peak RSS.

Usage:  .venv/bin/python bench/sla_scan.py [--tickets N] [--reload]
The database is BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/servicedesk_bench);
a loaded database is reused when it already holds N open tickets.
Ends with one JSON line of the figures.
"""

import argparse
import datetime as dt
import io
import json
import statistics
import subprocess
import sys
import time

import _django

BENCH_TEAM = "bench-team"


def _world():
    from sla.models import BusinessCalendar, EscalationChain, EscalationLevel, ServiceStandard, WorkingHours
    from teams.models import Membership, Team, User
    from tickets.models import ServiceCategory, ServiceItem

    team, _ = Team.objects.get_or_create(slug=BENCH_TEAM, defaults={"name": "Bench team"})
    requester, _ = User.objects.get_or_create(username="bench.requester", defaults={"email": "r@example.com"})
    lead, _ = User.objects.get_or_create(username="bench.lead", defaults={"email": "l@example.com"})
    agent, _ = User.objects.get_or_create(username="bench.agent", defaults={"email": "a@example.com"})
    Membership.objects.get_or_create(user=lead, team=team, defaults={"role": "lead"})
    Membership.objects.get_or_create(user=agent, team=team, defaults={"role": "agent"})
    category, _ = ServiceCategory.objects.get_or_create(name="Bench")
    item, _ = ServiceItem.objects.get_or_create(name="Bench item", defaults={"category": category, "team": team})
    calendar, created = BusinessCalendar.objects.get_or_create(name="Bench 24x7", defaults={"timezone": "UTC"})
    if created:
        WorkingHours.objects.bulk_create(
            WorkingHours(calendar=calendar, weekday=d, start=dt.time(0), end=dt.time(0)) for d in range(7)
        )
    chain, created = EscalationChain.objects.get_or_create(name="Bench chain")
    if created:
        EscalationLevel.objects.create(chain=chain, order=1, trigger="after_breach", notify_lead=True,
                                       notify_assignee=True)
    standard, _ = ServiceStandard.objects.get_or_create(
        name="Bench standard", team=team,
        defaults={"calendar": calendar, "first_response_minutes": 60, "resolution_minutes": 480,
                  "escalation_chain": chain},
    )
    return team, item, requester, agent, standard


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join("\\N" if v is None else str(v) for v in row))
        buf.write("\n")
    buf.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buf)


def load(n: int, reload: bool) -> float:
    from django.db import connection, transaction

    from sla.models import SLAClock
    from tickets.models import Ticket

    team, item, requester, agent, standard = _world()
    have = Ticket.objects.filter(team=team, status="new").count()
    if have == n and not reload:
        print(f"reusing {have:,} loaded tickets")
        _reset_idle(team)
        return 0.0
    start = time.perf_counter()
    with transaction.atomic():
        SLAClock.objects.filter(ticket__team=team).delete()
        Ticket.objects.filter(team=team).delete()
    now = dt.datetime.now(dt.UTC)
    created = now - dt.timedelta(minutes=5)
    far = now + dt.timedelta(days=365)
    chunk = 100_000
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM tickets_ticket")
        first_id = cur.fetchone()[0] + 1
        for base in range(0, n, chunk):
            ids = range(first_id + base, first_id + min(base + chunk, n))
            _copy(cur, "tickets_ticket",
                  ["id", "requester_id", "team_id", "service_item_id", "title", "description", "fields", "priority",
                   "status", "assignee_id", "created_at", "updated_at", "version", "sla_due_at", "sla_warn_at",
                   "sla_breached", "sla_paused", "resolution_summary", "resolution_cycle"],
                  ((i, requester.pk, team.pk, item.pk, f"Bench ticket {i}", "", "{}", "P3", "new",
                    agent.pk if i % 2 else None, created.isoformat(), created.isoformat(), 1, far.isoformat(),
                    far.isoformat(), "f", "f", "", 1) for i in ids))
            _copy(cur, "sla_slaclock",
                  ["ticket_id", "kind", "cycle", "standard_id", "state", "target_minutes", "started_at",
                   "run_started_at", "consumed_seconds", "warn_at", "due_at", "paused_seconds", "next_check_at"],
                  ((i, kind, 1, standard.pk, "running", target, created.isoformat(), created.isoformat(), 0,
                    far.isoformat(), far.isoformat(), 0, far.isoformat())
                   for i in ids for kind, target in (("first_response", 60), ("resolution", 480))))
            print(f"  loaded {min(base + chunk, n):,} tickets", flush=True)
        cur.execute("SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), (SELECT MAX(id) FROM tickets_ticket))")
        cur.execute("ANALYZE tickets_ticket; ANALYZE sla_slaclock")
    return time.perf_counter() - start


def _reset_idle(team) -> None:
    """Undo an earlier run: no clock due, no escalation recorded."""
    from django.db import connection

    from notifications.models import OutboxMessage
    from sla.models import Escalation
    from tickets.models import TicketEvent

    far = dt.datetime.now(dt.UTC) + dt.timedelta(days=365)
    Escalation.objects.filter(clock__ticket__team=team).delete()
    TicketEvent.objects.filter(ticket__team=team).delete()
    OutboxMessage.objects.filter(ticket__team=team).delete()
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE sla_slaclock SET next_check_at = %s, state = 'running' "
            "WHERE next_check_at IS NULL OR next_check_at < %s OR state <> 'running'", [far, far])
        # As autovacuum would between real cycles: no dead rows of the last run in the way.
        for table in ("sla_slaclock", "sla_escalation", "tickets_ticketevent", "notifications_outboxmessage"):
            cur.execute(f"VACUUM ANALYZE {table}")


def _make_due(team, k: int, offset: int) -> None:
    """K first-response clocks whose target ran out an hour ago."""
    from django.db import connection

    now = dt.datetime.now(dt.UTC)
    started = now - dt.timedelta(minutes=120)
    with connection.cursor() as cur:
        cur.execute(
            """UPDATE sla_slaclock SET run_started_at = %s, started_at = %s, next_check_at = %s
               WHERE id IN (SELECT c.id FROM sla_slaclock c JOIN tickets_ticket t ON t.id = c.ticket_id
                            WHERE t.team_id = %s AND c.kind = 'first_response' ORDER BY c.id OFFSET %s LIMIT %s)""",
            [started, started, now - dt.timedelta(minutes=60), team.pk, offset, k],
        )
        # Flush the set-up's writes now, so that a checkpoint does not land inside the
        # measured cycle (needs a superuser; skipped otherwise).
        try:
            cur.execute("CHECKPOINT")
        except Exception:  # noqa: BLE001
            pass


def scan_phase() -> dict:
    """Runs in its own process so that its peak RSS is the scanner's, not the loader's."""
    from django.db import connection

    from sla.scanner import sla_scan
    from teams.models import Team

    team = Team.objects.get(slug=BENCH_TEAM)
    sla_scan()  # warm: calendar cache, connections
    idle = []
    counter = _django.StatementCounter()
    for _ in range(20):
        t0 = time.perf_counter()
        with connection.execute_wrapper(counter):
            sla_scan()
        idle.append((time.perf_counter() - t0) * 1000)
    idle_statements = counter.count // 20
    out = {"idle_scan_ms": round(statistics.median(idle), 2), "idle_statements": idle_statements}
    offset = 0
    for k in (1000, 10000):
        _make_due(team, k, offset)
        offset += k
        counter = _django.StatementCounter()
        t0 = time.perf_counter()
        with connection.execute_wrapper(counter):
            result = sla_scan()
        elapsed = time.perf_counter() - t0
        out[f"cycle_ms_{k}_due"] = round(elapsed * 1000, 1)
        out[f"escalations_{k}_due"] = result.escalations
        out[f"escalations_per_s_{k}_due"] = round(result.escalations / elapsed)
        out[f"statements_{k}_due"] = counter.count
        out[f"batches_{k}_due"] = result.batches
    out["escalations_per_s"] = out["escalations_per_s_10000_due"]
    out["statements_per_cycle"] = out["statements_1000_due"]
    out["statements_per_batch"] = round(out["statements_10000_due"] / out["batches_10000_due"], 1)
    out["peak_rss_mb"] = round(_django.peak_rss_mb(), 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--reload", action="store_true", help="load the tickets again even if present")
    parser.add_argument("--scan-phase", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    _django.setup()
    if args.scan_phase:
        print(json.dumps(scan_phase()))
        return
    load_s = load(args.tickets, args.reload)
    proc = subprocess.run([sys.executable, __file__, "--scan-phase"], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        sys.exit(f"scan phase failed with exit code {proc.returncode}")
    figures = {"open_tickets": args.tickets, "load_s": round(load_s, 1), **json.loads(proc.stdout.strip().splitlines()[-1])}
    for key, value in figures.items():
        print(f"{key:>28}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
