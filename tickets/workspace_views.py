"""The team lead's workspace: the queue with its views, filters, keyset pages, bulk triage
and saved views; the team settings page (assignment mode, members, canned responses);
the agent dashboard; and the ticket page's extra tools (Markdown preview, canned
responses, links and merges, collaborators, transfers).

Views stay thin like those of `tickets.views`: reads come from `tickets.selectors`,
writes go through `tickets.services`, every object is looked up through what the user
may see (404 outside it), and lead-only actions are checked here and in the service.
"""

import base64
import binascii
import datetime as dt
import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from servicedesk.exceptions import ApplicationError, ConflictError
from sla.states import TicketState
from teams import services as team_services
from teams.models import Department, Membership, Team, User
from teams.selectors import is_agent, is_team_lead, visible_teams

from . import services
from .constants import OPEN_STATUSES, Priority, Status
from .forms import ReplyForm, ServiceErrorsMixin, VersionedForm
from .models import CannedResponse, SavedView, ServiceItem, Ticket, parse_reference
from .presentation import format_duration, ticket_badge
from .selectors import (
    QUEUE_ORDERINGS,
    VIEW_DEFAULT_SORT,
    agent_dashboard,
    can_work_ticket,
    keyset_page,
    queue_counts_recent,
    queue_filter,
    queue_views,
    tickets_visible_to,
)
from .views import (
    _conflict,
    _refuse_if_denied,
    _render_detail,
    _render_page,
    _ticket_or_404,
)

QUEUE_PAGE_SIZE = 25

QUEUE_VIEWS = [
    ("open", gettext_lazy("All open")),
    ("unassigned", gettext_lazy("Unassigned")),
    ("mine", gettext_lazy("Mine")),
    ("at_risk", gettext_lazy("At risk")),
    ("breached", gettext_lazy("Breached")),
    ("pending", gettext_lazy("Waiting on requester")),
]
DEFAULT_VIEW = "open"
DEFAULT_SORT = "due"

SORT_CHOICES = [
    ("due", gettext_lazy("Next due")),
    ("priority", gettext_lazy("Priority")),
    ("age", gettext_lazy("Oldest first")),
    ("-age", gettext_lazy("Newest first")),
    ("updated", gettext_lazy("Last update")),
]
SLA_CHOICES = [("", gettext_lazy("Any SLA state")), *TicketState.choices]
# The query parameters a saved view keeps (never the cursor: a saved view opens on page 1).
FILTER_KEYS = ("view", "q", "status", "priority", "service_item", "assignee", "sla", "department",
               "created_from", "created_to", "sort")


# --- keyset cursors ----------------------------------------------------------------------
# The cursor of the next page is the sort values and id of the last row seen, as base64
# JSON in the URL. Anything that does not decode to exactly that shape is page 1: a
# hand-edited or stale link must never become a 500.


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


# --- forms ---------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    """The queue's view tab, filters and sort. A value the form refuses is dropped on its
    own (the others still apply), so that an edited URL shows a sensible page."""

    view = forms.ChoiceField(required=False, choices=QUEUE_VIEWS, widget=forms.HiddenInput)
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200,
                        widget=forms.SearchInput(attrs={"placeholder": gettext_lazy(
                            "Reference, title, description or replies")}))
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                               choices=[("", gettext_lazy("Open work")), ("all", gettext_lazy("All"))]
                               + list(Status.choices))
    priority = forms.ChoiceField(label=gettext_lazy("Priority"), required=False,
                                 choices=[("", gettext_lazy("Any priority"))] + list(Priority.choices))
    service_item = forms.TypedChoiceField(label=gettext_lazy("Service"), required=False, coerce=int,
                                          empty_value=None)
    assignee = forms.ChoiceField(label=gettext_lazy("Assignee"), required=False)
    sla = forms.ChoiceField(label=gettext_lazy("Service standard"), required=False, choices=SLA_CHOICES)
    department = forms.TypedChoiceField(label=gettext_lazy("Department"), required=False, coerce=int,
                                        empty_value=None)
    created_from = forms.DateField(label=gettext_lazy("Created from"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    created_to = forms.DateField(label=gettext_lazy("Created until"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, members=(), items=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", _("Anyone")), ("none", _("Unassigned")), ("me", _("Me")),
        ] + [(str(m.pk), m.display_name) for m in members]
        self.fields["service_item"].choices = [("", _("Any service"))] + [(i.pk, i.tr("name")) for i in items]
        self.fields["department"].choices = [("", _("Any department"))] + [(d.pk, d.name) for d in departments]

    def values(self) -> dict:
        """Every field's valid value, or its empty default."""
        values = {name: None for name in self.fields}
        if self.is_bound:
            self.is_valid()
            for name in self.fields:
                if name not in self.errors and self.cleaned_data.get(name) not in (None, ""):
                    values[name] = self.cleaned_data[name]
        values["view"] = values["view"] or DEFAULT_VIEW
        values["sort"] = values["sort"] or VIEW_DEFAULT_SORT.get(values["view"], DEFAULT_SORT)
        values["q"] = (values["q"] or "").strip() or None
        return values


