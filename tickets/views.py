"""The pages of the service desk: the employee portal (catalog, filing a request, my
requests) and the ticket page (requester's and agent's view of the same URL); the team
queue and the agents' tools are in `tickets.workspace_views`. Views stay thin: reads come from selectors, writes go through `tickets.services`,
and an ApplicationError is shown on the form that caused it."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from servicedesk.exceptions import ApplicationError, ConflictError
from teams.selectors import team_members, user_teams

from . import services
from .constants import ALLOWED_TRANSITIONS, OPEN_STATUSES, REQUESTER_TRANSITIONS, EventKind, Priority, Status
from .forms import (
    AssignForm,
    AttachForm,
    CatalogSearchForm,
    MyRequestsFilterForm,
    PriorityForm,
    ReplyForm,
    TicketCreateForm,
    TransitionForm,
)
from .models import Attachment, CannedResponse, ServiceItem, Ticket, TicketLink
from .presentation import ClockBadge, describe_event, ticket_badge
from .selectors import (
    active_service_item,
    can_see_internal,
    can_work_ticket,
    catalog,
    requester_tickets,
    ticket_comments,
    ticket_events,
    ticket_for_user,
    tickets_visible_to,
)

QUEUE_PAGE_SIZE = 25
MY_REQUESTS_PAGE_SIZE = 20
STATUS_ORDER = [s.value for s in Status]


# --- helpers ------------------------------------------------------------------------------


def _ticket_or_404(request: HttpRequest, pk: int) -> Ticket:
    """The ticket if the user may see it; a ticket they may not see does not exist."""
    try:
        return ticket_for_user(user=request.user, pk=pk)
    except Ticket.DoesNotExist:
        raise Http404(_("No such request.")) from None


def _refuse_if_denied(error: ApplicationError) -> None:
    """A visible ticket but an action the user's role does not allow: 403, not a form error."""
    if error.code == "permission_denied":
        raise PermissionDenied(error.message)


def _render_page(request: HttpRequest, template: str, partial: str, context: dict) -> HttpResponse:
    """The whole page, or only its results when htmx asks for them (a history restore
    wants the whole page back)."""
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        response = render(request, partial, context)
    else:
        response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _conflict(request: HttpRequest, ticket: Ticket, error: ConflictError) -> HttpResponse:
    messages.error(request, error.message)
    return redirect("ticket-detail", pk=ticket.pk)


def _draft_key(ticket_pk: int) -> str:
    return f"reply-draft:{ticket_pk}"


def _field_rows(ticket: Ticket) -> list[tuple[str, object]]:
    """The item's extra answers as (label, value), in the item's own order."""
    values = dict(ticket.fields or {})
    rows = []
    for definition in ticket.service_item.fields.all():
        if definition.key in values:
            rows.append((definition.tr("label"), values.pop(definition.key)))
    rows.extend(values.items())  # answers to questions the item no longer asks
    return rows


def _render_detail(request: HttpRequest, ticket: Ticket, **forms) -> HttpResponse:
    """The ticket page. `forms` are bound forms that failed, shown with their errors."""
    user = request.user
    can_work = can_work_ticket(user=user, ticket=ticket)
    # The team, and collaborators pulled in from other teams, see internal notes.
    see_internal = can_see_internal(user=user, ticket=ticket)
    now = timezone.now()
    initial = {"version": ticket.version}
    draft = request.session.pop(_draft_key(ticket.pk), None)
    reply_initial = {**initial, "body": draft} if draft else initial
    attachments = list(ticket.attachments.all())
    context = {
        "ticket": ticket,
        "can_work": can_work,
        "see_internal": see_internal,
        "field_rows": _field_rows(ticket),
        "comments": ticket_comments(ticket=ticket, include_internal=see_internal),
        # Files of the ticket itself; a comment's files are shown with the comment.
        "ticket_files": [a for a in attachments if a.comment_id is None],
        "is_closed": ticket.status in (Status.CLOSED, Status.CANCELLED),
        "reply_form": forms.get("reply_form") or _reply_form(user, ticket, can_work, see_internal, reply_initial),
        "attach_form": forms.get("attach_form") or AttachForm(initial=initial),
    }
    if can_work:
        members = list(team_members(team=ticket.team))
        targets = sorted(ALLOWED_TRANSITIONS[ticket.status], key=STATUS_ORDER.index)
        events = [(event, describe_event(event)) for event in ticket_events(ticket=ticket)]
        clocks = list(ticket.sla_clocks.order_by("kind"))
        context.update({
            "members": members,
            "is_member": any(m.pk == user.pk for m in members),
            "transition_form": forms.get("transition_form")
            or TransitionForm(initial=initial, targets=targets),
            "targets": targets,
            "assign_form": forms.get("assign_form")
            or AssignForm(initial={**initial, "assignee": ticket.assignee_id}, members=members),
            "priority_form": forms.get("priority_form")
            or PriorityForm(initial={**initial, "priority": ticket.priority}),
            "events": events,
            "timeline": _timeline(context["comments"], events),
            "clocks": [ClockBadge.of(clock, now) for clock in clocks],
            "sla_badge": ticket_badge(clocks, now),
        })
        context.update(_agent_tools(request, ticket, forms, initial))
    elif user.pk == ticket.requester_id:
        allowed = ALLOWED_TRANSITIONS[ticket.status] & REQUESTER_TRANSITIONS.get(ticket.status, frozenset())
        reopen_until = None
        if ticket.status == Status.RESOLVED and ticket.resolved_at:
            reopen_until = ticket.resolved_at + dt.timedelta(days=settings.TICKET_REOPEN_DAYS)
            if reopen_until < now:
                allowed = allowed - {Status.OPEN}
        context.update({
            "can_reopen": Status.OPEN in allowed,
            "can_close": Status.CLOSED in allowed,
            "can_cancel": Status.CANCELLED in allowed,
            "reopen_until": reopen_until,
            "transition_form": forms.get("transition_form"),
        })
    return render(request, "tickets/ticket_detail.html", context)


