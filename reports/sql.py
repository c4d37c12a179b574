"""The rollup's statements that the ORM cannot say fast enough (PostgreSQL only; elsewhere
reports.rollup uses the ORM):

- a day's SLA outcomes folded into their rollup rows and histogram buckets (elsewhere
  `fold_outcomes` in Python, the reference this statement is tested against);
- the ticket and survey rollup rows of a run of days folded in one `INSERT … SELECT … GROUP BY`
  each (elsewhere `fold_tickets` and `fold_surveys` in Python, the references these statements
  are tested against): the Python ticket fold asked the comments and the earlier resolutions
  of each day's tickets, a query or two per day, and sent every row back as arrays; the
  survey fold asked two queries per day.

Why: at the rollup's grain (day × team × service item × priority × department × assignee ×
target kind) a day's rollup rows are nearly as many as its outcomes (9,853 rows for 10,516
outcomes on the busiest day of bench/reports_load.py's million tickets), with twice as many
bucket rows. Reading every outcome into Python, building model rows and `bulk_create`-ing
them took 5–7 s for that day and about 30 minutes for a year's 3,000,000 outcomes; one
`INSERT … SELECT … GROUP BY` per day, with the buckets from the rows it returns, is the same
fold done where the rows are.

The histogram bucket is `reports.definitions.duration_bucket` said in SQL: for whole seconds
s ≥ 0, `bisect_left(BUCKET_EDGES, s)` is the number of edges below s, which is
`width_bucket(s - 1, BUCKET_EDGES)` (the number of edges ≤ s − 1). The edges are passed in.

Names come from the models' documented `_meta` API, quoted by the connection.
"""

import datetime as dt

from django.db import connection

from sla.models import SLAOutcome
from surveys.models import SurveyInvite, SurveyResponse
from tickets.constants import EventKind, Status
from tickets.models import Comment, Ticket, TicketEvent

from . import definitions as d
from .models import OutcomeBucket, OutcomeRollup, SurveyRollup, TicketRollup

# Rollup field → outcome field, for the dimensions.
_DIMS = {"team": "team", "service_item": "service_item", "priority": "priority",
         "department": "requester_department", "assignee": "assignee"}