class BulkForm(forms.Form):
    """One change to the tickets ticked on the page (`tickets`: those of them the user may
    change in this queue; others are ignored). The pressed button names the action."""

    action = forms.ChoiceField(choices=[(a, a) for a in services.BULK_ACTIONS])
    assignee = forms.ChoiceField(label=gettext_lazy("Assign to"), required=False)
    priority = forms.ChoiceField(label=gettext_lazy("Priority"), required=False,
                                 choices=[("", "—")] + list(Priority.choices))
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                               choices=[("", "—")] + list(Status.choices))
    team = forms.TypedChoiceField(label=gettext_lazy("Move to"), required=False, coerce=int, empty_value=None)
    reason = forms.CharField(label=gettext_lazy("Reason for the move"), required=False, max_length=500)

    def __init__(self, *args, members=(), teams=(), tickets=(), **kwargs):
        kwargs.setdefault("auto_id", "bulk_%s")  # the filter form on the same page has the same names
        super().__init__(*args, **kwargs)
        self.tickets = list(tickets)
        self.fields["assignee"].choices = [("", "—"), ("none", _("Nobody (unassign)"))] + [
            (str(m.pk), m.display_name) for m in members
        ]
        self.fields["team"].choices = [("", "—")] + [(t.pk, t.name) for t in teams]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if not self.tickets:
            raise forms.ValidationError(_("Select at least one ticket."))
        if action == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("Choose whom to assign the tickets to."))
        elif action == "priority" and not data.get("priority"):
            self.add_error("priority", _("Choose a priority."))
        elif action == "status" and not data.get("status"):
            self.add_error("status", _("Choose a status."))
        elif action == "move":
            if not data.get("team"):
                self.add_error("team", _("Choose the service team."))
            if not (data.get("reason") or "").strip():
                self.add_error("reason", _("Say why the tickets move."))
        return data

    def value(self):
        data = self.cleaned_data
        action = data["action"]
        if action == "assign":
            return None if data["assignee"] == "none" else int(data["assignee"])
        return {"priority": data.get("priority"), "status": data.get("status"), "move": data.get("team")}[action]


class SavedViewForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    shared = forms.BooleanField(label=gettext_lazy("Share with the team"), required=False)
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)


class AssignmentModeForm(forms.Form):
    mode = forms.ChoiceField(label=gettext_lazy("Automatic assignment"), choices=Team.Assignment.choices,
                             widget=forms.RadioSelect)


class CannedResponseForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    body = forms.CharField(
        label=gettext_lazy("Message"), widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Markdown is supported. These placeholders are filled in when an agent inserts "
                               "the text: {requester_name} (the requester's name), {reference} (e.g. SD-000123) "
                               "and {title} (the ticket's title)."),
    )


