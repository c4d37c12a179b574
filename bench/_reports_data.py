"""Bulk data for the reports benchmark (bench/reports_load.py): N tickets over about a year
with their status events, SLA outcomes (about 3 per ticket) and satisfaction surveys, written
with INSERT … SELECT over generate_series (never through the services), on a database of its
own (BENCH_DATABASE_URL): every ticket row there is the benchmark's.

The shape: 6 teams, 40 service items (each of one team), 4 priorities (5/20/55/20 %), 20
requesting departments (2,000 requesters), 60 agents (10 per team). Tickets are filed on
weekdays about five times as often as on weekends, mostly in office hours (report time zone);
about 5 % are open now (more of the recent ones), 1 % cancelled, the rest resolved (closed
after 5 days), 5 % of the older ones reopened once and resolved again. Outcomes: first
response (every ticket past "new", and breached ones still waiting), resolution (per cycle;
breached and still open ones without a completion), 0–2 next-response cycles; durations
log-normal against per-priority targets, about 10 % breached; wall time 1–4 × business time.
Survey invites for about half of the resolutions (sent an hour later, expired after 7 days),
and `surveys` responses among the invites sent at least three days ago (scores 5/4/3/2/1:
50/25/12/8/5 %).

Idempotent: a marker table (bench_reports_marker) records what was generated; the same
request on the same database reuses the data.
"""

import datetime as dt
import random
import time

GENERATOR_VERSION = 1
TEAMS = 6
ITEMS = 40
DEPARTMENTS = 20
AGENTS_PER_TEAM = 10
REQUESTERS = 2_000
# Targets in business minutes per priority P1..P4.
FR_TARGET = [30, 60, 240, 480]
NR_TARGET = [60, 120, 480, 960]
RES_TARGET = [240, 480, 2400, 4800]
MARKER = "bench_reports_marker"


def world() -> dict:
    """Teams, people, departments, the catalog and one service standard per team (get-or-create)."""
    from sla.models import BusinessCalendar, ServiceStandard, WorkingHours
    from teams.models import Department, Membership, Team, User
    from tickets.models import ServiceCategory, ServiceItem

    departments = [Department.objects.get_or_create(code=f"rpt-d{i:02d}", defaults={"name": f"Reports dept {i:02d}"})[0]
                   for i in range(DEPARTMENTS)]
    teams = [Team.objects.get_or_create(slug=f"rpt-team-{i}", defaults={"name": f"Reports team {i}"})[0]
             for i in range(TEAMS)]
    leads, agents = [], []
    for t, team in enumerate(teams):
        lead, _ = User.objects.get_or_create(username=f"rpt.lead{t}", defaults={"email": f"lead{t}@example.com"})
        Membership.objects.get_or_create(user=lead, team=team, defaults={"role": "lead"})
        leads.append(lead)
        for a in range(AGENTS_PER_TEAM):
            agent, _ = User.objects.get_or_create(username=f"rpt.agent{t}{a}",
                                                  defaults={"email": f"agent{t}{a}@example.com"})
            Membership.objects.get_or_create(user=agent, team=team, defaults={"role": "agent"})
            agents.append(agent)
    head, _ = User.objects.get_or_create(username="rpt.head0", defaults={"email": "head0@example.com",
                                                                           "department": departments[0]})
    if departments[0].head_id != head.pk:
        departments[0].head = head
        departments[0].save(update_fields=["head"])
    existing = set(User.objects.filter(username__startswith="rpt.req").values_list("username", flat=True))
    User.objects.bulk_create(
        [User(username=f"rpt.req{n:04d}", email=f"req{n}@example.com", department=departments[n % DEPARTMENTS])
         for n in range(REQUESTERS) if f"rpt.req{n:04d}" not in existing], batch_size=1000)
    requesters = list(User.objects.filter(username__startswith="rpt.req").order_by("username")
                      .values_list("pk", "department_id"))
    categories = [ServiceCategory.objects.get_or_create(name=f"Reports category {i}")[0] for i in range(8)]
    items = [ServiceItem.objects.get_or_create(
        name=f"Reports item {i:02d}", defaults={"category": categories[i % 8], "team": teams[i % TEAMS]})[0]
        for i in range(ITEMS)]
    calendar, created = BusinessCalendar.objects.get_or_create(name="Reports office hours",
                                                               defaults={"timezone": "Asia/Shanghai"})
    if created:
        WorkingHours.objects.bulk_create(
            WorkingHours(calendar=calendar, weekday=d, start=dt.time(9), end=dt.time(18)) for d in range(5))
    standards = [ServiceStandard.objects.get_or_create(
        name=f"Reports standard {t}", team=team,
        defaults={"calendar": calendar, "first_response_minutes": 240, "next_response_minutes": 480,
                  "resolution_minutes": 2400})[0] for t, team in enumerate(teams)]
    return {"teams": teams, "leads": leads, "agents": agents, "head": head, "departments": departments,
            "requesters": requesters, "items": items, "standards": standards}