def _col(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def outcomes_fold_day(*, day: dt.date, start: dt.datetime, end: dt.datetime) -> int:
    """Insert the outcome rollup rows and buckets of `day` (outcomes in force decided in
    [start, end)); the caller deleted the day's rows first. Returns the rollup rows written."""
    o, r, b = SLAOutcome, OutcomeRollup, OutcomeBucket
    nullable = {"service_item", "department", "assignee"}
    select_dims = ", ".join(f"s.{_col(o, src)} AS {_col(r, dst)}" for dst, src in _DIMS.items())
    dims = ", ".join(_col(r, dst) for dst in _DIMS)
    # Hashable equality for the nullable dimensions (ids are positive: -1 stands for NULL).
    join = " AND ".join(
        f"coalesce(ins.{_col(r, dst)}, -1) = coalesce(x.{_col(r, dst)}, -1)" if dst in nullable
        else f"ins.{_col(r, dst)} = x.{_col(r, dst)}" for dst in _DIMS)
    kind, met, bus, wall = (_col(o, n) for n in ("kind", "met", "business_seconds", "wall_seconds"))
    sql = f"""
        WITH x AS MATERIALIZED (
          SELECT s.{kind} AS kind, {select_dims}, s.{met} AS met, s.{bus} AS bus, s.{wall} AS wall,
                 (s.{bus} IS NOT NULL AND s.{wall} IS NOT NULL) AS timed
          FROM {_table(o)} s
          WHERE s.{kind} = ANY(%(kinds)s) AND s.{_col(o, "decided_at")} >= %(start)s
            AND s.{_col(o, "decided_at")} < %(end)s
            AND NOT EXISTS (SELECT 1 FROM {_table(o)} c WHERE c.{_col(o, "corrects")} = s.{_col(o, "id")})
        ), ins AS (
          INSERT INTO {_table(r)} ({_col(r, "day")}, {_col(r, "kind")}, {dims}, {_col(r, "met")},
                                   {_col(r, "decided")}, {_col(r, "timed")}, {_col(r, "business_seconds")},
                                   {_col(r, "wall_seconds")})
          SELECT %(day)s, kind, {dims}, count(*) FILTER (WHERE met), count(*), count(*) FILTER (WHERE timed),
                 coalesce(sum(bus) FILTER (WHERE timed), 0), coalesce(sum(wall) FILTER (WHERE timed), 0)
          FROM x GROUP BY kind, {dims}
          RETURNING {_col(r, "id")} AS id, {_col(r, "kind")} AS kind, {dims}
        ), buckets AS (
          INSERT INTO {_table(b)} ({_col(b, "rollup")}, {_col(b, "measure")}, {_col(b, "bucket")}, {_col(b, "count")})
          SELECT ins.id, m.measure, m.bucket, count(*)
          FROM x JOIN ins ON ins.kind = x.kind AND {join}
          CROSS JOIN LATERAL (VALUES (%(business)s, width_bucket(x.bus - 1, %(edges)s::bigint[])),
                                     (%(wall)s, width_bucket(x.wall - 1, %(edges)s::bigint[]))) m(measure, bucket)
          WHERE x.timed
          GROUP BY ins.id, m.measure, m.bucket
        )
        SELECT count(*) FROM ins
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"kinds": list(d.TARGET_KINDS), "start": start, "end": end, "day": day,
                             "edges": list(d.BUCKET_EDGES), "business": OutcomeBucket.Measure.BUSINESS.value,
                             "wall": OutcomeBucket.Measure.WALL.value})
        return cursor.fetchone()[0]


def folds_without_jit() -> None:
    """Turn PostgreSQL's JIT compilation off for the rest of the rollup's transaction (`SET
    LOCAL`): every fold and totals statement here is planned as costly enough to compile,
    and compiling cost more than it saved (at a million tickets, one probe under load: a
    month's ticket fold 8.7 → 5.5 s, a week of outcome folds 19.7 → 14.1 s; a month's
    outcome totals spent 3.4 s of 40 s compiling)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")


def _local_day(column: str) -> str:
    """The report day of a timestamptz column, in the zone %(zone)s (definitions.local_day)."""
    return f"(timezone(%(zone)s, {column}))::date"


def _fold_params(first: dt.date, last: dt.date, start: dt.datetime, end: dt.datetime, zone: str) -> dict:
    return {"first": first, "last": last, "start": start, "end": end, "zone": zone}


def tickets_fold_days(*, first: dt.date, last: dt.date, start: dt.datetime, end: dt.datetime, zone: str) -> int:
    """Insert the ticket rollup rows of the days first … last ([start, end) in `zone`): what
    `reports.rollup.fold_tickets` computes for each of them (the caller deleted their rows
    first). Tickets filed per day; resolutions and reopens per day of their status event, by
    the ticket as it stands now; a resolution is first-contact when the ticket is in its
    first cycle with at most one public reply not by its requester
    (`definitions.is_first_contact`); a reopen counts when the last resolution before it is
    at most REOPEN_WINDOW_DAYS older or unknown (`definitions.reopened_in_window`). Returns
    the rows written."""
    t, e, c, r = Ticket, TicketEvent, Comment, TicketRollup
    dims = ", ".join(_col(r, dst) for dst in _DIMS)
    ticket_dims = ", ".join(f"t.{_col(t, src)} AS {_col(r, dst)}" for dst, src in _DIMS.items())
    ticket, at, kind, data = (_col(e, n) for n in ("ticket", "created_at", "kind", "data"))
    new, old = f"e.{data} -> 'new'", f"e.{data} -> 'old'"
    resolution = f"{new} = to_jsonb(%(resolved)s::text)"
    sql = f"""
        WITH ev AS MATERIALIZED (
          SELECT e.{ticket} AS ticket_id, e.{at} AS at, {_local_day(f"e.{at}")} AS day,
                 ({resolution}) AS is_resolution
          FROM {_table(e)} e
          WHERE e.{kind} = %(status)s AND e.{at} >= %(start)s AND e.{at} < %(end)s
            AND ({resolution} OR ({old} = to_jsonb(%(resolved)s::text) AND {new} = to_jsonb(%(open)s::text)))
        ), counted AS (
          SELECT {_local_day(f"t.{_col(t, 'created_at')}")} AS day, {ticket_dims},
                 1 AS created, 0 AS resolved, 0 AS reopened, 0 AS first_contact
          FROM {_table(t)} t
          WHERE t.{_col(t, "created_at")} >= %(start)s AND t.{_col(t, "created_at")} < %(end)s
          UNION ALL
          SELECT ev.day, {ticket_dims}, 0, 1, 0,
                 (t.{_col(t, "resolution_cycle")} = 1
                  AND (SELECT count(*) FROM {_table(c)} c
                       WHERE c.{_col(c, "ticket")} = t.{_col(t, "id")} AND NOT c.{_col(c, "is_internal")}
                         AND c.{_col(c, "author")} <> t.{_col(t, "requester")}) <= 1)::int
          FROM ev JOIN {_table(t)} t ON t.{_col(t, "id")} = ev.ticket_id
          WHERE ev.is_resolution
          UNION ALL
          SELECT ev.day, {ticket_dims}, 0, 0, 1, 0
          FROM ev JOIN {_table(t)} t ON t.{_col(t, "id")} = ev.ticket_id
          WHERE NOT ev.is_resolution
            AND coalesce(ev.at - (SELECT max(e.{at}) FROM {_table(e)} e
                                  WHERE e.{ticket} = ev.ticket_id AND e.{kind} = %(status)s AND {resolution}
                                    AND e.{at} <= ev.at) <= %(window)s, true)
        )
        INSERT INTO {_table(r)} ({_col(r, "day")}, {dims}, {_col(r, "created")}, {_col(r, "resolved")},
                                 {_col(r, "reopened")}, {_col(r, "first_contact")})
        SELECT day, {dims}, sum(created), sum(resolved), sum(reopened), sum(first_contact)
        FROM counted WHERE day BETWEEN %(first)s AND %(last)s
        GROUP BY day, {dims}
    """
    params = {**_fold_params(first, last, start, end, zone), "status": EventKind.STATUS.value,
              "resolved": Status.RESOLVED.value, "open": Status.OPEN.value,
              "window": dt.timedelta(days=d.REOPEN_WINDOW_DAYS)}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def surveys_fold_days(*, first: dt.date, last: dt.date, start: dt.datetime, end: dt.datetime, zone: str) -> int:
    """Insert the survey rollup rows of the days first … last ([start, end) in `zone`): what
    `reports.rollup.fold_surveys` computes for each of them (the caller deleted their rows
    first). Invites by their day sent and their ticket as it stands; responses by their day
    answered and their snapshot (the department is the ticket's). Returns the rows written."""
    i, s, t, r = SurveyInvite, SurveyResponse, Ticket, SurveyRollup
    dims = ", ".join(_col(r, dst) for dst in _DIMS)
    tid = _col(t, "id")
    invite_dims = ", ".join(f"i.{_col(i, 'team')}" if dst == "team" else f"t.{_col(t, src)}"
                            for dst, src in _DIMS.items())
    response_dims = ", ".join(f"t.{_col(t, src)}" if dst == "department" else f"s.{_col(s, src)}"
                              for dst, src in _DIMS.items())
    sent_at, answered_at, score = _col(i, "sent_at"), _col(s, "answered_at"), _col(s, "score")
    sql = f"""
        WITH counted ({_col(r, "day")}, {dims}, sent, responses, positive, score_sum) AS (
          SELECT {_local_day(f"i.{sent_at}")}, {invite_dims}, 1, 0, 0, 0
          FROM {_table(i)} i JOIN {_table(t)} t ON t.{tid} = i.{_col(i, "ticket")}
          WHERE i.{sent_at} >= %(start)s AND i.{sent_at} < %(end)s
          UNION ALL
          SELECT {_local_day(f"s.{answered_at}")}, {response_dims}, 0, 1, (s.{score} >= %(positive)s)::int,
                 s.{score}
          FROM {_table(s)} s JOIN {_table(t)} t ON t.{tid} = s.{_col(s, "ticket")}
          WHERE s.{answered_at} >= %(start)s AND s.{answered_at} < %(end)s
        )
        INSERT INTO {_table(r)} ({_col(r, "day")}, {dims}, {_col(r, "sent")}, {_col(r, "responses")},
                                 {_col(r, "positive")}, {_col(r, "score_sum")})
        SELECT {_col(r, "day")}, {dims}, sum(sent), sum(responses), sum(positive), sum(score_sum)
        FROM counted WHERE {_col(r, "day")} BETWEEN %(first)s AND %(last)s
        GROUP BY {_col(r, "day")}, {dims}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {**_fold_params(first, last, start, end, zone), "positive": d.POSITIVE_SCORE})
        return cursor.rowcount
