"""A team's queue as a workspace: view tabs with live counts, filters, sort, keyset pages,
bulk triage and saved views; and an agent's own dashboard."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from problems.selectors import open_problems_of_team
from servicedesk.exceptions import ApplicationError
from servicedesk.keyset import InvalidCursor, keyset_page
from servicedesk.limits import parse_id
from sla.selectors import shown_clocks
from teams.models import Department, Team, User
from teams.selectors import is_agent

from .. import services
from ..constants import OPEN_STATUSES
from ..filters import QueueFilterSet
from ..forms import (
    DEFAULT_SORT,
    DEFAULT_VIEW,
    FILTER_KEYS,
    QUEUE_VIEWS,
    BulkForm,
    SavedViewForm,
)
from ..models import SavedView, ServiceItem
from ..presentation import format_duration, ticket_badge
from ..selectors import (
    QUEUE_ORDERINGS,
    VIEW_DEFAULT_SORT,
    agent_dashboard,
    queue_counts_forget,
    queue_counts_recent,
    queue_tickets,
    tickets_visible_to,
)
from .access import is_lead, render_page, team_memberships, team_or_404

QUEUE_PAGE_SIZE = 25














def _filter_query(params: QueryDict) -> str:
    """The filters of `params` as a query string, without the cursor or unknown keys."""
    clean = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        for value in params.getlist(key):
            if value:
                clean.appendlist(key, value[:200])
    return clean.urlencode()


def _queue_rows(filters: QueueFilterSet, sort: str, cursor: str | None, now: dt.datetime):
    """One keyset page of the filtered queue, each ticket with its SLA badge. A cursor
    that does not fit (hand-edited, or from another sort) is page 1, never an error."""
    qs = filters.qs
    if not filters.wants_finished:  # the views work on open tickets unless finished ones are asked for
        qs = qs.filter(status__in=OPEN_STATUSES)
    qs = qs.select_related("requester", "requester_department", "service_item", "assignee")
    try:
        page = keyset_page(qs, QUEUE_ORDERINGS[sort], cursor=cursor, size=QUEUE_PAGE_SIZE)
    except InvalidCursor:
        page = keyset_page(qs, QUEUE_ORDERINGS[sort], cursor=None, size=QUEUE_PAGE_SIZE)
    # After the page is cut: one query for the clocks of its rows, however it was fetched.
    prefetch_related_objects(page.rows, Prefetch("sla_clocks", queryset=shown_clocks()))
    return [(ticket, ticket_badge(ticket.sla_clocks.all(), now)) for ticket in page.rows], page


def _tabs(team: Team, user: User, now: dt.datetime, current: str) -> list[dict]:
    counts = queue_counts_recent(team_id=team.pk, user=user, now=now)
    return [{"name": name, "label": label, "count": counts.get(name, 0), "current": name == current}
            for name, label in QUEUE_VIEWS]


def _queue_filters(data, team: Team, user: User, now: dt.datetime, members, items, departments) -> QueueFilterSet:
    """The page's filters on the queue's view; a value the filter set refuses is dropped
    on its own (the others still apply), so that an edited URL shows a sensible page."""
    base = queue_tickets(team_id=team.pk, user=user, now=now, view=data["view"])
    return QueueFilterSet(data, base, user=user, now=now, members=members, items=items,
                          departments=departments).valid_only()


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
    now = timezone.now()
    filters = _queue_filters(data, team, user, now, members, items, departments)
    sort = filters.value("sort") or VIEW_DEFAULT_SORT.get(view, DEFAULT_SORT)
    rows, page = _queue_rows(filters, sort, request.GET.get("after"), now)
    mine = next((m for m in memberships if m.user_id == user.pk), None)
    lead = is_lead(user, team, memberships)
    saved = list(SavedView.objects.filter(team=team).filter(Q(owner=user) | Q(shared=True))
                 .select_related("owner").order_by("-shared", "name"))
    other_teams = [t for t in Team.objects.filter(is_active=True).exclude(pk=team.pk).only("id", "name")]
    query = _filter_query(request.GET)
    context = {
        "team": team,
        "form": filters.form,
        "view": view,
        "sort": sort,
        "rows": rows,
        "tabs": _tabs(team, user, now, view),
        "next_cursor": page.next_cursor,
        "is_first_page": page.is_first,
        "bulk_form": BulkForm(members=members, teams=other_teams),
        # The bulk bar's "link to problem…": the team's open problems (no query without rows).
        "team_problems": list(open_problems_of_team(team_id=team.pk).only("id", "title")[:50]) if rows else [],
        "saved_views": saved,
        "save_form": SavedViewForm(initial={"query": query}),
        "filter_query": query,
        "membership": mine,
        "is_lead": lead,
        "filtered": any(filters.value(k) for k in FILTER_KEYS if k not in ("view", "sort")),
        # The folded filters (on a phone) start open when one of them is in use.
        "more_filters_used": any(filters.value(k) for k in FILTER_KEYS if k not in ("view", "sort", "search")),
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
    ids = [pk for pk in map(parse_id, request.POST.getlist("ticket")) if pk is not None]
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
    if form.needs_confirmation:
        # Everything the queue posted comes back with the confirmation, and `confirmed`.
        posted = [(key, value) for key in request.POST if key not in ("csrfmiddlewaretoken", "confirmed")
                  for value in request.POST.getlist(key)]
        return render(request, "tickets/bulk_confirm.html", {
            "team": team, "description": form.describe(), "tickets": tickets, "posted": posted, "back": back,
        })
    try:
        result = services.tickets_bulk_update(actor=user, tickets=tickets, action=action, value=form.value(),
                                              reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        messages.error(request, error.message)
        return back_to_queue(team, back)
    queue_counts_forget(user=user, team_ids=[team.pk])
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
