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
from teams.selectors import team_members
from tickets.constants import Priority
from tickets.models import ServiceItem

from . import definitions as d
from .models import OutcomeBucket
from .scorecards import TeamScorecards, team_scorecards
from .selectors import ReportScope, report_breakdown, report_summary, report_trend

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


def filled(message, **values):
    """A lazy translation whose placeholders are filled when it is shown: `%` on a lazy
    string translates it at once, at import, in English."""
    return lazy(lambda: str(message) % values, str)()


# What each figure counts (the pages show it beside the figure; the README repeats it).
FIGURE_HELP = {
    "created": _("Tickets filed in the period."),
    "resolved": _("Resolutions in the period (a ticket resolved, reopened and resolved again counts twice)."),
    "reopened": filled(_("Reopens in the period that came within %(days)d days of the resolution they undid."),
                       days=d.REOPEN_WINDOW_DAYS),
    "backlog": _("Tickets open now (new, open or waiting on the requester), by days since filing."),
    "first_contact": _("Resolutions with at most one public reply from the team, never reopened, "
                       "out of all resolutions."),
    "compliance": _("Cycles of the target met on time, out of the cycles decided in the period "
                    "(met, or past their due time)."),
    "p50": _("Half of the timed cycles took at most this long (to within one histogram bucket)."),
    "p90": _("Nine in ten timed cycles took at most this long (to within one histogram bucket)."),
    "satisfaction": filled(_("Survey responses scoring %(score)d or 5, out of the responses answered in the "
                             "period."), score=d.POSITIVE_SCORE),
    "response_rate": _("Responses answered, out of surveys sent in the period."),
    "mean": _("Mean score (1–5) of the responses answered in the period."),
}