def _weighted_days(today: dt.date, rng: random.Random, days: int = 365, size: int = 10_000) -> list[int]:
    offsets = list(range(1, days + 1))
    weights = [0.25 if (today - dt.timedelta(days=o)).weekday() >= 5 else 1.25 for o in offsets]
    return rng.choices(offsets, weights=weights, k=size)


def _seconds_of_day(rng: random.Random, size: int = 1_000) -> list[int]:
    """Whole hours into the local day, mostly office hours (9–18), some evening and night."""
    hours = list(range(24))
    weights = [0.2] * 8 + [1, 3, 4, 4, 2, 3, 4, 4, 3, 2] + [0.8, 0.5, 0.4, 0.3, 0.2, 0.2]
    return [h * 3600 for h in rng.choices(hours, weights=weights, k=size)]


def marker(cursor) -> tuple | None:
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER} (tickets int, surveys int, version int, "
                   "generated_at timestamptz, now timestamptz, outcomes bigint, seconds float)")
    cursor.execute(f"SELECT tickets, surveys, version, now, outcomes FROM {MARKER}")
    return cursor.fetchone()


def load(tickets: int, surveys: int, *, seed: int = 18) -> dict:
    """The world and the generated rows (reused when the marker matches): returns the world,
    `now` (the instant the data was generated against), whether it loaded, and the seconds."""
    from django.conf import settings
    from django.db import connection

    w = world()
    zone = settings.REPORT_TIME_ZONE
    with connection.cursor() as cur:
        have = marker(cur)
        if have and have[:3] == (tickets, surveys, GENERATOR_VERSION):
            return {**w, "now": have[3], "outcomes": have[4], "loaded": False, "load_s": None}
    started = time.monotonic()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    rng = random.Random(seed)
    from zoneinfo import ZoneInfo

    today = now.astimezone(ZoneInfo(zone)).date()
    item_team = [w["teams"].index(next(t for t in w["teams"] if t.pk == item.team_id)) for item in w["items"]]
    params = {
        "n": tickets, "now": now, "tz": zone,
        "days": _weighted_days(today, rng), "secs": _seconds_of_day(rng),
        "item_ids": [i.pk for i in w["items"]], "item_team": item_team,
        "team_ids": [t.pk for t in w["teams"]], "standard_ids": [s.pk for s in w["standards"]],
        "agent_ids": [a.pk for a in w["agents"]],
        "req_ids": [r[0] for r in w["requesters"]], "req_depts": [r[1] for r in w["requesters"]],
        "nreq": len(w["requesters"]),
        "fr_t": FR_TARGET, "nr_t": NR_TARGET, "res_t": RES_TARGET,
    }

    def step(label, sql, p=None):
        t0 = time.monotonic()
        with connection.cursor() as c:
            c.execute(sql, p if p is not None else params)
            rows = c.rowcount
        print(f"  {label}: {rows:,} rows in {time.monotonic() - t0:.0f} s", flush=True)

    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {MARKER}")
        # A database of its own: every ticket here is the benchmark's.
        cur.execute("TRUNCATE tickets_ticket, reports_outcomebucket, reports_outcomerollup, reports_ticketrollup, "
                    "reports_surveyrollup, reports_rollupstate CASCADE")
        cur.execute("DROP TABLE IF EXISTS rpt_plan")
        cur.execute(f"SELECT setseed({(seed % 1000) / 1000.0})")
    normal = "sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())"
    step("plan", f"""
        CREATE UNLOGGED TABLE rpt_plan AS
        WITH base AS (
          SELECT g AS id,
            ((date_trunc('day', %(now)s::timestamptz AT TIME ZONE %(tz)s)
              - make_interval(days => (%(days)s::int[])[1 + floor(random() * 10000)::int])
              + make_interval(secs => (%(secs)s::int[])[1 + floor(random() * 1000)::int] + random() * 3600))
             AT TIME ZONE %(tz)s) AS created_at,
            random() AS r_pri, floor(random() * {ITEMS})::int AS item_idx, floor(random() * %(nreq)s)::int AS req_idx,
            floor(random() * {AGENTS_PER_TEAM})::int AS agent_slot,
            random() AS r_open, random() AS r_state, random() AS r_reopen, random() AS r_nr, random() AS r_survey,
            exp(-1.2 + 0.9 * {normal}) AS fr_ratio, 1 + 2 * random() AS fr_stretch,
            exp(-1.2 + 0.9 * {normal}) AS res_ratio, 1 + 3 * random() AS res_stretch,
            exp(-1.1 + 0.9 * {normal}) AS nr1_ratio, exp(-1.1 + 0.9 * {normal}) AS nr2_ratio,
            exp(-2.0 + 0.9 * {normal}) AS res2_ratio, 3600 + random() * 5 * 86400 AS reopen_gap
          FROM generate_series(1, %(n)s) g
        ), typed AS (
          SELECT b.*,
            CASE WHEN r_pri < 0.05 THEN 1 WHEN r_pri < 0.25 THEN 2 WHEN r_pri < 0.80 THEN 3 ELSE 4 END AS pri,
            (%(item_team)s::int[])[item_idx + 1] AS team_idx,
            extract(epoch FROM %(now)s::timestamptz - created_at) / 86400 AS age_days
          FROM base b
        ), timed AS (
          SELECT t.*,
            (%(fr_t)s::int[])[pri] AS fr_target, (%(nr_t)s::int[])[pri] AS nr_target,
            (%(res_t)s::int[])[pri] AS res_target,
            greatest(60, round(fr_ratio * (%(fr_t)s::int[])[pri] * 60))::bigint AS fr_bus
          FROM typed t
        ), times AS (
          SELECT t.*, round(fr_bus * fr_stretch)::bigint AS fr_wall,
            greatest(fr_bus + 60, round(res_ratio * res_target * 60))::bigint AS res_bus
          FROM timed t
        ), times2 AS (
          SELECT t.*, greatest(fr_wall + 60, round(res_bus * res_stretch))::bigint AS res_wall,
            greatest(60, round(res2_ratio * res_target * 60))::bigint AS res2_bus
          FROM times t
        ), fate AS (
          SELECT t.*,
            created_at + make_interval(secs => res_wall) AS resolved1,
            created_at + make_interval(secs => res_wall + reopen_gap) AS reopened_at,
            created_at + make_interval(secs => res_wall + reopen_gap + round(res2_bus * res_stretch)) AS resolved2,
            r_state < 0.01 AS cancelled,
            (r_state >= 0.01 AND (r_open < 0.035 + 0.6 * exp(-age_days / 10)
                                  OR created_at + make_interval(secs => res_wall) > %(now)s::timestamptz)) AS is_open
          FROM times2 t
        )
        SELECT f.*,
          (NOT cancelled AND NOT is_open AND r_reopen < 0.05 AND resolved2 < %(now)s::timestamptz) AS reopened,
          CASE WHEN cancelled THEN 'cancelled'
               WHEN is_open AND (created_at + make_interval(secs => fr_wall) > %(now)s::timestamptz
                                 OR r_state < 0.3) THEN 'new'
               WHEN is_open AND r_state > 0.8 THEN 'pending'
               WHEN is_open THEN 'open'
               WHEN (CASE WHEN r_reopen < 0.05 AND resolved2 < %(now)s::timestamptz THEN resolved2 ELSE resolved1 END)
                    < %(now)s::timestamptz - interval '5 days' THEN 'closed'
               ELSE 'resolved' END AS status,
          (%(team_ids)s::bigint[])[team_idx + 1] AS team_id,
          (%(standard_ids)s::bigint[])[team_idx + 1] AS standard_id,
          (%(item_ids)s::bigint[])[item_idx + 1] AS item_id,
          (%(req_ids)s::bigint[])[req_idx + 1] AS requester_id,
          (%(req_depts)s::bigint[])[req_idx + 1] AS dept_id,
          (%(agent_ids)s::bigint[])[team_idx * {AGENTS_PER_TEAM} + agent_slot + 1] AS agent_id
        FROM fate f
    """)
    step("plan: final times", """
        ALTER TABLE rpt_plan ADD COLUMN resolved_at timestamptz, ADD COLUMN assignee_id bigint;
        UPDATE rpt_plan SET
          resolved_at = CASE WHEN status IN ('resolved', 'closed') THEN
                             CASE WHEN reopened THEN resolved2 ELSE resolved1 END END,
          assignee_id = CASE WHEN status = 'new' AND r_state < 0.2 THEN NULL ELSE agent_id END
    """)
    step("tickets", """
        INSERT INTO tickets_ticket (id, title, description, fields, priority, status, created_at, updated_at,
          first_response_at, resolved_at, closed_at, version, assignee_id, requester_id, requester_department_id,
          service_item_id, team_id, sla_breached, sla_due_at, sla_warn_at, sla_paused, resolution_summary,
          resolution_cycle)
        SELECT id, 'Reports bench ticket ' || id, 'Generated for the reports benchmark.', '{}'::jsonb, 'P' || pri,
          status, created_at, coalesce(resolved_at, created_at),
          CASE WHEN status <> 'new' AND status <> 'cancelled' THEN created_at + make_interval(secs => fr_wall) END,
          resolved_at,
          CASE WHEN status = 'closed' THEN resolved_at + interval '5 days'
               WHEN status = 'cancelled' THEN created_at + interval '1 hour' END,
          1, assignee_id, requester_id, dept_id, item_id, team_id,
          false, NULL, NULL, status = 'pending', '', CASE WHEN reopened THEN 2 ELSE 1 END
        FROM rpt_plan
    """)
    step("events: created", """
        INSERT INTO tickets_ticketevent (kind, data, created_at, actor_id, ticket_id)
        SELECT 'created', jsonb_build_object('status', 'new', 'priority', 'P' || pri, 'team', team_id),
               created_at, requester_id, id FROM rpt_plan
    """)
    step("events: resolved, reopened, cancelled", """
        INSERT INTO tickets_ticketevent (kind, data, created_at, actor_id, ticket_id)
        SELECT 'status', jsonb_build_object('old', 'open', 'new', 'resolved'), resolved1, agent_id, id
          FROM rpt_plan WHERE status IN ('resolved', 'closed')
        UNION ALL
        SELECT 'status', jsonb_build_object('old', 'resolved', 'new', 'open'), reopened_at, requester_id, id
          FROM rpt_plan WHERE reopened
        UNION ALL
        SELECT 'status', jsonb_build_object('old', 'open', 'new', 'resolved'), resolved2, agent_id, id
          FROM rpt_plan WHERE reopened
        UNION ALL
        SELECT 'status', jsonb_build_object('old', 'new', 'new', 'cancelled'), created_at + interval '1 hour',
               requester_id, id FROM rpt_plan WHERE status = 'cancelled'
    """)
    # One SELECT per kind of cycle; `x` names what is computed per row: start, business and
    # wall seconds (NULL while incomplete), the target, the stretch of wall over business time.
    outcome_insert = """
        INSERT INTO sla_slaoutcome (kind, cycle, standard_version, priority, started_at, stopped_at, due_at,
          target_minutes, business_seconds, wall_seconds, paused_seconds, met, breached_by_seconds, decided_at,
          reason, assignee_id, corrects_id, recorded_by_id, requester_department_id, service_item_id, standard_id,
          team_id, ticket_id, written_at)
        SELECT kind, cycle, 1, 'P' || pri, started, stop, due, target, b, w, CASE WHEN b IS NULL THEN NULL ELSE 0 END,
          met, CASE WHEN met THEN 0 WHEN b IS NULL THEN NULL ELSE b - target * 60 END,
          CASE WHEN met THEN stop ELSE due END, '', assignee_id, NULL, NULL, dept_id, item_id, standard_id,
          team_id, id, coalesce(stop, due)
        FROM ({cycles}) x
        -- A cycle stopped after `now` has not stopped yet.
        CROSS JOIN LATERAL (SELECT CASE WHEN stopped <= %(now)s::timestamptz THEN stopped END AS stop,
                                   CASE WHEN stopped <= %(now)s::timestamptz THEN bus END AS b,
                                   CASE WHEN stopped <= %(now)s::timestamptz THEN wall END AS w) c
        WHERE (met AND stop IS NOT NULL) OR (NOT met AND due <= %(now)s::timestamptz)
    """
    step("outcomes: first response", outcome_insert.format(cycles="""
        SELECT 'first_response' AS kind, 1 AS cycle, p.*, created_at AS started, fr_target AS target,
          created_at + make_interval(secs => round(fr_target * 60 * fr_stretch)) AS due,
          fr_bus < fr_target * 60 AS met,
          CASE WHEN status NOT IN ('new', 'cancelled') THEN created_at + make_interval(secs => fr_wall) END AS stopped,
          CASE WHEN status NOT IN ('new', 'cancelled') THEN fr_bus END AS bus,
          CASE WHEN status NOT IN ('new', 'cancelled') THEN fr_wall END AS wall
        FROM rpt_plan p WHERE status <> 'cancelled' AND (status <> 'new' OR fr_bus >= fr_target * 60)
    """))
    step("outcomes: resolution", outcome_insert.format(cycles="""
        SELECT 'resolution' AS kind, 1 AS cycle, p.*, created_at AS started, res_target AS target,
          created_at + make_interval(secs => round(res_target * 60 * res_stretch)) AS due,
          res_bus < res_target * 60 AS met,
          CASE WHEN status IN ('resolved', 'closed') THEN resolved1 END AS stopped,
          CASE WHEN status IN ('resolved', 'closed') THEN res_bus END AS bus,
          CASE WHEN status IN ('resolved', 'closed') THEN res_wall END AS wall
        FROM rpt_plan p WHERE status <> 'cancelled'
        UNION ALL
        SELECT 'resolution', 2, p.*, reopened_at, res_target,
          reopened_at + make_interval(secs => greatest(0, round((res_target * 60 - res_bus) * res_stretch))),
          res_bus + res2_bus < res_target * 60, resolved2, res_bus + res2_bus,
          round(res2_bus * res_stretch)::bigint
        FROM rpt_plan p WHERE reopened
    """))
    step("outcomes: next response", outcome_insert.format(cycles="""
        SELECT 'next_response' AS kind, j AS cycle, p.*,
          created_at + make_interval(secs => fr_wall + (res_wall - fr_wall) * (j - 0.7) / 2.5) AS started,
          nr_target AS target,
          created_at + make_interval(secs => fr_wall + (res_wall - fr_wall) * (j - 0.7) / 2.5
                                              + round(nr_target * 60 * fr_stretch)) AS due,
          r.bus < nr_target * 60 AS met,
          created_at + make_interval(secs => fr_wall + (res_wall - fr_wall) * (j - 0.7) / 2.5
                                              + round(r.bus * fr_stretch)) AS stopped,
          r.bus, round(r.bus * fr_stretch)::bigint AS wall
        FROM rpt_plan p
        CROSS JOIN LATERAL generate_series(1, CASE WHEN r_nr < 0.25 THEN 0 WHEN r_nr < 0.70 THEN 1 ELSE 2 END) j
        CROSS JOIN LATERAL (SELECT greatest(60, round((CASE WHEN j = 1 THEN nr1_ratio ELSE nr2_ratio END)
                                                      * nr_target * 60))::bigint AS bus) r
        WHERE status IN ('resolved', 'closed')
    """))
    share = min(0.95, 2.2 * surveys / max(1, tickets))
    step("survey invites", f"""
        INSERT INTO surveys_surveyinvite (cycle, state, token_hash, created_at, send_at, sent_at, expires_at,
          closed_at, requester_id, team_id, ticket_id)
        SELECT CASE WHEN reopened THEN 2 ELSE 1 END,
          CASE WHEN resolved_at + interval '169 hours' < %(now)s::timestamptz THEN 'expired' ELSE 'sent' END,
          md5(id::text), resolved_at, resolved_at + interval '1 hour', resolved_at + interval '1 hour',
          resolved_at + interval '169 hours',
          CASE WHEN resolved_at + interval '169 hours' < %(now)s::timestamptz THEN resolved_at + interval '169 hours' END,
          requester_id, team_id, id
        FROM rpt_plan WHERE status IN ('resolved', 'closed') AND r_survey < {share}
          AND resolved_at + interval '1 hour' < %(now)s::timestamptz
    """)
    step("survey responses", """
        INSERT INTO surveys_surveyresponse (cycle, score, comment, channel, answered_at, editable_until, priority,
          first_response_met, resolution_met, next_response_met, assignee_id, invite_id, reason_id, respondent_id,
          service_item_id, team_id, ticket_id)
        SELECT i.cycle, s.score, '', 'email', i.sent_at + a.after, i.sent_at + a.after + interval '1 day',
          t.priority, NULL, NULL, NULL, t.assignee_id, i.id, NULL, i.requester_id, t.service_item_id, t.team_id, t.id
        FROM (SELECT * FROM surveys_surveyinvite WHERE sent_at < %(now)s::timestamptz - interval '3 days'
              ORDER BY md5(id::text) LIMIT %(surveys)s) i
        JOIN tickets_ticket t ON t.id = i.ticket_id
        CROSS JOIN LATERAL (SELECT random() AS r, make_interval(secs => 60 + random() * 2 * 86400) AS after) a
        CROSS JOIN LATERAL (SELECT CASE WHEN a.r < 0.5 THEN 5 WHEN a.r < 0.75 THEN 4 WHEN a.r < 0.87 THEN 3
                                        WHEN a.r < 0.95 THEN 2 ELSE 1 END AS score) s
    """, {**params, "surveys": surveys})
    step("invites answered", """
        UPDATE surveys_surveyinvite i SET state = 'answered', closed_at = r.answered_at
        FROM surveys_surveyresponse r WHERE r.invite_id = i.id
    """)
    with connection.cursor() as cur:
        for table in ("tickets_ticket", "surveys_surveyinvite", "surveys_surveyresponse"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cur.execute("DROP TABLE rpt_plan")
        cur.execute("SELECT count(*) FROM sla_slaoutcome")
        outcomes = cur.fetchone()[0]
    t0 = time.monotonic()
    analyze()
    print(f"  vacuum analyze: {time.monotonic() - t0:.0f} s", flush=True)
    seconds = time.monotonic() - started
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {MARKER} VALUES (%s, %s, %s, now(), %s, %s, %s)",
                    [tickets, surveys, GENERATOR_VERSION, now, outcomes, seconds])
    return {**w, "now": now, "outcomes": outcomes, "loaded": True, "load_s": seconds}


def analyze() -> None:
    """VACUUM ANALYZE what the benchmark reads (autovacuum may be off on this machine)."""
    from django.db import connection

    tables = ["tickets_ticket", "tickets_ticketevent", "sla_slaoutcome", "surveys_surveyinvite",
              "surveys_surveyresponse", "reports_ticketrollup", "reports_outcomerollup", "reports_outcomebucket",
              "reports_surveyrollup", "reports_tickettotal", "reports_outcometotal", "reports_surveytotal"]
    with connection.cursor() as cur:
        for table in tables:
            cur.execute(f"VACUUM ANALYZE {table}" if connection.get_autocommit() else f"ANALYZE {table}")
