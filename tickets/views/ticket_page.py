"""The ticket page: the requester's and the team's view of the same URL, with the forms of
the ticket's actions (bound forms that failed come back with their errors)."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from kbsearch.selectors import ticket_suggested_articles
from problems.forms import TicketProblemForm
from problems.selectors import open_problems_of_team, ticket_problem
from sla.models import ServiceStandard
from sla.selectors import shown_clocks, ticket_outcomes
from sla.states import current_clocks
from teams.models import Team
from teams.selectors import team_members

from ..constants import ALLOWED_TRANSITIONS, OPEN_STATUSES, REQUESTER_TRANSITIONS, EventKind, Status
from ..forms import (
    AssignForm,
    AttachForm,
    CollaboratorForm,
    PriorityForm,
    ReferenceForm,
    ReplyForm,
    TransferForm,
    TransitionForm,
)
from ..models import Ticket, TicketLink
from ..presentation import ClockBadge, OutcomeLine, describe_event, requester_promises, ticket_badge
from ..selectors import (
    can_see_internal,
    can_work_ticket,
    canned_responses_for,
    collaborator_candidates,
    ticket_comments,
    ticket_events,
    tickets_visible_to,
    transfer_teams,
)
from .access import ticket_or_404

STATUS_ORDER = [s.value for s in Status]


def draft_key(ticket_pk: int) -> str:
    return f"reply-draft:{ticket_pk}"


def _field_rows(ticket: Ticket) -> list[tuple[str, object]]:
    """The item's extra answers as (label, value), in the item's own order."""
    values = dict(ticket.fields or {})
    rows = []
    for definition in ticket.service_item.fields.all():
        if definition.key in values:
            rows.append((definition.tr("label"), definition.display_value(values.pop(definition.key))))
    rows.extend(values.items())  # answers to questions the item no longer asks
    return rows


def render_ticket_page(request: HttpRequest, ticket: Ticket, **forms) -> HttpResponse:
    """The ticket page. `forms` are bound forms that failed, shown with their errors."""
    user = request.user
    can_work = can_work_ticket(user=user, ticket=ticket)
    # The team, and collaborators pulled in from other teams, see internal notes.
    see_internal = can_see_internal(user=user, ticket=ticket)
    now = timezone.now()
    initial = {"version": ticket.version}
    draft = request.session.pop(draft_key(ticket.pk), None)
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
        "reply_form": forms.get("reply_form") or reply_form(user, ticket, can_work, see_internal, reply_initial),
        "attach_form": forms.get("attach_form") or AttachForm(initial=initial),
    }
    if can_work:
        members = list(team_members(team=ticket.team))
        targets = sorted(ALLOWED_TRANSITIONS[ticket.status], key=STATUS_ORDER.index)
        history = list(ticket_events(ticket=ticket))
        # Names in the reader's language for the teams moved to and the standards applied.
        moved_to = {e.data.get("new") for e in history if e.kind == EventKind.TEAM and e.data}
        applied = {e.data.get("standard_id") for e in history if e.kind == EventKind.SLA and e.data}
        teams = Team.objects.in_bulk([pk for pk in moved_to if isinstance(pk, int)]) if moved_to else {}
        standards = (ServiceStandard.objects.in_bulk([pk for pk in applied if isinstance(pk, int)])
                     if applied else {})
        events = [(event, describe_event(event, teams=teams, standards=standards)) for event in history]
        clocks = current_clocks(shown_clocks().filter(ticket=ticket))
        context.update({
            "suggested_articles": ticket_suggested_articles(ticket=ticket, user=user, language=get_language()),
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
            "outcomes": [OutcomeLine.of(outcome) for outcome in ticket_outcomes(ticket=ticket)],
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
            "promises": requester_promises(current_clocks(shown_clocks().filter(ticket=ticket)), now),
            "can_reopen": Status.OPEN in allowed,
            "can_close": Status.CLOSED in allowed,
            "can_cancel": Status.CANCELLED in allowed,
            "reopen_until": reopen_until,
            "transition_form": forms.get("transition_form"),
        })
    return render(request, "tickets/ticket_detail.html", context)


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
    user = request.user
    visible = tickets_visible_to(user=user)
    links = [(link.kind, link.target) for link in
             TicketLink.objects.filter(source=ticket, target__in=visible).select_related("target")]
    links += [(link.kind, link.source) for link in
              TicketLink.objects.filter(target=ticket, source__in=visible).select_related("source")]
    return {
        "canned_responses": canned_responses_for(ticket),
        "link_form": forms.get("link_form") or ReferenceForm(initial=initial, prefix="link"),
        "merge_form": forms.get("merge_form") or ReferenceForm(initial=initial, prefix="merge"),
        "collaborator_form": forms.get("collaborator_form")
        or CollaboratorForm(initial=initial, candidates=list(collaborator_candidates(ticket))),
        "transfer_form": forms.get("transfer_form") or TransferForm(initial=initial, teams=list(transfer_teams(ticket))),
        "links": links,
        "problem": ticket_problem(ticket=ticket),
        "problem_form": TicketProblemForm(initial=initial, problems=open_problems_of_team(team_id=ticket.team_id)),
        "collaborators": list(ticket.collaborators.select_related("user").order_by("added_at")),
        "other_requests": list(
            visible.filter(requester_id=ticket.requester_id, status__in=OPEN_STATUSES).exclude(pk=ticket.pk)
            .select_related("team").order_by("-created_at")[:10]
        ),
    }


def reply_form(user, ticket: Ticket, can_work: bool, see_internal: bool, initial=None, data=None, files=None):
    """Requesters reply; the team replies or writes notes; a collaborator writes notes only."""
    note_only = see_internal and not can_work and user.pk != ticket.requester_id
    return ReplyForm(data, files, initial=initial, allow_internal=see_internal, note_only=note_only)


@require_safe
@login_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_ticket_page(request, ticket_or_404(request, pk))