# The counts' names ("Created" as a figure, not the date a ticket was created).
FIGURE_LABELS = {
    "created": pgettext_lazy("report figure", "Created"),
    "resolved": pgettext_lazy("report figure", "Resolved"),
    "reopened": pgettext_lazy("report figure", "Reopened"),
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
    if summary.get("knowledge"):
        for key, row in zip(KNOWLEDGE_KEYS, knowledge_rows(summary["knowledge"]), strict=True):
            # The helpful share is a ratio; the other knowledge figures are counts.
            add(f"knowledge.{key}", RATIO if row[2] is not None else COUNT, row)
    return table


def names_of(by: str, keys) -> dict:
    """The names of the values of one dimension (team, service, department, assignee ids or
    priorities), in the active language: one query."""
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


# The histograms a breakdown table needs (its one percentile column): pass to report_breakdown.
BREAKDOWN_HISTOGRAMS = (("first_response", OutcomeBucket.Measure.BUSINESS.value),)


def breakdown_table(breakdown: dict, by: str) -> Table:
    """One row per team / service / priority / department / assignee: tickets, compliance per
    target with its n, p50 first response, satisfaction with its n. Rows with the most
    breaches first (which service items miss their targets most)."""
    columns = [Column("name", BREAKDOWN_TITLES[by], TEXT), Column("created", FIGURE_LABELS["created"]),
               Column("resolved", FIGURE_LABELS["resolved"]), Column("reopened", FIGURE_LABELS["reopened"])]
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
    names = names_of(by, list(breakdown))

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
        return breakdown_table(report_breakdown(scope=scope, period=period, by=by, histograms=BREAKDOWN_HISTOGRAMS),
                               by)
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


# ---------------------------------------------------------------------------------------------
# The knowledge base's figures (reports.knowledge) and member scorecards (reports.scorecards)

KNOWLEDGE_HELP = {
    "written": _("Articles written in the period (their first revision)."),
    "published": _("Articles published for the first time in the period."),
    "views": _("Views of the articles opened from a ticket in the period, once per ticket and article "
               "(the only views with a date)."),
    "views_all_time": _("Every view of the articles since they were written, whatever the period "
                        "(the knowledge base keeps one counter per article, without dates)."),
    "helpful": _("“Helpful” answers out of all helpful / not helpful answers given in the period."),
    "deflections": _("Requests not filed because one of the articles solved them, in the period."),
    "solved": _("Tickets whose requester marked one of the articles as having solved the request, in the period."),
    "used_in_reply": _("Tickets where one of the articles was linked from a reply in the period."),
}


# The knowledge figures' keys, in the order of knowledge_rows.
KNOWLEDGE_KEYS = ("written", "published", "views", "views_all_time", "helpful", "deflections", "solved",
                  "used_in_reply")


def knowledge_rows(knowledge: dict) -> list[list[Any]]:
    """The summary table's rows of the knowledge-base figures (figure, value, n, help)."""
    helpful = knowledge["helpful"]
    return [
        [_("Articles written"), knowledge["written"], None, KNOWLEDGE_HELP["written"]],
        [_("Articles published"), knowledge["published"], None, KNOWLEDGE_HELP["published"]],
        [_("Article views from tickets"), knowledge["views"], None, KNOWLEDGE_HELP["views"]],
        [_("Article views, all time"), knowledge["views_all_time"], None, KNOWLEDGE_HELP["views_all_time"]],
        [_("Articles found helpful"), helpful["share"], helpful["answers"], KNOWLEDGE_HELP["helpful"]],
        [_("Deflections"), knowledge["deflections"], None, KNOWLEDGE_HELP["deflections"]],
        [_("Tickets solved by an article"), knowledge["solved"], None, KNOWLEDGE_HELP["solved"]],
        [_("Articles used in replies"), knowledge["used_in_reply"], None, KNOWLEDGE_HELP["used_in_reply"]],
    ]


SMALL_N_NOTE = _("few cases: read with care")

SCORECARD_HELP = {
    "load": _("Tickets open now (new, open or waiting on the requester) assigned to the member; "
              "for the team, all its open tickets."),
    "reopen_rate": filled(_("Reopens within %(days)d days of the resolution, out of the resolutions in the period."),
                          days=d.REOPEN_WINDOW_DAYS),
    "kb_written": _("Articles of the team the member wrote, created in the period."),
}

# Which of a scorecard's `few_cases` keys each column's figure is counted over.
SCORECARD_CASES = {
    "resolved": "resolved", "reopen_rate": "resolved", "first_contact_rate": "resolved",
    **{f"{kind}_compliance": kind for kind in d.TARGET_KINDS},
    **{f"{kind}_decided": kind for kind in d.TARGET_KINDS},
    "first_response_p50": "first_response_p50",
    "satisfied": "satisfaction", "mean": "satisfaction", "responses": "satisfaction",
    "kb_helpful": "helpful", "kb_helpful_answers": "helpful",
}

FEW_CASES_LABELS = {
    "resolved": _("resolutions"), "first_response": KIND_LABELS["first_response"],
    "next_response": KIND_LABELS["next_response"], "resolution": KIND_LABELS["resolution"],
    "first_response_p50": _("first response p50"), "satisfaction": _("satisfaction"),
    "helpful": _("articles found helpful"),
}


def scorecard_columns() -> list[Column]:
    columns = [Column("name", _("Member"), TEXT),
               Column("load", _("Open tickets now"), COUNT, SCORECARD_HELP["load"]),
               Column("resolved", _("Resolutions"), COUNT, FIGURE_HELP["resolved"]),
               Column("reopen_rate", _("Reopen rate"), RATIO, SCORECARD_HELP["reopen_rate"]),
               Column("first_contact_rate", _("First-contact resolution"), RATIO, FIGURE_HELP["first_contact"])]
    for kind in d.TARGET_KINDS:
        label = KIND_LABELS[kind]
        columns += [Column(f"{kind}_compliance", _("%(target)s: compliance") % {"target": label}, RATIO,
                           FIGURE_HELP["compliance"]),
                    Column(f"{kind}_decided", _("%(target)s: decided (n)") % {"target": label})]
    columns += [
        Column("first_response_p50", _("First response p50 (business time)"), SECONDS, FIGURE_HELP["p50"]),
        Column("satisfied", _("Satisfied (4–5)"), RATIO, FIGURE_HELP["satisfaction"]),
        Column("mean", _("Mean score"), NUMBER, FIGURE_HELP["mean"]),
        Column("responses", _("Survey responses (n)")),
        Column("kb_written", _("Articles written"), COUNT, SCORECARD_HELP["kb_written"]),
        Column("kb_published", _("Articles published"), COUNT, KNOWLEDGE_HELP["published"]),
        Column("kb_used_in_reply", _("Articles used in replies"), COUNT, KNOWLEDGE_HELP["used_in_reply"]),
        Column("kb_solved", _("Tickets solved by an article"), COUNT, KNOWLEDGE_HELP["solved"]),
        Column("kb_deflections", _("Deflections"), COUNT, KNOWLEDGE_HELP["deflections"]),
        Column("kb_views", _("Article views from tickets"), COUNT, KNOWLEDGE_HELP["views"]),
        Column("kb_helpful", _("Articles found helpful"), RATIO, KNOWLEDGE_HELP["helpful"]),
        Column("kb_helpful_answers", _("Helpful answers (n)")),
        Column("note", _("Note"), TEXT),
    ]
    return columns


def few_cases_note(card: dict) -> str:
    if not card["few_cases"]:
        return ""
    names = ", ".join(str(FEW_CASES_LABELS[key]) for key in card["few_cases"])
    return f"{SMALL_N_NOTE} ({names})"


def scorecard_row(name: Any, card: dict) -> list[Any]:
    """One scorecard as a row of scorecard_columns()."""
    row = [name, card["load"], card["resolved"], card["reopen_rate"], card["first_contact"]["rate"]]
    for kind in d.TARGET_KINDS:
        row += [card["sla"][kind]["compliance"], card["sla"][kind]["decided"]]
    sat, kb = card["satisfaction"], card["knowledge"]
    row += [card["first_response_p50_business_seconds"], sat["positive_share"], sat["mean"], sat["responses"],
            kb["written"], kb["published"], kb["used_in_reply"], kb["solved"], kb["deflections"], kb["views"],
            kb["helpful"]["share"], kb["helpful"]["answers"], few_cases_note(card)]
    return row


def members_table(cards: TeamScorecards) -> Table:
    """The team's row first, then one row per member (reports.scorecards.TeamScorecards);
    row keys: None for the team, else the member's id."""
    team = Team.objects.get(pk=cards.team_id)
    table = Table(key="members", title=_("Member scorecards"), columns=scorecard_columns(),
                  notes=[_("A note marks figures counted over fewer than %(n)d cases.") % {"n": d.SMALL_N}])
    table.rows.append(scorecard_row(_("Team: %(team)s") % {"team": team.tr("name")}, cards.team))
    table.row_keys.append(None)
    for member, card in cards.members:
        table.rows.append(scorecard_row(member.display_name, card))
        table.row_keys.append(member.pk)
    return table


def member_trend_table(trend: list[dict]) -> Table:
    """A member's compliance per week: week, resolved, per target kind compliance and n."""
    columns = [Column("week", _("Week of"), DATE), Column("resolved", _("Resolutions"))]
    for kind in d.TARGET_KINDS:
        label = KIND_LABELS[kind]
        columns += [Column(f"{kind}_compliance", _("%(target)s: compliance") % {"target": label}, RATIO,
                           FIGURE_HELP["compliance"]),
                    Column(f"{kind}_decided", _("%(target)s: decided (n)") % {"target": label})]
    table = Table(key="member_trend", title=_("Compliance over 12 weeks"), columns=columns)
    for week in trend:
        row = [week["start"], week["resolved"]]
        for kind in d.TARGET_KINDS:
            row += [week["sla"][kind]["compliance"], week["sla"][kind]["decided"]]
        table.rows.append(row)
        table.row_keys.append(week["start"])
    return table


def _members(scope: ReportScope, period: d.Period, now: dt.datetime) -> Table:
    """The members table of the scope's one team (all its members, or the scope's assignee
    alone): whoever exports it checked reports.access first (can_see_all_scorecards, or
    can_see_scorecard for the assignee)."""
    if scope.team_ids is None or len(scope.team_ids) != 1:
        raise ValueError("the members table is one team's: give one team")
    team = Team.objects.get(pk=scope.team_ids[0])
    members = team_members(team=team)
    if scope.assignee_id is not None:
        members = members.filter(pk=scope.assignee_id)
    return members_table(team_scorecards(team=team, members=members, period=period, now=now))


TABLES["members"] = _members


def _member_trend(scope: ReportScope, period: d.Period, now: dt.datetime) -> Table:
    """The scope's compliance per week over the 12 weeks ending with the period's last week
    (a member's when the scope has an assignee)."""
    return member_trend_table(report_trend(scope=scope, last=period.last))


TABLES["member_trend"] = _member_trend
