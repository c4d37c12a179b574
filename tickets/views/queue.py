"""A team's queue as a workspace: view tabs with live counts, filters, sort, keyset pages,
bulk triage and saved views; and an agent's own dashboard."""

import base64
import binascii
import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from servicedesk.exceptions import ApplicationError
from teams.models import Department, Team, User
from teams.selectors import is_agent

from .. import services
from ..constants import OPEN_STATUSES, Priority, Status
from ..forms import (
    DEFAULT_SORT,
    DEFAULT_VIEW,
    FILTER_KEYS,
    QUEUE_VIEWS,
    BulkForm,
    QueueFilterForm,
    SavedViewForm,
)
from ..models import SavedView, ServiceItem, Ticket
from ..presentation import format_duration, ticket_badge
from ..selectors import (
    QUEUE_ORDERINGS,
    VIEW_DEFAULT_SORT,
    agent_dashboard,
    keyset_page,
    queue_counts_recent,
    queue_filter,
    queue_views,
    tickets_visible_to,
)
from .access import is_lead, render_page, team_memberships, team_or_404

QUEUE_PAGE_SIZE = 25














def encode_cursor(sort: str, values: list) -> str:
    plain = [v.isoformat() if isinstance(v, dt.datetime) else v for v in values]
    raw = json.dumps({"s": sort, "v": plain}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str | None, sort: str) -> list | None:
    """The cursor's values for `sort`, or None (page 1) when it is missing or not valid."""
    if not token or len(token) > 400:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or data.get("s") != sort or not isinstance(data.get("v"), list):
        return None
    columns, _descending = QUEUE_ORDERINGS[sort]
    values = data["v"]
    if len(values) != len(columns) + 1:
        return None
    *column_values, last_id = values
    if isinstance(last_id, bool) or not isinstance(last_id, int) or last_id < 0 or last_id > 2**63 - 1:
        return None
    decoded: list = []
    for column, value in zip(columns, column_values, strict=True):
        if column == "priority":
            if value not in Priority.values:
                return None
            decoded.append(value)
        elif value is None and column == "sla_due_at":
            decoded.append(None)  # the due sort has reached the tickets without a running clock
        else:
            moment = parse_datetime(value) if isinstance(value, str) else None
            if moment is None or timezone.is_naive(moment):
                return None
            decoded.append(moment)
    return [*decoded, last_id]


def _filter_query(params: QueryDict) -> str:
    """The filters of `params` as a query string, without the cursor or unknown keys."""
    clean = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        for value in params.getlist(key):
            if value:
                clean.appendlist(key, value[:200])
    return clean.urlencode()


def _local_day_start(day: dt.date) -> dt.datetime:
    """Midnight of `day` in the viewer's time zone (the one the dates were typed in)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


def _queue_rows(team: Team, user: User, values: dict, after: list | None, now: dt.datetime):
    """One keyset page of the queue for the view and filters in `values`."""
    status = values["status"]
    qs = Ticket.objects.filter(team=team)
    # The views work on open tickets; asking for a finished status (or all) widens that.
    if status not in ("all", Status.RESOLVED, Status.CLOSED, Status.CANCELLED):
        qs = qs.filter(status__in=OPEN_STATUSES)
    qs = qs.filter(queue_views(user=user, now=now)[values["view"]])
    qs = queue_filter(
        qs, user=user, now=now,
        status=status if status not in (None, "all") else None,
        priority=values["priority"], service_item=values["service_item"], assignee=values["assignee"],
        sla=values["sla"], department=values["department"],
        created_from=_local_day_start(values["created_from"]) if values["created_from"] else None,
        created_to=_local_day_start(values["created_to"] + dt.timedelta(days=1)) if values["created_to"] else None,
        search=values["q"],
    ).select_related("requester", "requester_department", "service_item", "assignee")
    rows, next_after = keyset_page(qs, sort=values["sort"], after=after, size=QUEUE_PAGE_SIZE)
    # After the page is cut: one query for the clocks of its rows, however it was fetched.
    prefetch_related_objects(rows, "sla_clocks")
    return [(ticket, ticket_badge(ticket.sla_clocks.all(), now)) for ticket in rows], next_after


def _tabs(team: Team, user: User, now: dt.datetime, current: str) -> list[dict]:
    counts = queue_counts_recent(team_id=team.pk, user=user, now=now)
    return [{"name": name, "label": label, "count": counts.get(name, 0), "current": name == current}
            for name, label in QUEUE_VIEWS]


@require_safe
@login_required
def team_queue(request: HttpRequest, team_slug: str) -> HttpResponse:
    """A team's queue as a workspace: view tabs with live counts, filters, sort, keyset
    pages of 25, bulk triage and saved views. Members and service admins; others 404.

    The number of queries does not depend on the page's content: the rows, their
    clocks, the counts and the choices are one query each.
    """
    user = request.user
    team = team_or_404(request, team_slug)
    memberships = team_memberships(team)
    members = [m.user for m in memberships]
    items = list(ServiceItem.objects.filter(team=team).only("id", "name", "translations").order_by("name"))
    departments = list(Department.objects.only("id", "name"))
    data = request.GET.copy()
    view = data.get("view") if data.get("view") in dict(QUEUE_VIEWS) else DEFAULT_VIEW
    if not data.get("sort"):
        # Each view opens in its own order; the sort select shows which.
        data["sort"] = VIEW_DEFAULT_SORT.get(view, DEFAULT_SORT)
    data["view"] = view
    form = QueueFilterForm(data, members=members, items=items, departments=departments)
    values = form.values()
    now = timezone.now()
    after = decode_cursor(request.GET.get("after"), values["sort"])
    rows, next_after = _queue_rows(team, user, values, after, now)
    mine = next((m for m in memberships if m.user_id == user.pk), None)
    lead = is_lead(user, team, memberships)
    saved = list(SavedView.objects.filter(team=team).filter(Q(owner=user) | Q(shared=True))
                 .select_related("owner").order_by("-shared", "name"))
    other_teams = [t for t in Team.objects.filter(is_active=True).exclude(pk=team.pk).only("id", "name")]
    query = _filter_query(request.GET)
    context = {
        "team": team,
        "form": form,
        "values": values,
        "rows": rows,
        "tabs": _tabs(team, user, now, values["view"]),
        "next_cursor": encode_cursor(values["sort"], next_after) if next_after else None,
        "is_first_page": after is None,
        "bulk_form": BulkForm(members=members, teams=other_teams),
        "saved_views": saved,
        "save_form": SavedViewForm(initial={"query": query}),
        "filter_query": query,
        "membership": mine,
        "is_lead": lead,
        "filtered": any(values[k] for k in FILTER_KEYS if k not in ("view", "sort")),
    }
    return render_page(request, "tickets/queue.html", "tickets/partials/queue_results.html", context)


@require_safe
@login_required
def team_queue_counts(request: HttpRequest, team_slug: str) -> HttpResponse:
    """The view tabs with fresh counts, polled by the queue page every 15 s. Rendered
    without the site's context processors: this runs often, for every agent."""
    team = team_or_404(request, team_slug)
    view = request.GET.get("view")
    current = view if view in dict(QUEUE_VIEWS) else DEFAULT_VIEW
    tabs = _tabs(team, request.user, timezone.now(), current)
    html = render_to_string("tickets/partials/queue_tabs.html", {"team": team, "tabs": tabs, "request": request})
    return HttpResponse(html)


