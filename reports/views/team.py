"""The report pages a lead and a department head use: the index of what the viewer may open,
the team report, the department report, and the drill-down list of the tickets behind a
figure. Who may see what is reports.access's (through reports.forms.ReportFilterForm); a
report out of reach is a 404, whoever asks."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from feedback.models import Feedback
from servicedesk.db_router import reports_reading
from teams.models import Department, Membership, Team
from teams.selectors import led_team_ids, user_team_ids
from tickets.constants import Priority
from tickets.models import ServiceCategory, ServiceItem
from tickets.selectors import tickets_visible_to

from .. import definitions as d
from .. import periods
from ..access import has_reports, report_departments, report_teams
from ..drilldown import AGE_KEYS, AGE_LABELS, FIGURES, drilldown, list_help, list_title, narrowed_within
from ..forms import ReportFilterForm
from ..presentation import format_value, is_small, present_table
from ..rollup import report_zone
from ..selectors import ReportScope, report_breakdown, report_quarters, report_summary, report_trend
from ..tables import (
    BREAKDOWN_HISTOGRAMS,
    FIGURE_HELP,
    FIGURE_LABELS,
    KIND_LABELS,
    RATIO,
    SECONDS,
    breakdown_table,
    names_of,
    summary_table,
)

LIST_PAGE_SIZE = 50
# The query parameters of a report (besides the team or department of the page).
FILTER_PARAMS = ("service_item", "category", "priority", "assignee")


def _today() -> dt.date:
    return d.local_day(timezone.now(), report_zone())


# ---------------------------------------------------------------------------------------------
# The index


@require_safe
@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    """What the viewer may open: team reports, department reports, scorecards."""
    user = request.user
    if not has_reports(user=user):
        raise Http404(_("No such page."))
    led = set(led_team_ids(user=user))
    memberships = (Membership.objects.filter(user=user, team__is_active=True).select_related("team")
                   .order_by("team__name"))
    scorecards = [{"team": m.team, "own": f"/reports/teams/{m.team.slug}/members/{user.username}/",
                   "all": f"/reports/teams/{m.team.slug}/members/" if m.team_id in led or user.is_admin_role else None}
                  for m in memberships]
    return render(request, "reports/index.html", {
        "teams": list(report_teams(user=user)),
        "departments": list(report_departments(user=user)),
        "scorecards": scorecards,
    })


# ---------------------------------------------------------------------------------------------
# The filters


def _form_data(request: HttpRequest, *, team: Team | None, department: Department | None) -> tuple[QueryDict, str]:
    """The query string as ReportFilterForm reads it: the page's team or department, and the
    dates of the chosen period preset (custom: the dates typed). Returns (data, preset)."""
    data = request.GET.copy()
    for name in ("team", "department", "row_team", "row_department"):
        data.pop(name, None)
    if team is not None:
        data["team"] = str(team.pk)
    if department is not None:
        data["department"] = str(department.pk)
    preset = data.get("period") or ""
    if preset not in periods.PRESETS:
        preset = periods.CUSTOM if (data.get("from") or data.get("to")) else periods.DEFAULT_PRESET
    period = periods.preset_period(preset, _today())
    if period is not None:
        data["from"], data["to"] = period.first.isoformat(), period.last.isoformat()
    return data, preset


def _checked_form(data: QueryDict, user) -> ReportFilterForm:
    form = ReportFilterForm(data, user=user)
    valid = form.is_valid()
    if form.out_of_reach:
        raise Http404(_("No such report."))
    form.valid = valid
    return form


def _filter_params(form: ReportFilterForm) -> dict[str, str]:
    """The report's filters and period as query parameters (for the drill-down links)."""
    data = form.cleaned_data
    params = {"from": data["from_"].isoformat(), "to": data["to"].isoformat()}
    for name in ("team", "department", *FILTER_PARAMS):
        value = data.get(name)
        if value:
            params[name] = str(value.pk if hasattr(value, "pk") else value)
    return params


