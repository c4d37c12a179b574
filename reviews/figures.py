"""The figures of a quarterly review, computed once when the review is opened or refreshed and
stored on its items (so that a closed review never changes).

Per standard version in force during the quarter (reports days cut in the report time zone,
reports.rollup.report_zone):

- `tickets`: distinct tickets with an SLA outcome under this version decided in the quarter;
- `sla[kind]`: met / decided of the outcomes in force (SLAOutcome.objects.in_force()) under this
  version decided in the quarter, and the exact p90 of their business seconds
  (reports.definitions.exact_percentile over the cycles whose time is known: a breached cycle
  whose late work is not done has none yet), against the target;
- `previous`: the same for the previous quarter, over every version of the same lineage;
- `satisfaction` and `feedback`: of the version's service team over the quarter
  (reports.selectors.report_summary: satisfaction from the daily rollups, feedback counted);
- `flags`: reviews.rules with the thresholds of the settings, stored with them.

The outcomes are read raw (one pass per review, in the review's task or service call), since
the percentiles are exact here; the reports' rollups are per team, not per standard version.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings

from reports import definitions as d
from reports.rollup import report_zone
from reports.selectors import ReportScope, report_summary
from sla.models import ServiceStandard, SLAOutcome, StandardChange

from . import rules

TARGET_FIELDS = {"first_response": "first_response_minutes", "next_response": "next_response_minutes",
                 "resolution": "resolution_minutes"}


def thresholds() -> dict:
    """The flag thresholds of the settings (see reviews.rules)."""
    return {"miss_rate": float(settings.REVIEW_FLAG_MISS_RATE),
            "easy_fraction": float(settings.REVIEW_FLAG_EASY_FRACTION),
            "min_n": int(settings.REVIEW_FLAG_MIN_N)}


def quarter_period(quarter: dt.date) -> d.Period:
    return d.quarter_of(quarter)


def previous_quarter(quarter: dt.date) -> dt.date:
    return d.quarter_start(quarter - dt.timedelta(days=1))


def targets_of(standard: ServiceStandard) -> dict[str, int | None]:
    return {kind: getattr(standard, field) for kind, field in TARGET_FIELDS.items()}


def _instants(period: d.Period) -> tuple[dt.datetime, dt.datetime]:
    return d.day_range(period.first, period.last, report_zone())


def versions_in_force(period: d.Period) -> list[ServiceStandard]:
    """Standard versions in force at some time of the period: created before its end and not
    replaced by the next version, nor retired, before its start; and any version that still
    had outcomes decided in the period (a ticket keeps the version it was filed under)."""
    start, end = _instants(period)
    versions = list(ServiceStandard.objects.filter(created_at__lt=end).select_related("team")
                    .order_by("lineage", "version"))
    retired = dict(StandardChange.objects.filter(object_type="standard", action="retired",
                                                 object_id__in=[v.pk for v in versions if not v.is_current])
                   .values_list("object_id", "created_at"))
    by_lineage: dict = defaultdict(list)
    for version in versions:
        by_lineage[version.lineage].append(version)
    chosen = {}
    for lineage_versions in by_lineage.values():
        for index, version in enumerate(lineage_versions):
            nxt = lineage_versions[index + 1] if index + 1 < len(lineage_versions) else None
            until = nxt.created_at if nxt is not None else retired.get(version.pk)
            if until is None or until > start:
                chosen[version.pk] = version
    with_outcomes = set(SLAOutcome.objects.in_force().filter(decided_at__gte=start, decided_at__lt=end)
                        .order_by().values_list("standard_id", flat=True).distinct())
    missing = with_outcomes - set(chosen)
    if missing:
        chosen.update({v.pk: v for v in ServiceStandard.objects.filter(pk__in=missing).select_related("team")})
    return sorted(chosen.values(), key=lambda v: (v.team.name, v.name, v.version))


def _empty_group() -> dict:
    return {"tickets": set(), "met": defaultdict(int), "decided": defaultdict(int), "seconds": defaultdict(list)}


def outcome_figures(*, period: d.Period, group_of: dict[int, object]) -> dict[object, dict]:
    """{group: {"tickets": n, "sla": {kind: {met, decided, compliance, timed, p90_business_seconds}}}}
    of the outcomes in force decided in the period under the standard versions `group_of`
    names (version id → group: the version itself, or its lineage)."""
    start, end = _instants(period)
    groups: dict[object, dict] = defaultdict(_empty_group)
    rows = (SLAOutcome.objects.in_force()
            .filter(decided_at__gte=start, decided_at__lt=end, standard_id__in=list(group_of))
            .order_by().values_list("standard_id", "kind", "ticket_id", "met", "business_seconds"))
    for standard_id, kind, ticket_id, met, seconds in rows.iterator(chunk_size=10_000):
        group = groups[group_of[standard_id]]
        group["tickets"].add(ticket_id)
        group["decided"][kind] += 1
        group["met"][kind] += 1 if met else 0
        if seconds is not None:
            group["seconds"][kind].append(seconds)
    result = {}
    for key in set(group_of.values()):
        group = groups.get(key) or _empty_group()
        result[key] = {"tickets": len(group["tickets"]), "sla": {
            kind: {"met": group["met"][kind], "decided": group["decided"][kind],
                   "compliance": d.ratio(group["met"][kind], group["decided"][kind]),
                   "timed": len(group["seconds"][kind]),
                   "p90_business_seconds": d.exact_percentile(group["seconds"][kind], 0.9)}
            for kind in d.TARGET_KINDS}}
    return result


def _period_json(period: d.Period) -> dict:
    return {"from": period.first.isoformat(), "to": period.last.isoformat(), "time_zone": str(report_zone())}


def _team_figures(team_ids: Iterable[int], period: d.Period) -> dict[int, dict]:
    figures = {}
    for team_id in set(team_ids):
        summary = report_summary(scope=ReportScope(team_ids=(team_id,)), period=period, with_backlog=False)
        figures[team_id] = {"satisfaction": summary["satisfaction"], "feedback": summary["feedback"]}
    return figures


def review_figures(quarter: dt.date) -> list[tuple[ServiceStandard, dict]]:
    """Every standard version in force during the quarter with its figures (the stored shape
    of ReviewItem.figures)."""
    period = quarter_period(quarter)
    previous = quarter_period(previous_quarter(quarter))
    versions = versions_in_force(period)
    current = outcome_figures(period=period, group_of={v.pk: v.pk for v in versions})
    lineages = {v.lineage for v in versions}
    lineage_of = dict(ServiceStandard.objects.filter(lineage__in=lineages).values_list("pk", "lineage"))
    before = outcome_figures(period=previous, group_of=lineage_of) if lineage_of else {}
    teams = _team_figures((v.team_id for v in versions), period)
    limits = thresholds()
    result = []
    for version in versions:
        targets = targets_of(version)
        sla = current[version.pk]["sla"]
        for kind, entry in sla.items():
            target = targets[kind]
            entry["target_minutes"] = target
            entry["small_n"] = entry["decided"] < limits["min_n"]
            p90 = entry["p90_business_seconds"]
            entry["p90_target_share"] = p90 / (target * 60) if p90 is not None and target else None
        prior = before.get(version.lineage, {"tickets": 0, "sla": {}})
        result.append((version, {
            "period": _period_json(period),
            "tickets": current[version.pk]["tickets"],
            "sla": sla,
            "previous": {"period": _period_json(previous), **prior},
            **teams[version.team_id],
            "flags": rules.review_flags(sla=sla, targets=targets, **limits),
            "thresholds": limits,
        }))
    return result
