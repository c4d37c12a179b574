"""Drill-down: the rows behind a report figure, for the report list (/reports/list/).

Each selector selects exactly what the rollup (reports.rollup) counted for the figure, by
the same definitions (reports.definitions), so that a list is as long as the figure it was
opened from (tests/reports/test_drilldown.py holds them to it):

- created: tickets filed in the period, by the ticket's team, service, priority,
  requester's department and assignee now;
- resolved: status changes to resolved in the period (a ticket resolved twice is listed twice);
- reopened: status changes from resolved back to open in the period, within
  REOPEN_WINDOW_DAYS of the resolution they undid;
- first_contact: resolutions in the period of tickets resolved in one cycle with at most one
  public reply from the team;
- met / breached / decided (with a target kind): SLA outcomes in force decided in the period,
  by the outcome's own team, service, priority, department and assignee (the ticket as it
  stood when the cycle was decided);
- sent / responses / positive: satisfaction surveys sent, answered, answered with a score of
  POSITIVE_SCORE or more in the period;
- backlog (optionally one age bucket): tickets open now.

Days are report days (reports.rollup.report_zone). The caller has checked the scope
(reports.forms.ReportFilterForm); these only read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sla.models import SLAOutcome
from surveys.models import SurveyInvite, SurveyResponse
from tickets.constants import OPEN_STATUSES, EventKind, Status
from tickets.models import Comment, Ticket, TicketEvent

from . import definitions as d
from .rollup import report_zone
from .selectors import ReportScope, backlog_age_q
from .tables import FIGURE_HELP, FIGURE_LABELS, KIND_LABELS

TICKET_FIGURES = ("created", "resolved", "reopened", "first_contact")
OUTCOME_FIGURES = ("met", "breached", "decided")
SURVEY_FIGURES = ("sent", "responses", "positive")
FIGURES = (*TICKET_FIGURES, *OUTCOME_FIGURES, *SURVEY_FIGURES, "backlog")
AGE_KEYS = tuple(key for key, _, _ in d.AGE_BUCKETS)

# The scope's filters as each source names its columns.
_TICKET = {"team_ids": "team_id", "service_item_id": "service_item_id", "priority": "priority",
           "department_id": "requester_department_id", "assignee_id": "assignee_id",
           "category_id": "service_item__category_id"}
_OUTCOME = _TICKET  # an outcome keeps the ticket's columns under the same names
_RESPONSE = {"team_ids": "team_id", "service_item_id": "service_item_id", "priority": "priority",
             "department_id": "ticket__requester_department_id", "assignee_id": "assignee_id",
             "category_id": "service_item__category_id"}
_INVITE = {"team_ids": "team_id", "service_item_id": "ticket__service_item_id", "priority": "ticket__priority",
           "department_id": "ticket__requester_department_id", "assignee_id": "ticket__assignee_id",
           "category_id": "ticket__service_item__category_id"}


def _scope_q(scope: ReportScope, columns: dict[str, str]) -> Q:
    q = Q()
    for name, column in columns.items():
        value = getattr(scope, name)
        if value is None:
            continue
        q &= Q(**{f"{column}__in": value}) if name == "team_ids" else Q(**{column: value})
    return q


def narrowed_within(scope: ReportScope, **dims) -> ReportScope:
    """The scope narrowed to one value of a dimension (a breakdown row: one team, one
    department), never wider: a value outside the scope leaves nothing (no team)."""
    changes: dict = {}
    empty = False
    for name, value in dims.items():
        if value is None:
            continue
        if name == "team_id":
            if scope.team_ids is not None and value not in scope.team_ids:
                empty = True
            changes["team_ids"] = (value,)
        else:
            current = getattr(scope, name)
            if current is not None and current != value:
                empty = True
            changes[name] = value
    if empty:
        changes["team_ids"] = ()
    return scope.narrowed(**changes)


@dataclass(frozen=True)
class Drilldown:
    """The rows behind one figure, newest first: `rows` is a queryset of tickets, ticket
    events, SLA outcomes or surveys; `ticket_of` / `at_of` read each row's ticket and the
    instant it was counted at."""

    figure: str
    rows: QuerySet
    ticket_path: str  # "" when the rows are tickets
    at_field: str

    def ticket_of(self, row) -> Ticket:
        return getattr(row, self.ticket_path) if self.ticket_path else row

    def at_of(self, row) -> dt.datetime:
        return getattr(row, self.at_field)


def _tickets_in(scope: ReportScope) -> Q:
    """Rows whose ticket is in the scope now (the rollup cuts tickets by their dims now)."""
    return Q(ticket_id__in=Ticket.objects.filter(_scope_q(scope, _TICKET)).values("pk"))


def _status_events(scope: ReportScope, start: dt.datetime, end: dt.datetime) -> QuerySet:
    return TicketEvent.objects.filter(_tickets_in(scope), kind=EventKind.STATUS, created_at__gte=start,
                                      created_at__lt=end)


def _resolutions(scope, start, end) -> QuerySet:
    return _status_events(scope, start, end).filter(data__new=Status.RESOLVED)


def _reopens(scope, start, end) -> QuerySet:
    previous = (TicketEvent.objects.filter(ticket_id=OuterRef("ticket_id"), kind=EventKind.STATUS,
                                           data__new=Status.RESOLVED, created_at__lte=OuterRef("created_at"))
                .order_by("-created_at").values("created_at")[:1])
    window = dt.timedelta(days=d.REOPEN_WINDOW_DAYS)
    return (_status_events(scope, start, end).filter(data__old=Status.RESOLVED, data__new=Status.OPEN)
            .annotate(resolved_before=Subquery(previous))
            .filter(Q(resolved_before__isnull=True) | Q(resolved_before__gte=F("created_at") - window)))


def _first_contacts(scope, start, end) -> QuerySet:
    # Public replies by anyone but the requester (reports.rollup._public_team_replies).
    replies = (Comment.objects.filter(ticket_id=OuterRef("ticket_id"), is_internal=False)
               .exclude(author_id=OuterRef("ticket__requester_id"))
               .order_by().values("ticket_id").annotate(n=Count("pk")).values("n"))
    return (_resolutions(scope, start, end).filter(ticket__resolution_cycle=1)
            .annotate(team_replies=Coalesce(Subquery(replies), Value(0)))
            .filter(team_replies__lte=1))


def drilldown(*, figure: str, scope: ReportScope, period: d.Period, now: dt.datetime, kind: str | None = None,
              age: str | None = None) -> Drilldown:
    """The rows behind `figure` for a scope and period (see the module's docstring)."""
    if figure not in FIGURES:
        raise ValueError(f"no figure {figure}")
    if age is not None and figure != "backlog":
        raise ValueError("only the backlog has age buckets")
    zone = report_zone()
    start, end = d.day_range(period.first, period.last, zone)
    if figure in TICKET_FIGURES:
        if figure == "created":
            rows = Ticket.objects.filter(_scope_q(scope, _TICKET), created_at__gte=start, created_at__lt=end)
            return Drilldown(figure, rows.order_by("-created_at", "-pk"), "", "created_at")
        builder = {"resolved": _resolutions, "reopened": _reopens, "first_contact": _first_contacts}[figure]
        rows = builder(scope, start, end).select_related("ticket").order_by("-created_at", "-pk")
        return Drilldown(figure, rows, "ticket", "created_at")
    if figure in OUTCOME_FIGURES:
        if kind not in d.TARGET_KINDS:
            raise ValueError(f"no target kind {kind}")
        rows = SLAOutcome.objects.in_force().filter(_scope_q(scope, _OUTCOME), kind=kind, decided_at__gte=start,
                                                    decided_at__lt=end)
        if figure != "decided":
            rows = rows.filter(met=figure == "met")
        return Drilldown(figure, rows.select_related("ticket").order_by("-decided_at", "-pk"), "ticket", "decided_at")
    if figure == "sent":
        rows = SurveyInvite.objects.filter(_scope_q(scope, _INVITE), sent_at__gte=start, sent_at__lt=end)
        return Drilldown(figure, rows.select_related("ticket").order_by("-sent_at", "-pk"), "ticket", "sent_at")
    if figure in ("responses", "positive"):
        rows = SurveyResponse.objects.filter(_scope_q(scope, _RESPONSE), answered_at__gte=start, answered_at__lt=end)
        if figure == "positive":
            rows = rows.filter(score__gte=d.POSITIVE_SCORE)
        return Drilldown(figure, rows.select_related("ticket").order_by("-answered_at", "-pk"), "ticket",
                         "answered_at")
    # backlog: open now, optionally one age bucket
    rows = Ticket.objects.filter(_scope_q(scope, _TICKET), status__in=OPEN_STATUSES)
    if age is not None:
        if age not in AGE_KEYS:
            raise ValueError(f"no age bucket {age}")
        rows = rows.filter(backlog_age_q(age, now=now, zone=zone))
    return Drilldown(figure, rows.order_by("created_at", "pk"), "", "created_at")


# What a list is called, and what it lists (the list page and the exported list say it).
AGE_LABELS = {
    "0-1": gettext_lazy("0–1 days"), "2-3": gettext_lazy("2–3 days"), "4-7": gettext_lazy("4–7 days"),
    "8-14": gettext_lazy("8–14 days"), "15-30": gettext_lazy("15–30 days"), "30+": gettext_lazy("more than 30 days"),
}
FIGURE_TITLES = {
    **FIGURE_LABELS, "created": gettext_lazy("Tickets created"),
    "first_contact": gettext_lazy("First-contact resolutions"), "met": gettext_lazy("%(target)s: met"),
    "breached": gettext_lazy("%(target)s: breached"), "decided": gettext_lazy("%(target)s: decided"),
    "sent": gettext_lazy("Surveys sent"), "responses": gettext_lazy("Survey responses"),
    "positive": gettext_lazy("Survey responses scoring 4 or 5"), "backlog": gettext_lazy("Backlog now"),
}
LIST_HELP = {
    "created": FIGURE_HELP["created"], "resolved": FIGURE_HELP["resolved"], "reopened": FIGURE_HELP["reopened"],
    "first_contact": gettext_lazy("Resolutions with at most one public reply from the team, never reopened."),
    "met": gettext_lazy("Cycles of the target decided in the period that were met on time."),
    "breached": gettext_lazy("Cycles of the target decided in the period that went past their due time."),
    "decided": gettext_lazy("Cycles of the target decided in the period: met, or past their due time."),
    "sent": gettext_lazy("Satisfaction surveys sent in the period."),
    "responses": gettext_lazy("Survey responses answered in the period."),
    "positive": gettext_lazy("Survey responses answered in the period that scored 4 or 5."),
    "backlog": FIGURE_HELP["backlog"],
}


def list_title(figure: str, *, kind: str | None = None, age: str | None = None) -> str:
    """The title of the list behind a figure, in the active language."""
    title = str(FIGURE_TITLES[figure])
    if kind is not None:
        title = title % {"target": KIND_LABELS[kind]}
    if age is not None:
        title = _("%(figure)s, filed %(age)s ago") % {"figure": title, "age": AGE_LABELS[age]}
    return title


def list_help(figure: str) -> str:
    return str(LIST_HELP[figure])


def drilldown_tickets(found: Drilldown) -> QuerySet[Ticket]:
    """The tickets behind a drill-down's rows, each once (an exported list is of tickets: a
    ticket resolved twice in the period is one row there)."""
    if not found.ticket_path:
        return found.rows
    return Ticket.objects.filter(pk__in=found.rows.order_by().values(f"{found.ticket_path}_id")).order_by(
        "-created_at", "-pk")