def _list_url(params: dict, **more) -> str:
    """The drill-down list of a figure: the report's parameters, then the figure's (`more`:
    figure, kind, age; a page links some 400 of these, so the report's part is encoded once)."""
    query = _encoded(tuple(params.items()))
    extra = tuple((k, v) for k, v in more.items() if v is not None and k not in params)
    overrides = {k: v for k, v in more.items() if v is not None and k in params}
    if overrides:
        query = urlencode({**params, **overrides})
    return f"{_list_path()}?{query}&{_encoded(extra)}" if extra else f"{_list_path()}?{query}"


@lru_cache(maxsize=1024)
def _encoded(items: tuple) -> str:
    return urlencode(items)


def _list_path() -> str:
    return _reversed_list_path(get_script_prefix())


@lru_cache(maxsize=8)
def _reversed_list_path(prefix: str) -> str:
    """reverse() of the list, once per script prefix (it was a tenth of a page's time)."""
    return reverse("report-list")


# ---------------------------------------------------------------------------------------------
# The team and department reports


@require_safe
@login_required
@reports_reading()
def report_team(request: HttpRequest, team_slug: str) -> HttpResponse:
    """A team's report: its lead and the service admins; anyone else 404."""
    team = report_teams(user=request.user).filter(slug=team_slug).first()
    if team is None:
        raise Http404(_("No such report."))
    data, preset = _form_data(request, team=team, department=None)
    form = _checked_form(data, request.user)
    items = list(ServiceItem.objects.filter(team=team).only("id", "name", "translations", "category_id")
                 .order_by("name"))
    members = ([m.user for m in Membership.objects.filter(team=team).select_related("user").order_by("user__username")]
               if request.user.is_admin_role or team.pk in led_team_ids(user=request.user) else None)
    return _report_page(request, form, preset, data, subject=team, kind="team", items=items, members=members,
                        breakdowns=("service_item_id", "priority", "department_id"))


@require_safe
@login_required
@reports_reading()
def report_department(request: HttpRequest, department_code: str) -> HttpResponse:
    """The service a department's employees received from every team: its head and the
    service admins; anyone else 404."""
    department = report_departments(user=request.user).filter(code=department_code).first()
    if department is None:
        raise Http404(_("No such report."))
    data, preset = _form_data(request, team=None, department=department)
    data.pop("assignee", None)  # one person's figures are their team lead's, not the department's
    form = _checked_form(data, request.user)
    items = list(ServiceItem.objects.only("id", "name", "translations", "category_id").order_by("name"))
    return _report_page(request, form, preset, data, subject=department, kind="department", items=items, members=None,
                        breakdowns=("team_id", "service_item_id", "priority"))


def _report_page(request, form, preset, data, *, subject, kind, items, members, breakdowns) -> HttpResponse:
    context = {
        "subject": subject, "kind": kind, "form": form, "preset": preset,
        "presets": [(key, periods.PRESET_LABELS[key]) for key in periods.PRESETS],
        "items": items, "categories": list(ServiceCategory.objects.filter(
            pk__in={i.category_id for i in items if i.category_id}).order_by("name")),
        "priorities": Priority.choices, "members": members,
        "zone": str(report_zone()), "small_n": d.SMALL_N,
        "values": {name: data.get(name, "") for name in (*FILTER_PARAMS, "from", "to")},
    }
    if form.valid:
        now = timezone.now()
        context.update(_figures(request, form, now=now, team=subject if kind == "team" else None,
                                breakdowns=breakdowns))
    return render(request, "reports/report.html", context)


def _queue_backlog_url(request, team: Team | None, scope: ReportScope, age_dates: tuple | None) -> str | None:
    """The team queue showing exactly the backlog (or one age bucket of it), when the queue
    can: a team the viewer may open the queue of, no service category filter (the queue has
    none), and for an age bucket the viewer's time zone the report's (the queue's dates are
    the viewer's days)."""
    user = request.user
    if team is None or scope.category_id is not None:
        return None
    if not (user.is_admin_role or team.pk in user_team_ids(user=user)):
        return None
    params = {}
    for name, param in (("service_item_id", "service_item"), ("priority", "priority"),
                        ("department_id", "department"), ("assignee_id", "assignee")):
        value = getattr(scope, name)
        if value is not None:
            params[param] = str(value)
    if age_dates is not None:
        if str(timezone.get_current_timezone()) != str(report_zone()):
            return None
        first, last = age_dates
        if first is not None:
            params["created_from"] = first.isoformat()
        params["created_to"] = last.isoformat()
    url = reverse("team-queue", args=[team.slug])
    return f"{url}?{urlencode(params)}" if params else url


