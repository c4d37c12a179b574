"""Reads of the report figures: every page, the API, the exports, the summary mails and the
quarterly review ask here. They read the daily rollups (reports.models), never the raw
tables, except the backlog (open tickets now) and the feedback counts (few rows): the totals
of a grain (a team by department, a department by service item, …: reports.totals) when the
scope and the breakdown fit one (`grain_for`), the rollup rows themselves otherwise. Both are
rebuilt together and give the same figures (tests/reports/test_totals.py).

Who may see which scope is decided by reports.access, not here: these functions take a
scope that the caller already checked.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import reduce
from operator import or_
from zoneinfo import ZoneInfo

from django.db.models import Count, DateField, Q, QuerySet, Sum
from django.db.models.functions import TruncQuarter, TruncWeek
from django.utils import timezone

from feedback.selectors import feedback_counts
from tickets.constants import OPEN_STATUSES
from tickets.models import ServiceItem, Ticket

from . import definitions as d
from .knowledge import knowledge_summary
from .models import (
    GRAIN_DIMENSIONS,
    Grain,
    OutcomeBucket,
    OutcomeRollup,
    OutcomeTotal,
    SurveyRollup,
    SurveyTotal,
    TicketRollup,
    TicketTotal,
)
from .rollup import report_zone, rollup_as_of

# A scope's filters as the rollup rows name them, and as the ticket rows do.
_ROLLUP_FIELD = {"service_item_id": "service_item_id", "priority": "priority",
                 "department_id": "department_id", "assignee_id": "assignee_id"}
_TICKET_FIELD = {"service_item_id": "service_item_id", "priority": "priority",
                 "department_id": "requester_department_id", "assignee_id": "assignee_id"}
# (target kind, measure) pairs whose histograms a read needs; None: all of them.
Histograms = Iterable[tuple[str, str]] | None
# What a breakdown can be grouped by (rollup field names).
BREAKDOWNS = ("team_id", "service_item_id", "priority", "department_id", "assignee_id")


@dataclass(frozen=True)
class ReportScope:
    """Which work a report counts: the teams (None: every team), and optionally one
    requesting department, service item, service category, priority and assignee."""

    team_ids: tuple[int, ...] | None = None
    department_id: int | None = None
    service_item_id: int | None = None
    category_id: int | None = None
    priority: str | None = None
    assignee_id: int | None = None

    def narrowed(self, **changes) -> ReportScope:
        return replace(self, **changes)

    def rollup_q(self, period: d.Period) -> Q:
        q = Q(day__gte=period.first, day__lte=period.last)
        if self.team_ids is not None:
            q &= Q(team_id__in=self.team_ids)
        for name, column in _ROLLUP_FIELD.items():
            if getattr(self, name) is not None:
                q &= Q(**{column: getattr(self, name)})
        if self.category_id is not None:
            q &= Q(service_item_id__in=_category_items(self.category_id))
        return q

    def ticket_q(self) -> Q:
        q = Q()
        if self.team_ids is not None:
            q &= Q(team_id__in=self.team_ids)
        for name, column in _TICKET_FIELD.items():
            if getattr(self, name) is not None:
                q &= Q(**{column: getattr(self, name)})
        if self.category_id is not None:
            q &= Q(service_item__category_id=self.category_id)
        return q


def _category_items(category_id: int) -> QuerySet:
    return ServiceItem.objects.filter(category_id=category_id).values("pk")


# ---------------------------------------------------------------------------------------------
# Where the figures are read: the totals of a grain, or the rollups


def grain_for(scope: ReportScope, by: str | None = None) -> Grain | None:
    """The coarsest cut that can answer a scope (and a breakdown by `by`): the first grain
    (reports.models.GRAIN_DIMENSIONS) keeping every dimension the scope filters on and the
    breakdown groups by; None (read the rollups) when none does, e.g. for an assignee."""
    if scope.assignee_id is not None or by == "assignee_id":
        return None
    used = {by} if by else set()
    for name, dim in (("team_ids", "team_id"), ("department_id", "department_id"),
                      ("service_item_id", "service_item_id"), ("category_id", "service_item_id"),
                      ("priority", "priority")):
        if getattr(scope, name) is not None:
            used.add(dim)
    return next((grain for grain, dims in GRAIN_DIMENSIONS.items() if used <= set(dims)), None)


@dataclass(frozen=True)
class _Source:
    """The rows a report reads: a grain's totals, or (grain None) the rollups."""

    grain: Grain | None

    @property
    def tickets(self):
        return TicketRollup if self.grain is None else TicketTotal

    @property
    def outcomes(self):
        return OutcomeRollup if self.grain is None else OutcomeTotal

    @property
    def surveys(self):
        return SurveyRollup if self.grain is None else SurveyTotal

    def q(self, scope: ReportScope, period: d.Period) -> Q:
        q = scope.rollup_q(period)
        return q if self.grain is None else q & Q(grain=self.grain)