def back_to_queue(team: Team, query: str) -> HttpResponse:
    """Back to the team's queue with the filters it was showing."""
    url = reverse("team-queue", args=[team.slug])
    query = _filter_query(QueryDict(query or ""))
    return redirect(f"{url}?{query}" if query else url)


@require_POST
@login_required
def team_queue_bulk(request: HttpRequest, team_slug: str) -> HttpResponse:
    """Apply one change to the ticked tickets of this team's queue. Each ticket is changed
    and audited on its own; those the change does not fit are listed with the reason."""
    user = request.user
    team = team_or_404(request, team_slug)
    memberships = team_memberships(team)
    other_teams = list(Team.objects.filter(is_active=True).exclude(pk=team.pk).only("id", "name"))
    ids = [int(v) for v in request.POST.getlist("ticket") if v.isdigit() and len(v) < 19]
    # Only tickets of this queue that the user may see; anything else is not found.
    tickets = list(tickets_visible_to(user=user).filter(team=team, pk__in=ids).select_related("requester")
                   .order_by("pk"))
    form = BulkForm(request.POST, members=[m.user for m in memberships], teams=other_teams, tickets=tickets)
    back = request.POST.get("query", "")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return back_to_queue(team, back)
    action = form.cleaned_data["action"]
    try:
        result = services.tickets_bulk_update(actor=user, tickets=tickets, action=action, value=form.value(),
                                              reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        messages.error(request, error.message)
        return back_to_queue(team, back)
    summary = _("%(changed)d changed, %(refused)d refused.") % {
        "changed": len(result.changed), "refused": len(result.refused)}
    (messages.warning if result.refused else messages.success)(request, summary)
    for reference, reason in result.refused:
        messages.warning(request, _("%(reference)s refused: %(reason)s") % {"reference": reference, "reason": reason})
    return back_to_queue(team, back)


@require_POST
@login_required
def saved_view_create(request: HttpRequest, team_slug: str) -> HttpResponse:
    """Save the queue's current filters under a name; a lead may share them with the team."""
    team = team_or_404(request, team_slug)
    form = SavedViewForm(request.POST)
    query = _filter_query(QueryDict(request.POST.get("query", "")))
    if not form.is_valid():
        messages.error(request, _("Give the view a name."))
        return back_to_queue(team, query)
    try:
        view = services.saved_view_save(owner=request.user, team=team, name=form.cleaned_data["name"],
                                        query=query, shared=form.cleaned_data["shared"])
    except ApplicationError as error:
        messages.error(request, error.message)
        return back_to_queue(team, query)
    messages.success(request, _("The view “%(name)s” was saved.") % {"name": view.name})
    return back_to_queue(team, view.query)


@require_POST
@login_required
def saved_view_delete(request: HttpRequest, team_slug: str, pk: int) -> HttpResponse:
    """Delete one of one's own saved views (a shared view is its owner's to delete)."""
    team = team_or_404(request, team_slug)
    view = SavedView.objects.filter(team=team, owner=request.user, pk=pk).first()
    if view is None:
        raise Http404(_("No such view."))
    services.saved_view_delete(view=view)
    messages.success(request, _("The view “%(name)s” was deleted.") % {"name": view.name})
    return back_to_queue(team, request.POST.get("query", ""))


@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """An agent's own open tickets by SLA state, and their first responses this week."""
    user = request.user
    if not (is_agent(user=user) or user.is_admin_role):
        raise Http404(_("No such page."))
    now = timezone.now()
    data = agent_dashboard(user=user, now=now)
    median = data["median_first_response_s"]
    return render(request, "tickets/dashboard.html", {
        "by_state": data["by_state"],
        "first_responses": data["first_responses"],
        "median_first_response": format_duration(median) if median is not None else None,
        "rows": [(ticket, ticket_badge(ticket.sla_clocks.all(), now)) for ticket in data["tickets"]],
    })
