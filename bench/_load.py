"""Bulk-load a large ticket set for the queue and API benchmarks (COPY, in chunks).

One team ("Bench queue") holds `open_share` of the tickets open, with a realistic mix of
statuses, priorities, assignees, departments and SLA situations; the rest are closed
tickets of that and other teams. Idempotent: a database that already holds the same
number of bench tickets is reused.
"""

import datetime as dt
import io
import random

QUEUE_TEAM = "bench-queue"
CREATED_PREFIX = "Bench create "
OTHER_TEAMS = ["bench-other-1", "bench-other-2", "bench-other-3", "bench-other-4"]
# What filing a ticket writes (bench/api_load.py).
WRITTEN_BY_API_BENCH = ["tickets_ticket", "sla_slaclock", "tickets_ticketevent", "notifications_outboxmessage"]


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join("\\N" if v is None else str(v) for v in row))
        buf.write("\n")
    buf.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buf)


def world():
    """Teams, people and a catalog for the bench tickets (get-or-create)."""
    from sla.models import BusinessCalendar, ServiceStandard, WorkingHours
    from teams.models import Department, Membership, Team, User
    from tickets.models import ServiceCategory, ServiceItem

    team, _ = Team.objects.get_or_create(slug=QUEUE_TEAM, defaults={"name": "Bench queue"})
    others = [Team.objects.get_or_create(slug=s, defaults={"name": s.replace("-", " ").title()})[0]
              for s in OTHER_TEAMS]
    departments = [Department.objects.get_or_create(code=f"bench-d{i}", defaults={"name": f"Bench dept {i}"})[0]
                   for i in range(5)]
    lead, _ = User.objects.get_or_create(username="bench.lead", defaults={"email": "lead@example.com"})
    lead.set_password("servicedesk")
    lead.save()
    Membership.objects.get_or_create(user=lead, team=team, defaults={"role": "lead"})
    agents = []
    for i in range(10):
        agent, _ = User.objects.get_or_create(username=f"bench.agent{i}", defaults={"email": f"a{i}@example.com"})
        Membership.objects.get_or_create(user=agent, team=team, defaults={"role": "agent"})
        agents.append(agent)
    requesters = [User.objects.get_or_create(username=f"bench.req{i}",
                                             defaults={"department": departments[i % 5]})[0] for i in range(50)]
    category, _ = ServiceCategory.objects.get_or_create(name="Bench")
    items = [ServiceItem.objects.get_or_create(name=f"Bench item {i}", defaults={"category": category, "team": team})[0]
             for i in range(5)]
    calendar, created = BusinessCalendar.objects.get_or_create(name="Bench 24x7", defaults={"timezone": "UTC"})
    if created:
        WorkingHours.objects.bulk_create(
            WorkingHours(calendar=calendar, weekday=d, start=dt.time(0), end=dt.time(0)) for d in range(7))
    standard, _ = ServiceStandard.objects.get_or_create(
        name="Bench queue standard", team=team,
        defaults={"calendar": calendar, "first_response_minutes": 240, "resolution_minutes": 2400})
    return {"standard": standard, "team": team, "others": others, "lead": lead, "agents": agents, "requesters": requesters,
            "items": items, "departments": departments}


def _clocks(ticket_id, standard_id, status, created, due, breached, now) -> list[tuple]:
    """The first-response and resolution clocks of an open bench ticket, consistent with
    the ticket's SLA summary: paused while pending, the earlier one due at `due`."""
    started = created.isoformat()
    rows = []
    for kind, target, offset in (("first_response", 240, 0), ("resolution", 2400, 2160)):
        if status == "pending":
            state, clock_due, warn, paused, check = ("breached" if breached else "running"), None, None, now, None
        else:
            clock_due = due + dt.timedelta(minutes=offset)
            warn = clock_due - dt.timedelta(minutes=480)
            state = "breached" if clock_due < now else "running"
            # What the scanner would wait for next: the warning, then the breach.
            paused, check = None, (None if state == "breached" else warn if warn > now else clock_due)
        breached_at = (clock_due or now - dt.timedelta(hours=1)) if state == "breached" else None
        rows.append((ticket_id, kind, standard_id, state, target, started, None if paused else started, 0,
                     warn.isoformat() if warn else None, clock_due.isoformat() if clock_due else None,
                     paused.isoformat() if paused else None, 0, breached_at.isoformat() if breached_at else None,
                     check.isoformat() if check else None))
    return rows


