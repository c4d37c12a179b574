"""The report tables, defined once: the pages render them, the CSV and XLSX exports write
them, the summary mails quote them. A table is columns (with what each counts) and rows of
plain values; how a value looks (a percentage, a duration, a date in the viewer's zone) is
the column's `kind`, formatted by whoever shows it.

`TABLES` names every exportable table: key → builder(scope, period, now) → Table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from teams.models import Department, Team, User
from tickets.constants import Priority
from tickets.models import ServiceItem

from . import definitions as d
from .selectors import ReportScope, report_breakdown, report_summary

# Column kinds: how a value is shown and exported.
TEXT, COUNT, RATIO, SECONDS, NUMBER, DATE = "text", "count", "ratio", "seconds", "number", "date"

# The counts' names: "Created" alone is also a date's label elsewhere ("创建时间"); here a count.
FIGURE_LABELS = {
    "created": pgettext_lazy("report figure", "Created"),
    "resolved": pgettext_lazy("report figure", "Resolved"),
    "reopened": pgettext_lazy("report figure", "Reopened"),
}

KIND_LABELS = {
    "first_response": _("First response"),
    "next_response": _("Next response"),
    "resolution": _("Resolution"),
}


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # a lazy translation
    kind: str = COUNT
    help: Any = ""  # what the column counts


@dataclass
class Table:
    key: str
    title: Any
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    # Per row, optional ids the pages use for drill-down links (same length as rows).
    row_keys: list[Any] = field(default_factory=list)
    # Per row, the kind of its NUMBER cells when a column mixes kinds (the summary's values:
    # a ratio, a duration, a count or a mean); empty: each column's own kind.
    row_kinds: list[str] = field(default_factory=list)
    notes: list[Any] = field(default_factory=list)


def _interpolated(text, values: dict):
    """A lazy translation with its placeholders filled when it is shown (a lazy string's `%`
    would translate it at once, in whatever language is active when this module is imported)."""
    return lazy(lambda: str(text) % values, str)()


# What each figure counts (the pages show it beside the figure; the README repeats it).
FIGURE_HELP = {
    "created": _("Tickets filed in the period."),
    "resolved": _("Resolutions in the period (a ticket resolved, reopened and resolved again counts twice)."),
    "reopened": _interpolated(_("Reopens in the period that came within %(days)d days of the resolution they undid."),
                              {"days": d.REOPEN_WINDOW_DAYS}),
    "backlog": _("Tickets open now (new, open or waiting on the requester), by days since filing."),
    "first_contact": _("Resolutions with at most one public reply from the team, never reopened, "
                       "out of all resolutions."),
    "compliance": _("Cycles of the target met on time, out of the cycles decided in the period "
                    "(met, or past their due time)."),
    "p50": _("Half of the timed cycles took at most this long (to within one histogram bucket)."),
    "p90": _("Nine in ten timed cycles took at most this long (to within one histogram bucket)."),
    "satisfaction": _interpolated(
        _("Survey responses scoring %(score)d or 5, out of the responses answered in the period."),
        {"score": d.POSITIVE_SCORE}),
    "response_rate": _("Responses answered, out of surveys sent in the period."),
    "mean": _("Mean score (1–5) of the responses answered in the period."),
}


def summary_table(summary: dict) -> Table:
    """Figure | value | out of (n) | what it counts."""
    table = Table(key="summary", title=_("Summary"), columns=[
        Column("figure", _("Figure"), TEXT), Column("value", _("Value"), NUMBER),
        Column("n", _("Out of (n)"), COUNT), Column("help", _("What it counts"), TEXT),
    ])

    def add(key: str, kind: str, row: list) -> None:
        # key: the figure the row shows (the pages' drill-down links), kind: its value's kind
        table.rows.append(row)
        table.row_keys.append(key)
        table.row_kinds.append(kind)

    add("created", COUNT, [FIGURE_LABELS["created"], summary["created"], None, FIGURE_HELP["created"]])
    add("resolved", COUNT, [FIGURE_LABELS["resolved"], summary["resolved"], None, FIGURE_HELP["resolved"]])
    add("reopened", COUNT, [FIGURE_LABELS["reopened"], summary["reopened"], summary["resolved"], FIGURE_HELP["reopened"]])
    fc = summary["first_contact"]
    add("first_contact", RATIO, [_("First-contact resolution"), fc["rate"], fc["resolved"],
                                 FIGURE_HELP["first_contact"]])
    for kind in d.TARGET_KINDS:
        entry = summary["sla"][kind]
        label = KIND_LABELS[kind]
        add(f"{kind}.compliance", RATIO, [_("%(target)s: compliance") % {"target": label}, entry["compliance"],
                                          entry["decided"], FIGURE_HELP["compliance"]])
        for p in ("p50", "p90"):
            for measure, measure_label in (("business", _("business time")), ("wall", _("wall time"))):
                add(f"{kind}.{p}_{measure}", SECONDS,
                    [_("%(target)s: %(p)s, %(measure)s") % {"target": label, "p": p, "measure": measure_label},
                     entry[f"{p}_{measure}_seconds"], entry["timed"], FIGURE_HELP[p]])
    sat = summary["satisfaction"]
    add("satisfaction.positive", RATIO, [_("Satisfied (4–5)"), sat["positive_share"], sat["responses"],
                                         FIGURE_HELP["satisfaction"]])
    add("satisfaction.mean", NUMBER, [_("Mean score"), sat["mean"], sat["responses"], FIGURE_HELP["mean"]])
    add("satisfaction.response_rate", RATIO, [_("Survey response rate"), sat["response_rate"], sat["sent"],
                                              FIGURE_HELP["response_rate"]])
    if "backlog" in summary:
        add("backlog", COUNT, [_("Backlog now"), summary["backlog"]["total"], None, FIGURE_HELP["backlog"]])
    return table


def _names(by: str, keys: list) -> dict:
    ids = [k for k in keys if k is not None]
    if by == "team_id":
        return {t.pk: t.tr("name") for t in Team.objects.filter(pk__in=ids)}
    if by == "service_item_id":
        return {i.pk: i.tr("name") for i in ServiceItem.objects.filter(pk__in=ids)}
    if by == "department_id":
        return {dep.pk: dep.tr("name") for dep in Department.objects.filter(pk__in=ids)}
    if by == "assignee_id":
        return {u.pk: u.display_name for u in User.objects.filter(pk__in=ids)}
    return {p.value: p.label for p in Priority}


BREAKDOWN_TITLES = {
    "team_id": _("By service team"), "service_item_id": _("By service"), "priority": _("By priority"),
    "department_id": _("By requesting department"), "assignee_id": _("By assignee"),
}
NONE_LABELS = {"service_item_id": _("(no service)"), "department_id": _("(no department)"),
               "assignee_id": _("(unassigned)"), "team_id": "", "priority": ""}


def breakdown_table(breakdown: dict, by: str) -> Table:
    """One row per team / service / priority / department / assignee: tickets, compliance per
    target with its n, p50 first response, satisfaction with its n. Rows with the most
    breaches first (which service items miss their targets most)."""
    columns = [Column("name", BREAKDOWN_TITLES[by], TEXT), Column("created", FIGURE_LABELS["created"]),
               Column("resolved", FIGURE_LABELS["resolved"]),
               Column("reopened", FIGURE_LABELS["reopened"])]
    for kind in d.TARGET_KINDS:
        label = KIND_LABELS[kind]
        columns += [Column(f"{kind}_breached", _("%(target)s: breached") % {"target": label}),
                    Column(f"{kind}_compliance", _("%(target)s: compliance") % {"target": label}, RATIO,
                           FIGURE_HELP["compliance"]),
                    Column(f"{kind}_decided", _("%(target)s: decided (n)") % {"target": label})]
    columns += [Column("first_response_p50", _("First response p50 (business time)"), SECONDS, FIGURE_HELP["p50"]),
                Column("satisfied", _("Satisfied (4–5)"), RATIO, FIGURE_HELP["satisfaction"]),
                Column("responses", _("Survey responses (n)"))]
    table = Table(key=f"by_{by.removesuffix('_id')}", title=BREAKDOWN_TITLES[by], columns=columns)
    names = _names(by, list(breakdown))

    def breaches(item) -> int:
        return sum(e["decided"] - e["met"] for e in item[1]["sla"].values())

    for key, fig in sorted(breakdown.items(), key=lambda item: (-breaches(item), str(names.get(item[0], "")))):
        row = [names.get(key, NONE_LABELS[by]) if key is not None else NONE_LABELS[by],
               fig["created"], fig["resolved"], fig["reopened"]]
        for kind in d.TARGET_KINDS:
            e = fig["sla"][kind]
            row += [e["decided"] - e["met"], e["compliance"], e["decided"]]
        row += [fig["sla"]["first_response"]["p50_business_seconds"], fig["satisfaction"]["positive_share"],
                fig["satisfaction"]["responses"]]
        table.rows.append(row)
        table.row_keys.append(key)
    return table


def _summary(scope: ReportScope, period: d.Period, now: dt.datetime) -> Table:
    return summary_table(report_summary(scope=scope, period=period, now=now))


def _breakdown(by: str) -> Callable[[ReportScope, d.Period, dt.datetime], Table]:
    def build(scope: ReportScope, period: d.Period, now: dt.datetime) -> Table:
        return breakdown_table(report_breakdown(scope=scope, period=period, by=by), by)
    return build


# Every exportable table: key → builder(scope, period, now). Other tables (members, trend,
# the drill-down lists) register here as they are written.
TABLES: dict[str, Callable[[ReportScope, d.Period, dt.datetime], Table]] = {
    "summary": _summary,
    "by_team": _breakdown("team_id"),
    "by_service_item": _breakdown("service_item_id"),
    "by_priority": _breakdown("priority"),
    "by_department": _breakdown("department_id"),
    "by_assignee": _breakdown("assignee_id"),
}