def _backlog_links(request, team, scope, params, today) -> dict:
    links = {None: _queue_backlog_url(request, team, scope, None) or _list_url(params, figure="backlog")}
    for key, first, last in d.AGE_BUCKETS:
        dates = (today - dt.timedelta(days=last) if last is not None else None, today - dt.timedelta(days=first))
        links[key] = (_queue_backlog_url(request, team, scope, dates)
                      or _list_url(params, figure="backlog", age=key))
    return links


def _summary_link(params: dict, backlog_url: str):
    by_cell = {("created", "value"): {"figure": "created"}, ("resolved", "value"): {"figure": "resolved"},
               ("reopened", "value"): {"figure": "reopened"}, ("reopened", "n"): {"figure": "resolved"},
               ("first_contact", "n"): {"figure": "resolved"},
               ("satisfaction.positive", "n"): {"figure": "responses"},
               ("satisfaction.mean", "n"): {"figure": "responses"},
               ("satisfaction.response_rate", "n"): {"figure": "sent"}}
    for kind in d.TARGET_KINDS:
        by_cell[(f"{kind}.compliance", "n")] = {"figure": "decided", "kind": kind}

    def link(row_key, column_key):
        if (row_key, column_key) == ("backlog", "value"):
            return backlog_url
        more = by_cell.get((row_key, column_key))
        return _list_url(params, **more) if more else None
    return link


# A breakdown row narrows the list: by its own filter parameter, or (team, department: not
# the viewer's report scope, a part of it) by row_team / row_department.
_ROW_PARAM = {"service_item_id": "service_item", "priority": "priority", "assignee_id": "assignee",
              "team_id": "row_team", "department_id": "row_department"}


def _breakdown_link(params: dict, by: str):
    columns = {"created": {"figure": "created"}, "resolved": {"figure": "resolved"},
               "reopened": {"figure": "reopened"}, "responses": {"figure": "responses"}}
    for kind in d.TARGET_KINDS:
        columns[f"{kind}_breached"] = {"figure": "breached", "kind": kind}
        columns[f"{kind}_decided"] = {"figure": "decided", "kind": kind}

    def link(row_key, column_key):
        more = columns.get(column_key)
        if more is None or row_key is None:
            return None
        return _list_url({**params, _ROW_PARAM[by]: str(row_key)}, **more)
    return link