def _source(scope: ReportScope, by: str | None = None) -> _Source:
    return _Source(grain_for(scope, by))


def _outcome_figures(source: _Source, q: Q, by: str | None, histograms: Histograms = None) -> dict:
    """{(value of `by` or None, kind): [met, decided, timed, business histogram, wall histogram]}
    of the outcome rows matching q; the histograms of the (kind, measure) pairs in
    `histograms` only (None: all), the others empty."""
    wanted = None if histograms is None else set(histograms)
    business, wall = OutcomeBucket.Measure.BUSINESS.value, OutcomeBucket.Measure.WALL.value
    figures: dict = defaultdict(lambda: [0, 0, 0, defaultdict(int), defaultdict(int)])
    group = [by] if by else []
    for row in (source.outcomes.objects.filter(q).values(*group, "kind")
                .annotate(met=Sum("met"), decided=Sum("decided"), timed=Sum("timed")).order_by()):
        entry = figures[(row[by] if by else None, row["kind"])]
        entry[0:3] = [row["met"], row["decided"], row["timed"]]
    if wanted is not None and not wanted:
        return figures
    if source.grain is not None:
        # A grain's rows are few (a team's week: 7 days × its departments × 3 kinds): their
        # histograms ({bucket: count}) summed here, only those asked for.
        pairs = wanted if wanted is not None else {(k, m) for k in d.TARGET_KINDS for m in (business, wall)}
        measures = sorted({m for _, m in pairs})
        columns = ["business_histogram" if m == business else "wall_histogram" for m in measures]
        rows = (source.outcomes.objects.filter(q, kind__in={k for k, _ in pairs})
                .values_list(by or "grain", "kind", *columns))
        for key, kind, *histograms in rows:
            entry = figures[(key if by else None, kind)]
            for measure, counts in zip(measures, histograms, strict=True):
                if (kind, measure) in pairs:
                    histogram = entry[3] if measure == business else entry[4]
                    for bucket, n in counts.items():
                        histogram[int(bucket)] += n
        return figures
    bucket_group = [f"rollup__{by}"] if by else []
    buckets = OutcomeBucket.objects.filter(rollup__in=OutcomeRollup.objects.filter(q))
    if wanted is not None:
        buckets = buckets.filter(reduce(or_, (Q(rollup__kind=kind, measure=measure) for kind, measure in wanted)))
    for row in (buckets
                .values(*bucket_group, "rollup__kind", "measure", "bucket").annotate(n=Sum("count")).order_by()):
        entry = figures[(row[f"rollup__{by}"] if by else None, row["rollup__kind"])]
        histogram = entry[3] if row["measure"] == business else entry[4]
        histogram[row["bucket"]] = row["n"]
    return figures


# ---------------------------------------------------------------------------------------------
# The figures of one scope and period


def _sla_entry(met: int, decided: int, timed: int, business: dict[int, int], wall: dict[int, int]) -> dict:
    return {
        "met": met, "decided": decided, "compliance": d.ratio(met, decided), "timed": timed,
        "p50_business_seconds": d.percentile_from_histogram(business, 0.5),
        "p90_business_seconds": d.percentile_from_histogram(business, 0.9),
        "p50_wall_seconds": d.percentile_from_histogram(wall, 0.5),
        "p90_wall_seconds": d.percentile_from_histogram(wall, 0.9),
    }


def _satisfaction_entry(sent: int, responses: int, positive: int, score_sum: int) -> dict:
    return {
        "sent": sent, "responses": responses, "positive": positive,
        "positive_share": d.ratio(positive, responses),
        "mean": round(score_sum / responses, 2) if responses else None,
        "response_rate": d.ratio(responses, sent),
    }


def _zero(value) -> int:
    return value or 0


