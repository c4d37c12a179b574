"""The report totals (reports.models: TicketTotal, OutcomeTotal, SurveyTotal): the rollup rows
of a day summed per grain (reports.models.GRAIN_DIMENSIONS), written after the rollup rows of
those days, in the same transaction (reports.rollup calls `write_totals`).

Why: the rollups keep a row for nearly every ticket (their grain is day × team × service item ×
priority × department × assignee), so a team's 4-quarter trend summed some 600,000 rows and a
week's percentiles joined 40,000 histogram buckets. A grain keeps one or two dimensions (a
team or a department whole; a team by department, service item or priority; a department by
service item or priority): a team's year is 365 rows, by department 365 × 20, and a week's
histograms are read with them ({bucket: count} in the row). Which reports read which grain is
`reports.selectors`'s choice (`grain_for`).

One statement per source and run of days, `INSERT … SELECT … GROUP BY`, where the rows are: on
PostgreSQL every grain in one pass (`GROUPING SETS`), on SQLite one statement per grain. The
histograms are the rollup rows' buckets summed per grain, kind and bucket and made a JSON object
as text (`string_agg` / `group_concat`, cast to jsonb on PostgreSQL). Without JIT compilation
(reports.rollup turns it off for its transaction: compiling these statements cost more than
running them) and with room for hash aggregates (`work_mem`): sorting the grouped bucket rows by
their text keys was most of the cost. A week of the benchmark's million tickets (49,000 outcome
rollup rows, 110,000 buckets) takes 2.5–4 s at load 5; with `jsonb_object_agg` and five grains
it took 7–10 s. The buckets are read by their rollup row's id, between the lowest and the
highest of the days' rollup rows (a day's rows are written together, so their ids are close):
otherwise a day's totals read the whole bucket table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.db import connection, router

from .models import (
    GRAIN_DIMENSIONS,
    OUTCOME_COUNTS,
    SURVEY_COUNTS,
    TICKET_COUNTS,
    Grain,
    OutcomeBucket,
    OutcomeRollup,
    OutcomeTotal,
    SurveyRollup,
    SurveyTotal,
    TicketRollup,
    TicketTotal,
)

DAYS_PER_STATEMENT = 31
# The rollup dimensions a grain may keep, in GROUPING()'s argument order.
_DIMS = ("team_id", "department_id", "service_item_id", "priority")
_SUMS = {TicketTotal: TICKET_COUNTS, SurveyTotal: SURVEY_COUNTS,
         OutcomeTotal: [name for name in OUTCOME_COUNTS if name != "kind"]}


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _col(model, attname: str) -> str:
    return _q(model._meta.get_field(attname.removesuffix("_id")).column)


def _table(model) -> str:
    return _q(model._meta.db_table)


def _mask(grain: Grain) -> int:
    """What PostgreSQL's GROUPING(team, department, service item, priority) says for a grain's
    rows: a bit set (first argument highest) for each dimension not grouped by."""
    kept = GRAIN_DIMENSIONS[grain]
    return sum(1 << (len(_DIMS) - 1 - i) for i, dim in enumerate(_DIMS) if dim not in kept)


def _grain_case() -> str:
    """The grain of a GROUPING SETS row, from its GROUPING() mask (PostgreSQL)."""
    cols = ", ".join(f"r.{_col(TicketRollup, dim)}" for dim in _DIMS)
    whens = " ".join(f"WHEN {_mask(g)} THEN '{g.value}'" for g in Grain)
    return f"CASE GROUPING({cols}) {whens} END"


class _Cut:
    """How one statement groups the rollup rows `r`: on PostgreSQL every grain at once, on
    SQLite the one grain given. `select` names the grain and its dimensions (the others NULL,
    the priority blank), `group` is the GROUP BY after the day (and kind)."""

    def __init__(self, grain: Grain | None):
        if grain is None:
            sets = ", ".join("(" + ", ".join(f"r.{_col(TicketRollup, d)}" for d in GRAIN_DIMENSIONS[g]) + ")"
                             for g in Grain)
            self.group = f"GROUPING SETS ({sets})"
            grain_sql = _grain_case()
            dims = [f"r.{_col(TicketRollup, d)}" for d in _DIMS]
        else:
            kept = GRAIN_DIMENSIONS[grain]
            self.group = ", ".join(f"r.{_col(TicketRollup, d)}" for d in kept)
            grain_sql = f"'{grain.value}'"
            dims = [f"r.{_col(TicketRollup, d)}" if d in kept else "NULL" for d in _DIMS]
        dims[-1] = f"coalesce({dims[-1]}, '')"  # the priority column is blank, not NULL
        self.select = ", ".join([f"{grain_sql} AS grain", *(f"{e} AS {_col(TicketRollup, d)}"
                                                            for e, d in zip(dims, _DIMS, strict=True))])


def _cuts() -> list[_Cut]:
    if connection.vendor == "postgresql":
        return [_Cut(None)]
    return [_Cut(grain) for grain in Grain]


def _days_sql(days: list[dt.date]) -> tuple[str, list]:
    return f"r.{_q('day')} IN ({', '.join(['%s'] * len(days))})", list(days)


def _dims_cols(model) -> str:
    return ", ".join(_col(model, d) for d in _DIMS)


def _insert_counts(total, rollup, days: list[dt.date], cut: _Cut) -> int:
    """Tickets and surveys: sums per grain."""
    where, params = _days_sql(days)
    sums = _SUMS[total]
    sql = (f"INSERT INTO {_table(total)} ({_q('day')}, {_col(total, 'grain')}, {_dims_cols(total)}, "
           f"{', '.join(_col(total, s) for s in sums)}) "
           f"SELECT r.{_q('day')}, {cut.select}, {', '.join(f'sum(r.{_col(rollup, s)})' for s in sums)} "
           f"FROM {_table(rollup)} r WHERE {where} GROUP BY r.{_q('day')}, {cut.group}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _insert_outcomes(days: list[dt.date], cut: _Cut) -> int:
    """Outcomes: sums per grain and kind, and the histograms of their buckets."""
    r, b, t = OutcomeRollup, OutcomeBucket, OutcomeTotal
    where, params = _days_sql(days)
    sums = _SUMS[t]
    day, kind = _q("day"), _col(r, "kind")
    keys = ["day", "kind", "grain", *(_col(t, d) for d in _DIMS)]
    keys = [_q(k) if k in ("day", "kind", "grain") else k for k in keys]
    concat = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    cast = "::jsonb" if connection.vendor == "postgresql" else ""

    def agg(measure: str) -> str:
        return (f"('{{' || {concat}('\"' || h.bucket || '\":' || h.n, ',') FILTER (WHERE h.measure = '{measure}')"
                f" || '}}'){cast}")
    same = " AND ".join(f"coalesce(c.{k}, -1) = coalesce(hj.{k}, -1)" if k not in (day, kind, _q("grain"),
                                                                              _col(t, "priority"))
                        else f"c.{k} = hj.{k}" for k in keys)
    business, wall = OutcomeBucket.Measure.BUSINESS.value, OutcomeBucket.Measure.WALL.value
    sql = f"""
        WITH c AS (
          SELECT r.{day} AS {day}, r.{kind} AS {kind}, {cut.select},
                 {', '.join(f'sum(r.{_col(r, s)}) AS {_col(r, s)}' for s in sums)}
          FROM {_table(r)} r WHERE {where}
          GROUP BY r.{day}, r.{kind}, {cut.group}
        ), h AS (
          SELECT r.{day} AS {day}, r.{kind} AS {kind}, {cut.select}, b.{_col(b, 'measure')} AS measure,
                 b.{_col(b, 'bucket')} AS bucket, sum(b.{_col(b, 'count')}) AS n
          FROM {_table(b)} b JOIN {_table(r)} r ON r.{_col(r, 'id')} = b.{_col(b, 'rollup')}
          WHERE {where} AND b.{_col(b, 'rollup')} BETWEEN (SELECT min(r.{_col(r, 'id')}) FROM {_table(r)} r WHERE {where})
                                                      AND (SELECT max(r.{_col(r, 'id')}) FROM {_table(r)} r WHERE {where})
          GROUP BY r.{day}, r.{kind}, b.{_col(b, 'measure')}, b.{_col(b, 'bucket')}, {cut.group}
        ), hj AS (
          SELECT {', '.join(f'h.{k} AS {k}' for k in keys)},
                 {agg(business)} AS bh, {agg(wall)} AS wh
          FROM h GROUP BY {', '.join(f'h.{k}' for k in keys)}
        )
        INSERT INTO {_table(t)} ({', '.join(keys)}, {', '.join(_col(t, s) for s in sums)},
                                 {_col(t, 'business_histogram')}, {_col(t, 'wall_histogram')})
        SELECT {', '.join(f'c.{k}' for k in keys)}, {', '.join(f'c.{_col(r, s)}' for s in sums)},
               coalesce(hj.bh, '{{}}'{cast}), coalesce(hj.wh, '{{}}'{cast})
        FROM c LEFT JOIN hj ON {same}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params * 4)
        return cursor.rowcount