# Events that repeat what the timeline already shows as a message.
_MESSAGE_EVENTS = {EventKind.COMMENT, EventKind.NOTE}


def _timeline(comments, events) -> list[tuple[str, dt.datetime, object, str]]:
    """Conversation and history in one list, in time order: ("comment", at, comment, "")
    and ("event", at, event, text). A message's own event is not repeated."""
    items = [("comment", c.created_at, c, "") for c in comments]
    items += [("event", e.created_at, e, text) for e, text in events if e.kind not in _MESSAGE_EVENTS]
    # A message and the events it caused share a transaction: show the message first.
    return sorted(items, key=lambda item: (item[1], item[0] != "comment", item[2].pk))


def _agent_tools(request: HttpRequest, ticket: Ticket, forms: dict, initial: dict) -> dict:
    """The ticket page's tools for its team: canned responses, links and merge,
    collaborators, transfer, and the requester's other open requests."""
    from .workspace_views import CollaboratorForm, ReferenceForm, TransferForm, collaborator_candidates, transfer_teams

    user = request.user
    visible = tickets_visible_to(user=user)
    links = [(link.kind, link.target) for link in
             TicketLink.objects.filter(source=ticket, target__in=visible).select_related("target")]
    links += [(link.kind, link.source) for link in
              TicketLink.objects.filter(target=ticket, source__in=visible).select_related("source")]
    return {
        "canned_responses": list(CannedResponse.objects.filter(team_id=ticket.team_id).only("id", "title")),
        "link_form": forms.get("link_form") or ReferenceForm(initial=initial, prefix="link"),
        "merge_form": forms.get("merge_form") or ReferenceForm(initial=initial, prefix="merge"),
        "collaborator_form": forms.get("collaborator_form")
        or CollaboratorForm(initial=initial, candidates=list(collaborator_candidates(ticket))),
        "transfer_form": forms.get("transfer_form") or TransferForm(initial=initial, teams=list(transfer_teams(ticket))),
        "links": links,
        "collaborators": list(ticket.collaborators.select_related("user").order_by("added_at")),
        "other_requests": list(
            visible.filter(requester_id=ticket.requester_id, status__in=OPEN_STATUSES).exclude(pk=ticket.pk)
            .select_related("team").order_by("-created_at")[:10]
        ),
    }


def _reply_form(user, ticket: Ticket, can_work: bool, see_internal: bool, initial=None, data=None, files=None):
    """Requesters reply; the team replies or writes notes; a collaborator writes notes only."""
    note_only = see_internal and not can_work and user.pk != ticket.requester_id
    return ReplyForm(data, files, initial=initial, allow_internal=see_internal, note_only=note_only)


# --- pages ------------------------------------------------------------------------------


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Agents start at their first team's queue; everyone else at the catalog."""
    first_team = user_teams(user=request.user).first()
    if first_team is not None:
        return redirect("team-queue", team_slug=first_team.slug)
    return redirect("catalog")


@require_safe
@login_required
def catalog_view(request: HttpRequest) -> HttpResponse:
    form = CatalogSearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    context = {"form": form, "search": search, "categories": catalog(search=search or None)}
    return _render_page(request, "tickets/catalog.html", "tickets/partials/catalog_results.html", context)


@login_required
def ticket_new(request: HttpRequest, item_id: int) -> HttpResponse:
    """File a request for one service; nothing is stored unless all of it is valid."""
    try:
        item = active_service_item(pk=item_id)
    except ServiceItem.DoesNotExist:
        raise Http404(_("No such service.")) from None
    if request.method == "POST":
        form = TicketCreateForm(request.POST, request.FILES, item=item)
        if form.is_valid():
            try:
                ticket = services.ticket_create(requester=request.user, service_item=item, **form.service_kwargs())
            except ApplicationError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request,
                    _("Your request %(reference)s was filed. %(team)s will get back to you here.")
                    % {"reference": ticket.reference, "team": item.team.name},
                )
                return redirect("ticket-detail", pk=ticket.pk)
    else:
        form = TicketCreateForm(item=item)
    return render(request, "tickets/ticket_new.html", {
        "item": item, "form": form, "files_dropped": bool(request.FILES) and form.errors,
    })