def load_tickets(total: int, open_in_team: int, *, seed: int = 7) -> dict:
    """Make sure the bench tickets exist; return the world and whether it loaded."""
    from django.db import connection

    from sla.models import SLAClock
    from tickets.models import Ticket

    w = world()
    bench_teams = [w["team"].pk] + [t.pk for t in w["others"]]
    # Tickets an earlier API benchmark filed are not part of the loaded set.
    deleted, _by_model = Ticket.objects.filter(team_id__in=bench_teams, title__startswith=CREATED_PREFIX).delete()
    if deleted and connection.get_autocommit():
        # Their rows are dead, not gone: with autovacuum off (as on the CI machine) every run
        # would insert into indexes full of earlier runs' dead entries, slower each time.
        with connection.cursor() as cur:
            for table in WRITTEN_BY_API_BENCH:
                cur.execute(f"VACUUM ANALYZE {table}")
    have = Ticket.objects.filter(team_id__in=bench_teams).count()
    have_open = Ticket.objects.filter(team=w["team"], status__in=["new", "open", "pending"]).count()
    has_clocks = SLAClock.objects.filter(ticket__team=w["team"]).exists()
    if have == total and have_open == open_in_team and has_clocks:
        return {**w, "loaded": False}
    with connection.cursor() as cur:
        # A bench database only: every ticket goes, with everything that refers to one
        # (the scanner benchmark reloads its own on its next run).
        cur.execute("TRUNCATE tickets_ticket CASCADE")
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    clock_columns = ["ticket_id", "kind", "standard_id", "state", "target_minutes", "started_at", "run_started_at",
                     "consumed_seconds", "warn_at", "due_at", "paused_at", "paused_seconds", "breached_at",
                     "next_check_at"]
    columns = ["id", "requester_id", "requester_department_id", "team_id", "service_item_id", "title", "description",
               "fields", "priority", "status", "assignee_id", "created_at", "updated_at", "version", "sla_due_at",
               "sla_warn_at", "sla_breached", "sla_paused", "first_response_at", "resolved_at", "closed_at"]
    chunk = 100_000
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM tickets_ticket")
        first_id = cur.fetchone()[0] + 1
        for base in range(0, total, chunk):
            rows, clocks = [], []
            for n in range(base, min(base + chunk, total)):
                tid = first_id + n
                req = w["requesters"][n % 50]
                created = now - dt.timedelta(minutes=rng.randint(1, 60 * 24 * 180))
                if n < open_in_team:
                    team_id = w["team"].pk
                    status = rng.choices(["new", "open", "pending"], [3, 5, 2])[0]
                    assignee = None if (status == "new" and rng.random() < 0.7) else rng.choice(w["agents"]).pk
                    if status == "pending":
                        due = warn = None
                        breached = rng.random() < 0.1
                    else:
                        due = now + dt.timedelta(minutes=rng.randint(-600, 5000))
                        warn = due - dt.timedelta(minutes=480)
                        breached = due < now
                    closed = resolved = None
                    clocks += _clocks(tid, w["standard"].pk, status, created, due, breached, now)
                else:
                    team_id = rng.choice(bench_teams)
                    status, assignee, due, warn, breached = "closed", rng.choice(w["agents"]).pk, None, None, False
                    resolved = created + dt.timedelta(hours=rng.randint(1, 100))
                    closed = resolved + dt.timedelta(days=5)
                rows.append((
                    tid, req.pk, req.department_id, team_id, w["items"][n % 5].pk, f"Bench ticket {tid} printer vpn",
                    "Generated for the queue benchmark.", "{}", rng.choice(["P1", "P2", "P3", "P3", "P4"]), status,
                    assignee, created.isoformat(), (created + dt.timedelta(minutes=5)).isoformat(), 1,
                    due.isoformat() if due else None, warn.isoformat() if warn else None, "t" if breached else "f",
                    "t" if status == "pending" else "f", None, resolved.isoformat() if resolved else None, closed.isoformat() if closed else None,
                ))
            _copy(cur, "tickets_ticket", columns, rows)
            _copy(cur, "sla_slaclock", clock_columns, clocks)
            print(f"  loaded {min(base + chunk, total):,} tickets", flush=True)
        cur.execute("SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), (SELECT MAX(id) FROM tickets_ticket))")
        for table in ("tickets_ticket", "sla_slaclock"):
            cur.execute(f"VACUUM ANALYZE {table}" if connection.connection.autocommit else f"ANALYZE {table}")
    return {**w, "loaded": True}