def _figures(request, form: ReportFilterForm, *, now, team, breakdowns) -> dict:
    scope, period = form.scope(), form.period()
    params = _filter_params(form)
    summary = report_summary(scope=scope, period=period, now=now)
    today = d.local_day(now, report_zone())
    backlog_links = _backlog_links(request, team, scope, params, today)

    cards = []
    for kind in d.TARGET_KINDS:
        entry = summary["sla"][kind]
        breached = entry["decided"] - entry["met"]
        cards.append({
            "kind": kind, "label": KIND_LABELS[kind], "compliance": format_value(entry["compliance"], RATIO),
            "met": entry["met"], "decided": entry["decided"], "breached": breached,
            "met_url": _list_url(params, figure="met", kind=kind),
            "breached_url": _list_url(params, figure="breached", kind=kind),
            "decided_url": _list_url(params, figure="decided", kind=kind),
            "p50": format_value(entry["p50_business_seconds"], SECONDS),
            "p90": format_value(entry["p90_business_seconds"], SECONDS),
            "small": is_small(entry["decided"]),
        })
    fc, sat = summary["first_contact"], summary["satisfaction"]
    counts = [
        {"key": "created", "label": FIGURE_LABELS["created"], "n": summary["created"], "help": FIGURE_HELP["created"],
         "url": _list_url(params, figure="created")},
        {"key": "resolved", "label": FIGURE_LABELS["resolved"], "n": summary["resolved"], "help": FIGURE_HELP["resolved"],
         "url": _list_url(params, figure="resolved")},
        {"key": "reopened", "label": FIGURE_LABELS["reopened"], "n": summary["reopened"], "help": FIGURE_HELP["reopened"],
         "url": _list_url(params, figure="reopened")},
        {"key": "backlog", "label": _("Backlog now"), "n": summary["backlog"]["total"], "help": FIGURE_HELP["backlog"],
         "url": backlog_links[None]},
    ]
    first_contact = {"rate": format_value(fc["rate"], RATIO), "count": fc["count"], "resolved": fc["resolved"],
                     "url": _list_url(params, figure="first_contact"), "resolved_url": _list_url(params, figure="resolved"),
                     "small": is_small(fc["resolved"]), "help": FIGURE_HELP["first_contact"]}
    satisfaction = {"share": format_value(sat["positive_share"], RATIO), "positive": sat["positive"],
                    "responses": sat["responses"], "sent": sat["sent"],
                    "mean": format_value(sat["mean"], "number"),
                    "response_rate": format_value(sat["response_rate"], RATIO),
                    "positive_url": _list_url(params, figure="positive"),
                    "responses_url": _list_url(params, figure="responses"), "sent_url": _list_url(params, figure="sent"),
                    "small": is_small(sat["responses"]), "help": FIGURE_HELP["satisfaction"]}
    ages = [{"key": key, "label": AGE_LABELS[key], "n": summary["backlog"]["age"][key], "url": backlog_links[key]}
            for key, _first, _last in d.AGE_BUCKETS]

    tables = [present_table(summary_table(summary), _summary_link(params, backlog_links[None]))]
    breakdown_titles = {"service_item_id": _("Which services miss their targets most")}
    for by in breakdowns:
        table = breakdown_table(report_breakdown(scope=scope, period=period, by=by, histograms=BREAKDOWN_HISTOGRAMS),
                                by)
        shown = present_table(table, _breakdown_link(params, by))
        shown["heading"] = breakdown_titles.get(by, table.title)
        tables.append(shown)

    trend = _trend(report_trend(scope=scope, last=period.last, weeks=12), params, weekly=True)
    quarters = _trend(report_quarters(scope=scope, last=period.last, quarters=4), params, weekly=False)
    return {
        "summary": summary, "period": period, "cards": cards, "counts": counts, "first_contact": first_contact,
        "satisfaction": satisfaction, "ages": ages, "tables": tables, "trend": trend, "quarters": quarters,
        "feedback": _feedback(summary.get("feedback")), "as_of": summary["as_of"],
        "help": {key: FIGURE_HELP[key] for key in ("compliance", "p50", "p90")},
    }