@require_safe
@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    form = MyRequestsFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    tickets = requester_tickets(user=request.user, status=status or None)
    page = Paginator(tickets, MY_REQUESTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tickets/my_requests.html", {"form": form, "page": page, "status": status or "all"})


@require_safe
@login_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _ticket_or_404(request, pk))


# --- changes to a ticket ----------------------------------------------------------------


@require_POST
@login_required
def ticket_reply(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket_or_404(request, pk)
    form = _reply_form(
        request.user, ticket, can_work_ticket(user=request.user, ticket=ticket),
        can_see_internal(user=request.user, ticket=ticket), data=request.POST, files=request.FILES,
    )
    if form.is_valid():
        internal = form.is_internal
        try:
            services.comment_create(
                ticket=ticket, author=request.user, body=form.cleaned_data["body"], internal=internal,
                attachments=form.cleaned_data["attachments"], expected_version=form.cleaned_data["version"],
            )
        except ConflictError as error:
            if form.cleaned_data["body"].strip():
                request.session[_draft_key(ticket.pk)] = form.cleaned_data["body"]
            return _conflict(request, ticket, error)
        except ApplicationError as error:
            _refuse_if_denied(error)
            form.add_service_error(error)
        else:
            messages.success(request, _("Your internal note was added.") if internal else _("Your reply was sent."))
            return redirect("ticket-detail", pk=ticket.pk)
    return _render_detail(request, ticket, reply_form=form)


@require_POST
@login_required
def ticket_transition(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket_or_404(request, pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        to = form.cleaned_data["to"]
        try:
            services.ticket_transition_with_reply(
                ticket=ticket, to=to, actor=request.user, comment=form.cleaned_data["comment"],
                expected_version=form.cleaned_data["version"],
            )
        except ConflictError as error:
            return _conflict(request, ticket, error)
        except ApplicationError as error:
            _refuse_if_denied(error)
            form.add_service_error(error)
        else:
            messages.success(request, _("The status is now “%(status)s”.") % {"status": Status(to).label})
            return redirect("ticket-detail", pk=ticket.pk)
    return _render_detail(request, ticket, transition_form=form)


@require_POST
@login_required
def ticket_assign(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket_or_404(request, pk)
    form = AssignForm(request.POST, members=list(team_members(team=ticket.team)))
    if form.is_valid():
        assignee = form.assignee_user
        try:
            services.ticket_assign(
                ticket=ticket, assignee=assignee, actor=request.user, expected_version=form.cleaned_data["version"],
            )
        except ConflictError as error:
            return _conflict(request, ticket, error)
        except ApplicationError as error:
            _refuse_if_denied(error)
            form.add_service_error(error)
        else:
            if assignee is None:
                messages.success(request, _("The ticket is now unassigned."))
            else:
                messages.success(request, _("Assigned to %(name)s.") % {"name": assignee.display_name})
            return redirect("ticket-detail", pk=ticket.pk)
    return _render_detail(request, ticket, assign_form=form)


@require_POST
@login_required
def ticket_priority(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket_or_404(request, pk)
    form = PriorityForm(request.POST)
    if form.is_valid():
        priority = form.cleaned_data["priority"]
        try:
            services.ticket_set_priority(
                ticket=ticket, priority=priority, actor=request.user, expected_version=form.cleaned_data["version"],
            )
        except ConflictError as error:
            return _conflict(request, ticket, error)
        except ApplicationError as error:
            _refuse_if_denied(error)
            form.add_service_error(error)
        else:
            messages.success(request, _("The priority is now %(priority)s.") % {"priority": Priority(priority).label})
            return redirect("ticket-detail", pk=ticket.pk)
    return _render_detail(request, ticket, priority_form=form)


@require_POST
@login_required
def ticket_attach(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket_or_404(request, pk)
    form = AttachForm(request.POST, request.FILES)
    if form.is_valid():
        if not form.cleaned_data["attachments"]:
            form.add_error("attachments", _("Choose at least one file."))
        else:
            try:
                stored = services.attachment_add(
                    ticket=ticket, uploads=form.cleaned_data["attachments"], actor=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except ConflictError as error:
                return _conflict(request, ticket, error)
            except ApplicationError as error:
                _refuse_if_denied(error)
                form.add_service_error(error)
            else:
                messages.success(request, _("%(count)d file(s) attached.") % {"count": len(stored)})
                return redirect("ticket-detail", pk=ticket.pk)
    return _render_detail(request, ticket, attach_form=form)


@require_safe
@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """A file of a ticket the user may see; the files of internal notes only for those who
    see internal notes (never the requester)."""
    try:
        attachment = (
            Attachment.objects.select_related("ticket", "comment")
            .filter(ticket__in=tickets_visible_to(user=request.user))
            .get(pk=pk)
        )
    except Attachment.DoesNotExist:
        raise Http404(_("No such file.")) from None
    if attachment.comment_id and attachment.comment.is_internal and not can_see_internal(
        user=request.user, ticket=attachment.ticket
    ):
        raise Http404(_("No such file."))
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from storage.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