def report_summary(*, scope: ReportScope, period: d.Period, now: dt.datetime | None = None,
                   with_backlog: bool = True, with_feedback: bool = True, with_knowledge: bool = True) -> dict:
    """Every figure of the reports for a scope and period (days inclusive, in the report time
    zone), each with its counts. See reports.definitions and the README for what they count;
    the knowledge-base figures (`knowledge`) are reports.knowledge's."""
    now = now or timezone.now()
    zone = report_zone()
    source = _source(scope)
    q = source.q(scope, period)
    tickets = source.tickets.objects.filter(q).aggregate(
        created=Sum("created"), resolved=Sum("resolved"), reopened=Sum("reopened"),
        first_contact=Sum("first_contact"))
    resolved = _zero(tickets["resolved"])
    outcomes = _outcome_figures(source, q, None)
    sla = {kind: _sla_entry(*outcomes[(None, kind)]) for kind in d.TARGET_KINDS}
    surveys = source.surveys.objects.filter(q).aggregate(
        sent=Sum("sent"), responses=Sum("responses"), positive=Sum("positive"), score_sum=Sum("score_sum"))
    start, end = d.day_range(period.first, period.last, zone)
    summary = {
        "period": {"from": period.first, "to": period.last, "time_zone": str(zone)},
        "as_of": rollup_as_of(),
        "created": _zero(tickets["created"]),
        "resolved": resolved,
        "reopened": _zero(tickets["reopened"]),
        "first_contact": {"count": _zero(tickets["first_contact"]), "resolved": resolved,
                          "rate": d.ratio(_zero(tickets["first_contact"]), resolved)},
        "sla": sla,
        "satisfaction": _satisfaction_entry(*(_zero(surveys[k]) for k in ("sent", "responses", "positive",
                                                                           "score_sum"))),
    }
    if with_backlog:
        summary["backlog"] = backlog(scope=scope, now=now, zone=zone)
    if with_feedback:
        summary["feedback"] = _feedback(scope, start, end)
    if with_knowledge:
        summary["knowledge"] = _knowledge(scope, start, end)
    return summary


def _narrower_than_teams(scope: ReportScope) -> bool:
    return any(getattr(scope, name) is not None for name in ("department_id", "service_item_id", "category_id",
                                                             "priority", "assignee_id"))


def _knowledge(scope: ReportScope, start: dt.datetime, end: dt.datetime) -> dict | None:
    """The knowledge-base figures of the scope's teams' articles (an article belongs to a
    team, not to a service item, a department or a person: None when the scope is narrower
    than teams; a member's own are on their scorecard)."""
    if _narrower_than_teams(scope):
        return None
    return knowledge_summary(team_ids=scope.team_ids, start=start, end=end)


def _feedback(scope: ReportScope, start: dt.datetime, end: dt.datetime) -> dict | None:
    """Feedback sent to the scope's teams in the period, by kind and status (feedback is about
    a team, not a service item or a person: None when the scope is narrower than teams)."""
    if _narrower_than_teams(scope):
        return None
    counts = feedback_counts(team_ids=list(scope.team_ids) if scope.team_ids is not None else None,
                             start=start, end=end)
    total: dict = {"total": 0, "kind": defaultdict(int), "status": defaultdict(int)}
    for team_counts in counts.values():
        total["total"] += team_counts["total"]
        for key in ("kind", "status"):
            for name, n in team_counts[key].items():
                total[key][name] += n
    return {"total": total["total"], "kind": dict(total["kind"]), "status": dict(total["status"])}


def backlog_age_q(key: str, *, now: dt.datetime, zone: ZoneInfo) -> Q:
    """Tickets filed in one backlog age bucket (reports.definitions.AGE_BUCKETS): on the day
    `first` days ago or before, and on the day `last` days ago or after (report days). The
    backlog figure and its drill-down list both filter with this."""
    first, last = next((f, la) for k, f, la in d.AGE_BUCKETS if k == key)
    today_start = d.day_start(d.local_day(now, zone), zone)
    cond = Q(created_at__lt=today_start - dt.timedelta(days=first - 1)) if first else Q()
    if last is not None:
        cond &= Q(created_at__gte=today_start - dt.timedelta(days=last))
    return cond


def backlog(*, scope: ReportScope, now: dt.datetime, zone: ZoneInfo | None = None) -> dict:
    """Open tickets now (new, open, pending) and their age in whole days since filing, in
    the buckets of reports.definitions.AGE_BUCKETS. One query."""
    zone = zone or report_zone()
    whens = {key: Count("pk", filter=backlog_age_q(key, now=now, zone=zone)) for key, _, _ in d.AGE_BUCKETS}
    counts = (Ticket.objects.filter(scope.ticket_q(), status__in=OPEN_STATUSES)
              .aggregate(total=Count("pk"), **{f"age_{k.replace('-', '_').replace('+', 'plus')}": w
                                               for k, w in whens.items()}))
    return {"total": counts["total"],
            "age": {key: counts[f"age_{key.replace('-', '_').replace('+', 'plus')}"] for key, _, _ in d.AGE_BUCKETS}}


# ---------------------------------------------------------------------------------------------
# Breakdowns and trends