class ReferenceForm(VersionedForm):
    """Another ticket, given by its reference (SD-000123, 123)."""

    reference = forms.CharField(label=gettext_lazy("Reference"), max_length=20,
                                widget=forms.TextInput(attrs={"placeholder": "SD-000123"}))
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    service_field_map = {"target": "reference", "source": "reference"}

    def __init__(self, *args, user=None, ticket=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.ticket = ticket

    def clean_reference(self):
        pk = parse_reference(self.cleaned_data["reference"])
        other = tickets_visible_to(user=self.user).filter(pk=pk).first() if pk is not None else None
        if other is None:
            raise forms.ValidationError(_("No request with this reference that you can see."))
        if other.pk == self.ticket.pk:
            raise forms.ValidationError(_("Give the reference of another ticket."))
        self.other = other
        return other.reference


class CollaboratorForm(VersionedForm):
    user = forms.TypedChoiceField(label=gettext_lazy("Agent of another team"), coerce=int)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {u.pk: u for u in candidates}
        self.fields["user"].choices = [("", _("— choose —"))] + [(u.pk, u.display_name) for u in candidates]


class TransferForm(VersionedForm):
    team = forms.TypedChoiceField(label=gettext_lazy("Service team"), coerce=int)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = {t.pk: t for t in teams}
        self.fields["team"].choices = [("", _("— choose —"))] + [(t.pk, t.name) for t in teams]


class PreviewForm(forms.Form):
    body = forms.CharField(required=False, strip=False, max_length=50_000)


# --- reads of the workspace ------------------------------------------------------------------


def _team_or_404(request: HttpRequest, team_slug: str) -> Team:
    """A team whose queue the user may open (members and service admins)."""
    team = visible_teams(user=request.user).filter(slug=team_slug).first()
    if team is None:
        raise Http404(_("No such queue."))
    return team


def _memberships(team: Team) -> list[Membership]:
    """The team's active members with their role and availability, in one query."""
    return list(
        Membership.objects.filter(team=team, user__is_active=True).select_related("user").order_by("user__username")
    )


def _is_lead(user: User, team: Team, memberships: list[Membership] | None = None) -> bool:
    """Team leads and service admins run a team's settings."""
    if user.is_admin_role:
        return True
    if memberships is not None:
        return any(m.user_id == user.pk and m.role == Membership.Role.LEAD for m in memberships)
    return is_team_lead(user=user, team_id=team.pk)


def _lead_team_or_404(request: HttpRequest, team_slug: str) -> Team:
    """The team, if the user leads it (or is a service admin); a 404 for everyone else."""
    team = _team_or_404(request, team_slug)
    if not _is_lead(request.user, team):
        raise Http404(_("No such page."))
    return team


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


# --- the queue -------------------------------------------------------------------------------


@require_safe
@login_required
def team_queue(request: HttpRequest, team_slug: str) -> HttpResponse:
    """A team's queue as a workspace: view tabs with live counts, filters, sort, keyset
    pages of 25, bulk triage and saved views. Members and service admins; others 404.

    The number of queries does not depend on the page's content: the rows, their
    clocks, the counts and the choices are one query each.
    """
    user = request.user
    team = _team_or_404(request, team_slug)
    memberships = _memberships(team)
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
    is_lead = _is_lead(user, team, memberships)
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
        "is_lead": is_lead,
        "filtered": any(values[k] for k in FILTER_KEYS if k not in ("view", "sort")),
    }
    return _render_page(request, "tickets/queue.html", "tickets/partials/queue_results.html", context)


@require_safe
@login_required
def team_queue_counts(request: HttpRequest, team_slug: str) -> HttpResponse:
    """The view tabs with fresh counts, polled by the queue page every 15 s. Rendered
    without the site's context processors: this runs often, for every agent."""
    team = _team_or_404(request, team_slug)
    view = request.GET.get("view")
    current = view if view in dict(QUEUE_VIEWS) else DEFAULT_VIEW
    tabs = _tabs(team, request.user, timezone.now(), current)
    html = render_to_string("tickets/partials/queue_tabs.html", {"team": team, "tabs": tabs, "request": request})
    return HttpResponse(html)


def _back_to_queue(team: Team, query: str) -> HttpResponse:
    url = reverse("team-queue", args=[team.slug])
    query = _filter_query(QueryDict(query or ""))
    return redirect(f"{url}?{query}" if query else url)