def _trend(rows: list[dict], params: dict, *, weekly: bool) -> dict:
    """A trend as the chart reads it (json_script) and as its table fallback shows it."""
    table = []
    for index, row in enumerate(rows):
        last = (row["start"] + dt.timedelta(days=6) if weekly
                else (rows[index + 1]["start"] - dt.timedelta(days=1) if index + 1 < len(rows)
                      else d.quarter_of(row["start"]).last))
        bucket = {**params, "from": row["start"].isoformat(), "to": last.isoformat()}
        label = (row["start"].strftime("%m-%d") if weekly
                 else _("%(year)d Q%(quarter)d") % {"year": row["start"].year, "quarter": (row["start"].month + 2) // 3})
        table.append({
            "label": label, "first": row["start"], "last": last,
            "created": row["created"], "created_url": _list_url(bucket, figure="created"),
            "resolved": row["resolved"], "resolved_url": _list_url(bucket, figure="resolved"),
            "sla": [{"kind": kind, "met": row["sla"][kind]["met"], "decided": row["sla"][kind]["decided"],
                     "compliance": format_value(row["sla"][kind]["compliance"], RATIO),
                     "decided_url": _list_url(bucket, figure="decided", kind=kind)} for kind in d.TARGET_KINDS],
        })
    chart = {
        "labels": [r["label"] for r in table],
        "bars": [{"name": str(FIGURE_LABELS["created"]), "data": [r["created"] for r in rows]},
                 {"name": str(FIGURE_LABELS["resolved"]), "data": [r["resolved"] for r in rows]}],
        "lines": [{"name": str(_("%(target)s: compliance") % {"target": KIND_LABELS[kind]}),
                   "data": [None if r["sla"][kind]["compliance"] is None else round(100 * r["sla"][kind]["compliance"], 1)
                            for r in rows]} for kind in d.TARGET_KINDS],
        "axes": {"count": str(_("Tickets")), "percent": str(_("Compliance (%)"))},
        "title": str(_("The last 12 weeks") if weekly else _("The last 4 quarters")),
    }
    return {"rows": table, "chart": chart, "kinds": [KIND_LABELS[k] for k in d.TARGET_KINDS]}


def _feedback(feedback: dict | None) -> dict | None:
    if feedback is None:
        return None
    return {"total": feedback["total"],
            "kinds": [(label, feedback["kind"].get(value, 0)) for value, label in Feedback.Kind.choices],
            "statuses": [(label, feedback["status"].get(value, 0)) for value, label in Feedback.Status.choices]}


# ---------------------------------------------------------------------------------------------
# The drill-down list


def _row_narrowing(request: HttpRequest) -> dict:
    dims = {}
    for param, dim in (("row_team", "team_id"), ("row_department", "department_id")):
        value = request.GET.get(param, "")
        if value:
            if not value.isdigit():
                raise Http404(_("No such list."))
            dims[dim] = int(value)
    return dims


@require_safe
@login_required
@reports_reading()
def report_list(request: HttpRequest) -> HttpResponse:
    """The tickets behind one figure of a report, 50 a page: the same filters and the same
    check as the report (ReportFilterForm), the rows reports.drilldown selects."""
    figure, kind, age = request.GET.get("figure"), request.GET.get("kind") or None, request.GET.get("age") or None
    if figure not in FIGURES or (kind is not None and kind not in d.TARGET_KINDS) or (
            age is not None and (figure != "backlog" or age not in AGE_KEYS)):
        raise Http404(_("No such list."))
    if figure in ("met", "breached", "decided") and kind is None:
        raise Http404(_("No such list."))
    data = request.GET.copy()
    form = _checked_form(data, request.user)
    if not form.valid:
        raise Http404(_("No such list."))
    now = timezone.now()
    scope = narrowed_within(form.scope(), **_row_narrowing(request))
    period = form.period()
    found = drilldown(figure=figure, scope=scope, period=period, now=now, kind=kind, age=age)
    page = Paginator(found.rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    tickets = [found.ticket_of(row) for row in rows]
    ticket_ids = [t.pk for t in tickets]
    visible = set(tickets_visible_to(user=request.user).filter(pk__in=ticket_ids).values_list("pk", flat=True))
    names = _names(tickets)
    outcomes = figure in ("met", "breached", "decided")
    entries = [{"ticket": ticket, "at": found.at_of(row), "visible": ticket.pk in visible,
                "team": names["team"].get(ticket.team_id, ""),
                "service_item": names["service_item"].get(ticket.service_item_id, ""),
                "assignee": names["assignee"].get(ticket.assignee_id, ""),
                # an SLA outcome: its due time and the business time the cycle took (a
                # breached cycle's once its late work is done)
                "due": row.due_at if outcomes else None,
                "took": format_value(row.business_seconds, SECONDS) if outcomes else None}
               for row, ticket in zip(rows, tickets, strict=True)]
    title = list_title(figure, kind=kind, age=age)
    back = _back_url(form)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "reports/list.html", {
        "title": title, "figure": figure, "entries": entries, "page": page, "period": period,
        "total": page.paginator.count, "zone": str(report_zone()), "back": back, "query": query.urlencode(),
        "help": list_help(figure), "outcomes": outcomes,
    })


def _names(tickets) -> dict:
    return {"team": names_of("team_id", {t.team_id for t in tickets}),
            "service_item": names_of("service_item_id", {t.service_item_id for t in tickets}),
            "assignee": names_of("assignee_id", {t.assignee_id for t in tickets})}


def _back_url(form: ReportFilterForm) -> str | None:
    data = form.cleaned_data
    params = {"from": data["from_"].isoformat(), "to": data["to"].isoformat(), "period": periods.CUSTOM}
    for name in FILTER_PARAMS:
        value = data.get(name)
        if value:
            params[name] = str(value.pk if hasattr(value, "pk") else value)
    if data.get("team"):
        return f"{reverse('report-team', args=[data['team'].slug])}?{urlencode(params)}"
    if data.get("department"):
        return f"{reverse('report-department', args=[data['department'].code])}?{urlencode(params)}"
    return None