def _chunks(days: Iterable[dt.date]) -> Iterator[list[dt.date]]:
    ordered = sorted(set(days))
    for start in range(0, len(ordered), DAYS_PER_STATEMENT):
        yield ordered[start:start + DAYS_PER_STATEMENT]


def write_totals(days: Iterable[dt.date]) -> int:
    """Rebuild the totals of `days` from their rollup rows (which the caller wrote first, in
    the same transaction). Returns the total rows written."""
    written = 0
    if connection.vendor == "postgresql":
        # Room for the statements' hash aggregates (a month of a million tickets' buckets): with
        # the default 4 MB they sort instead, on text keys, at several times the cost.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
    for chunk in _chunks(days):
        for model in (TicketTotal, OutcomeTotal, SurveyTotal):
            model.objects.filter(day__in=chunk).delete()
        for cut in _cuts():
            written += _insert_counts(TicketTotal, TicketRollup, chunk, cut)
            written += _insert_outcomes(chunk, cut)
            written += _insert_counts(SurveyTotal, SurveyRollup, chunk, cut)
    return written


def clear_totals() -> None:
    for model in (TicketTotal, OutcomeTotal, SurveyTotal):
        model.objects.all().delete()


def totals_missing() -> bool:
    """Rollups there but no totals of some grain (a database rolled up before the totals
    existed, or before that grain did: every rollup row counts in every grain): the next run
    writes them for every day. Asked of the database the rollup writes to (the rollup models
    are read from the replica when there is one)."""
    primary = router.db_for_write(TicketRollup)
    if not TicketRollup.objects.using(primary).exists():
        return False
    totals = TicketTotal.objects.using(primary)
    return any(not totals.filter(grain=grain).exists() for grain in Grain)
