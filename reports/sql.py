"""The rollup's statements that the ORM cannot say fast enough (PostgreSQL only; elsewhere
reports.rollup uses the ORM):

- a day's SLA outcomes folded into their rollup rows and histogram buckets (elsewhere
  `fold_outcomes` in Python, the reference this statement is tested against);
- a day's ticket and survey rollup rows written as one `INSERT … SELECT FROM unnest(arrays)`:
  `bulk_create` builds a model instance per row, which at this grain (a row for nearly every
  ticket) took most of a day's fold.

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

from . import definitions as d
from .models import OutcomeBucket, OutcomeRollup

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


def rollups_insert(model, *, day: dt.date, columns: list[str], rows: list[tuple]) -> int:
    """Insert `rows` (values of `columns`, field names or attnames of `model`) of `day`."""
    return rows_insert(model, columns=["day", *columns], rows=[(day, *row) for row in rows])


def rows_insert(model, *, columns: list[str], rows: list[tuple]) -> int:
    """Insert `rows` (values of `columns`, field names or attnames of `model`) in one
    `INSERT … SELECT FROM unnest(arrays)`: one array per column (a JSON field's values as
    JSON text)."""
    fields = [model._meta.get_field(name) for name in columns]
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    arrays = ", ".join(f"%s::{f.target_field.db_type(connection) if f.is_relation else f.db_type(connection)}[]"
                       for f in fields)
    values = [list(column) for column in zip(*rows, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {_table(model)} ({names}) SELECT * FROM unnest({arrays})", values)
        return cursor.rowcount