def report_breakdown(*, scope: ReportScope, period: d.Period, by: str, histograms: Histograms = None) -> dict:
    """The figures per value of one dimension (team, service item, priority, department or
    assignee) for a scope and period: {value: {created, resolved, reopened, first_contact,
    sla: {kind: {met, decided, compliance, p50_business_seconds}}, satisfaction}}; the
    percentiles per value from the histograms: of the (kind, measure) pairs in `histograms`
    only (None: every pair; a percentile not asked for is None), as reading them is most of a
    breakdown's cost. A handful of GROUP BY queries."""
    if by not in BREAKDOWNS:
        raise ValueError(f"cannot break down by {by}")
    source = _source(scope, by)
    q = source.q(scope, period)
    result: dict = defaultdict(lambda: {
        "created": 0, "resolved": 0, "reopened": 0, "first_contact": 0,
        "sla": {kind: _sla_entry(0, 0, 0, {}, {}) for kind in d.TARGET_KINDS},
        "satisfaction": _satisfaction_entry(0, 0, 0, 0),
    })
    for row in (source.tickets.objects.filter(q).values(by)
                .annotate(created=Sum("created"), resolved=Sum("resolved"), reopened=Sum("reopened"),
                          first_contact=Sum("first_contact")).order_by()):
        result[row[by]].update({k: row[k] for k in ("created", "resolved", "reopened", "first_contact")})
    for (key, kind), figures in _outcome_figures(source, q, by, histograms).items():
        result[key]["sla"][kind] = _sla_entry(*figures)
    for row in (source.surveys.objects.filter(q).values(by)
                .annotate(sent=Sum("sent"), responses=Sum("responses"), positive=Sum("positive"),
                          score_sum=Sum("score_sum")).order_by()):
        result[row[by]]["satisfaction"] = _satisfaction_entry(row["sent"], row["responses"], row["positive"],
                                                              row["score_sum"])
    return dict(result)


def backlog_by(*, scope: ReportScope, by: str) -> dict:
    """Open tickets now per value of one dimension (e.g. each member's load)."""
    field = {"team_id": "team_id", **_TICKET_FIELD}[by]
    rows = (Ticket.objects.filter(scope.ticket_q(), status__in=OPEN_STATUSES).values(field)
            .annotate(n=Count("pk")).order_by())
    return {row[field]: row["n"] for row in rows}


def report_trend(*, scope: ReportScope, last: dt.date, weeks: int = 12) -> list[dict]:
    """Weekly figures (Monday … Sunday) of the `weeks` weeks ending with the week of `last`:
    per week created, resolved, SLA met / decided per kind, satisfaction positive / responses.
    Plain sums, no percentiles: a few GROUP BY queries whatever the number of weeks."""
    first_week = d.week_start(last) - dt.timedelta(weeks=weeks - 1)
    period = d.Period(first_week, d.week_start(last) + dt.timedelta(days=6))
    starts = [first_week + dt.timedelta(weeks=n) for n in range(weeks)]
    return _bucketed(scope, period, starts, TruncWeek)  # weeks start on Monday, as d.week_start


def report_quarters(*, scope: ReportScope, last: dt.date, quarters: int = 4) -> list[dict]:
    """The same figures per calendar quarter, the `quarters` quarters ending with `last`'s."""
    starts = []
    day = d.quarter_start(last)
    for _ in range(quarters):
        starts.insert(0, day)
        day = d.quarter_start(day - dt.timedelta(days=1))
    period = d.Period(starts[0], d.quarter_of(last).last)
    return _bucketed(scope, period, starts, TruncQuarter)


def _bucketed(scope: ReportScope, period: d.Period, starts: list[dt.date], trunc) -> list[dict]:
    """The sums per week or quarter (`trunc`: TruncWeek or TruncQuarter, grouped where the
    rows are: a year's quarters are 4 rows per source, not 365)."""
    source = _source(scope)
    q = source.q(scope, period)
    bucket = trunc("day", output_field=DateField())
    out = {start: {"start": start, "created": 0, "resolved": 0,
                   "sla": {kind: {"met": 0, "decided": 0, "compliance": None} for kind in d.TARGET_KINDS},
                   "satisfaction": {"responses": 0, "positive": 0, "positive_share": None}} for start in starts}
    for row in (source.tickets.objects.filter(q).values(start=bucket)
                .annotate(created=Sum("created"), resolved=Sum("resolved")).order_by()):
        entry = out[row["start"]]
        entry["created"] += row["created"]
        entry["resolved"] += row["resolved"]
    for row in (source.outcomes.objects.filter(q).values("kind", start=bucket)
                .annotate(met=Sum("met"), decided=Sum("decided")).order_by()):
        entry = out[row["start"]]["sla"][row["kind"]]
        entry["met"] += row["met"]
        entry["decided"] += row["decided"]
    for row in (source.surveys.objects.filter(q).values(start=bucket)
                .annotate(responses=Sum("responses"), positive=Sum("positive")).order_by()):
        entry = out[row["start"]]["satisfaction"]
        entry["responses"] += row["responses"]
        entry["positive"] += row["positive"]
    for entry in out.values():
        for kind_entry in entry["sla"].values():
            kind_entry["compliance"] = d.ratio(kind_entry["met"], kind_entry["decided"])
        sat = entry["satisfaction"]
        sat["positive_share"] = d.ratio(sat["positive"], sat["responses"])
    return [out[start] for start in starts]