@require_POST
@login_required
def team_queue_bulk(request: HttpRequest, team_slug: str) -> HttpResponse:
    """Apply one change to the ticked tickets of this team's queue. Each ticket is changed
    and audited on its own; those the change does not fit are listed with the reason."""
    user = request.user
    team = _team_or_404(request, team_slug)
    memberships = _memberships(team)
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
        return _back_to_queue(team, back)
    action = form.cleaned_data["action"]
    try:
        result = services.tickets_bulk_update(actor=user, tickets=tickets, action=action, value=form.value(),
                                              reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back_to_queue(team, back)
    summary = _("%(changed)d changed, %(refused)d refused.") % {
        "changed": len(result.changed), "refused": len(result.refused)}
    (messages.warning if result.refused else messages.success)(request, summary)
    for reference, reason in result.refused:
        messages.warning(request, _("%(reference)s refused: %(reason)s") % {"reference": reference, "reason": reason})
    return _back_to_queue(team, back)


@require_POST
@login_required
def saved_view_create(request: HttpRequest, team_slug: str) -> HttpResponse:
    """Save the queue's current filters under a name; a lead may share them with the team."""
    team = _team_or_404(request, team_slug)
    form = SavedViewForm(request.POST)
    query = _filter_query(QueryDict(request.POST.get("query", "")))
    if not form.is_valid():
        messages.error(request, _("Give the view a name."))
        return _back_to_queue(team, query)
    try:
        view = services.saved_view_save(owner=request.user, team=team, name=form.cleaned_data["name"],
                                        query=query, shared=form.cleaned_data["shared"])
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back_to_queue(team, query)
    messages.success(request, _("The view “%(name)s” was saved.") % {"name": view.name})
    return _back_to_queue(team, view.query)


@require_POST
@login_required
def saved_view_delete(request: HttpRequest, team_slug: str, pk: int) -> HttpResponse:
    """Delete one of one's own saved views (a shared view is its owner's to delete)."""
    team = _team_or_404(request, team_slug)
    view = SavedView.objects.filter(team=team, owner=request.user, pk=pk).first()
    if view is None:
        raise Http404(_("No such view."))
    services.saved_view_delete(view=view)
    messages.success(request, _("The view “%(name)s” was deleted.") % {"name": view.name})
    return _back_to_queue(team, request.POST.get("query", ""))


@require_POST
@login_required
def team_availability(request: HttpRequest, team_slug: str) -> HttpResponse:
    """An agent marks themselves available (or not) for automatic assignment in a team."""
    team = _team_or_404(request, team_slug)
    available = request.POST.get("available") == "1"
    try:
        team_services.membership_set_available(user=request.user, team=team, available=available)
    except ApplicationError as error:
        _refuse_if_denied(error)
    if available:
        messages.success(request, _("You are available for new tickets in %(team)s.") % {"team": team.name})
    else:
        messages.success(request, _("You get no new tickets in %(team)s until you are available again.")
                         % {"team": team.name})
    return _back_to_queue(team, request.POST.get("query", ""))


# --- team settings (the lead's) ----------------------------------------------------------------


def _members_with_load(team: Team):
    """The team's members with role, availability and open load (their open assigned
    tickets in any team, as automatic assignment counts them), in one query."""
    return (
        Membership.objects.filter(team=team).select_related("user")
        .annotate(open_load=Count("user__assigned_tickets",
                                  filter=Q(user__assigned_tickets__status__in=OPEN_STATUSES)))
        .order_by("-role", "user__username")
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def team_settings(request: HttpRequest, team_slug: str) -> HttpResponse:
    """The lead's page: how new tickets are assigned, who is in the team and how loaded
    they are, and the team's canned responses. A 404 for anyone but the lead or an admin."""
    team = _lead_team_or_404(request, team_slug)
    if request.method == "POST":
        form = AssignmentModeForm(request.POST)
        if form.is_valid():
            try:
                team_services.team_set_assignment_mode(team=team, mode=form.cleaned_data["mode"], actor=request.user)
            except ApplicationError as error:
                _refuse_if_denied(error)
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Automatic assignment is now: %(mode)s.")
                                 % {"mode": Team.Assignment(form.cleaned_data["mode"]).label})
                return redirect("team-settings", team_slug=team.slug)
    else:
        form = AssignmentModeForm(initial={"mode": team.assignment_mode})
    return render(request, "tickets/team_settings.html", {
        "team": team,
        "mode_form": form,
        "members": list(_members_with_load(team)),
        "canned_responses": list(team.canned_responses.all()),
        "canned_form": CannedResponseForm(),
    })


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def canned_response_edit(request: HttpRequest, team_slug: str, pk: int | None = None) -> HttpResponse:
    """Add (no `pk`) or edit one of the team's canned responses; the lead's."""
    team = _lead_team_or_404(request, team_slug)
    canned = None
    if pk is not None:
        canned = CannedResponse.objects.filter(team=team, pk=pk).first()
        if canned is None:
            raise Http404(_("No such canned response."))
    initial = {"title": canned.title, "body": canned.body} if canned else None
    form = CannedResponseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.canned_response_save(team=team, canned=canned, **form.cleaned_data)
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The canned response “%(title)s” was saved.") % {"title": saved.title})
            return redirect("team-settings", team_slug=team.slug)
    return render(request, "tickets/canned_form.html", {"team": team, "form": form, "canned": canned})


@require_POST
@login_required
def canned_response_delete(request: HttpRequest, team_slug: str, pk: int) -> HttpResponse:
    team = _lead_team_or_404(request, team_slug)
    canned = CannedResponse.objects.filter(team=team, pk=pk).first()
    if canned is None:
        raise Http404(_("No such canned response."))
    services.canned_response_delete(canned=canned)
    messages.success(request, _("The canned response “%(title)s” was deleted.") % {"title": canned.title})
    return redirect("team-settings", team_slug=team.slug)


# --- the agent's dashboard ---------------------------------------------------------------------


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


# --- the ticket page's tools ----------------------------------------------------------------------


@require_POST
@login_required
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """The reply box rendered as it will be shown: through the same sanitising `markdown`
    filter as the conversation, so that a preview cannot run script either."""
    form = PreviewForm(request.POST)
    body = form.cleaned_data["body"] if form.is_valid() else ""
    return render(request, "tickets/partials/markdown_preview.html", {"body": body})


def _staff_ticket_or_404(request: HttpRequest, pk: int) -> Ticket:
    """A ticket the user works (its team or a service admin). Invisible: 404; visible but
    only followed (requester, collaborator): 403."""
    ticket = _ticket_or_404(request, pk)
    if not can_work_ticket(user=request.user, ticket=ticket):
        raise PermissionDenied(_("Only the service team can do this."))
    return ticket


def canned_text(*, ticket: Ticket, canned_id) -> str | None:
    """A canned response of the ticket's team with its placeholders filled, or None."""
    if not str(canned_id or "").isdigit():
        return None
    canned = CannedResponse.objects.filter(team_id=ticket.team_id, pk=int(canned_id)).first()
    if canned is None:
        return None
    return services.canned_response_render(body=canned.body, ticket=ticket)


@require_POST
@login_required
def ticket_canned(request: HttpRequest, pk: int) -> HttpResponse:
    """The reply box with a canned response put in (after what was already typed). It
    writes nothing: it is a POST only because the draft can be long."""
    ticket = _staff_ticket_or_404(request, pk)
    if not request.POST.get("canned"):
        return HttpResponse(status=204)  # the select's "choose…" line: nothing to put in
    text = canned_text(ticket=ticket, canned_id=request.POST.get("canned"))
    if text is None:
        raise Http404(_("No such canned response."))
    draft = (request.POST.get("body") or "").rstrip()
    body = f"{draft}\n\n{text}" if draft else text
    form = ReplyForm(initial={"body": body})
    return render(request, "tickets/partials/reply_body.html", {"field": form["body"]})


@require_POST
@login_required
def ticket_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark another ticket (by reference) as related to this one."""
    ticket = _staff_ticket_or_404(request, pk)
    form = ReferenceForm(request.POST, user=request.user, ticket=ticket, prefix="link")
    if form.is_valid():
        try:
            services.ticket_link(source=ticket, target=form.other, actor=request.user,
                                 expected_version=form.cleaned_data["version"])
        except ConflictError as error:
            return _conflict(request, ticket, error)
        except ApplicationError as error:
            _refuse_if_denied(error)
            form.add_service_error(error)
        else:
            messages.success(request, _("Linked to %(ref)s.") % {"ref": form.other.reference})
            return redirect("ticket-detail", pk=ticket.pk)
    return _render_detail(request, ticket, link_form=form)


@require_POST
@login_required
def ticket_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge this ticket into another (it is a duplicate). The first POST asks for
    confirmation on a page that shows both tickets; the confirmed POST merges."""
    ticket = _staff_ticket_or_404(request, pk)
    form = ReferenceForm(request.POST, user=request.user, ticket=ticket, prefix="merge")
    if form.is_valid():
        if not form.cleaned_data["confirm"]:
            return render(request, "tickets/merge_confirm.html", {
                "ticket": ticket, "target": form.other, "form": form,
            })
        try:
            target = services.ticket_merge(source=ticket, target=form.other, actor=request.user,
                                           expected_version=form.cleaned_data["version"])
        except ConflictError as error:
            return _conflict(request, ticket, error)
        except ApplicationError as error:
            _refuse_if_denied(error)
            form.add_service_error(error)
        else:
            messages.success(request, _("%(ref)s was merged into %(target)s.")
                             % {"ref": ticket.reference, "target": target.reference})
            return redirect("ticket-detail", pk=target.pk)
    return _render_detail(request, ticket, merge_form=form)


def collaborator_candidates(ticket: Ticket):
    """Agents of other teams who are not on the ticket yet."""
    return (
        User.objects.filter(is_active=True, memberships__isnull=False)
        .exclude(memberships__team_id=ticket.team_id)
        .exclude(collaborations__ticket=ticket)
        .distinct().order_by("first_name", "username")
    )


@require_POST
@login_required
def ticket_collaborator_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Pull an agent of another team into the ticket."""
    ticket = _staff_ticket_or_404(request, pk)
    form = CollaboratorForm(request.POST, candidates=list(collaborator_candidates(ticket)))
    if form.is_valid():
        person = form.candidates[form.cleaned_data["user"]]
        try:
            services.collaborator_add(ticket=ticket, user=person, actor=request.user,
                                      expected_version=form.cleaned_data["version"])
        except ConflictError as error:
            return _conflict(request, ticket, error)
        except ApplicationError as error:
            _refuse_if_denied(error)
            form.add_service_error(error)
        else:
            messages.success(request, _("%(name)s now collaborates on this ticket.") % {"name": person.display_name})
            return redirect("ticket-detail", pk=ticket.pk)
    return _render_detail(request, ticket, collaborator_form=form)


def transfer_teams(ticket: Ticket):
    return Team.objects.filter(is_active=True).exclude(pk=ticket.team_id).order_by("name")


@require_POST
@login_required
def ticket_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the ticket to another service team, with a reason for its history."""
    ticket = _staff_ticket_or_404(request, pk)
    form = TransferForm(request.POST, teams=list(transfer_teams(ticket)))
    if form.is_valid():
        team = form.teams[form.cleaned_data["team"]]
        try:
            services.ticket_transfer(ticket=ticket, team=team, actor=request.user,
                                      reason=form.cleaned_data["reason"],
                                      expected_version=form.cleaned_data["version"])
        except ConflictError as error:
            return _conflict(request, ticket, error)
        except ApplicationError as error:
            _refuse_if_denied(error)
            form.add_service_error(error)
        else:
            messages.success(request, _("%(ref)s moved to %(team)s.") % {"ref": ticket.reference, "team": team.name})
            # Someone outside the new team no longer sees the ticket: back to their queue.
            if tickets_visible_to(user=request.user).filter(pk=ticket.pk).exists():
                return redirect("ticket-detail", pk=ticket.pk)
            return redirect("team-queue", team_slug=ticket.team.slug)
    return _render_detail(request, ticket, transfer_form=form)
