"""A ticket's life: filing it, moving it through its statuses (the one place that changes
`status`), its priority and wording, and the sweep that closes resolved tickets. Each
change writes its history entry, moves its SLA clocks and tells the people concerned in
the same transaction."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import services as notify
from servicedesk.exceptions import ApplicationError
from servicedesk.text import multi_line
from sla import bookkeeping as sla
from surveys import invites as surveys
from teams.models import User
from webhooks import services as webhooks

from ..constants import (
    ALLOWED_TRANSITIONS,
    REQUESTER_TRANSITIONS,
    RESOLUTION_SUMMARY_MAX,
    EventKind,
    Priority,
    Status,
)
from ..models import ServiceItem, Ticket, TicketEvent
from ..selectors import can_work_ticket
from .assignment import auto_assign
from .attachments import store_attachments, validate_uploads
from .base import lock_ticket, record_event, require_staff, save_ticket
from .validation import Refusals, clean_title, validate_item_fields


@transaction.atomic
def ticket_create(
    *,
    requester: User,
    service_item: ServiceItem,
    title: str,
    description: str = "",
    priority: str | None = None,
    fields: dict[str, Any] | None = None,
    attachments: Sequence[UploadedFile] = (),
    filed_at: dt.datetime | None = None,
) -> Ticket:
    """File a request from the catalog. Everything is validated before anything is written.

    `filed_at` is for a request that came in earlier than it is entered (taken down by
    phone, moved over from another system, the demo's overdue tickets): the ticket, its
    first history entries and its SLA clocks count from then. Never in the future."""
    if not service_item.is_active:
        raise ApplicationError(_("This service is not offered any more."), field_errors={"service_item": _("Inactive.")})
    refusals = Refusals()  # every field at fault is named at once
    title = refusals.check(clean_title, title)
    if priority in (None, ""):
        priority = service_item.default_priority
    elif priority not in Priority.values:
        refusals.refuse(_("Unknown priority."), priority=_("Choose one of P1, P2, P3, P4."))
    cleaned_fields = refusals.check(validate_item_fields, item=service_item, values=fields)
    uploads = refusals.check(validate_uploads, attachments)
    refusals.raise_if_any()
    now = timezone.now()
    if filed_at is not None and (timezone.is_naive(filed_at) or filed_at > now):
        raise ApplicationError(_("A request cannot be filed in the future."),
                               field_errors={"filed_at": _("Give a past time with its time zone.")})

    ticket = Ticket(
        requester=requester,
        requester_department_id=requester.department_id,
        team_id=service_item.team_id,
        service_item=service_item,
        title=title,
        description=multi_line(description),
        fields=cleaned_fields,
        priority=priority,
        created_at=filed_at or now,
    )
    if ServiceItem.team.is_cached(service_item):
        ticket.team = service_item.team  # the API's answer names the team: no query for it
    # The ticket is inserted with its SLA summary already set from the planned clocks
    # (an UPDATE right after would write every index of the ticket table twice).
    clocks = sla.ticket_clocks_plan(ticket=ticket)
    ticket.save(force_insert=True)
    events = [TicketEvent(ticket=ticket, actor=requester, kind=EventKind.CREATED,
                          data={"status": ticket.status, "priority": priority, "team": ticket.team_id})]
    sla_event = sla.ticket_clocks_write(ticket=ticket, clocks=clocks)
    if sla_event:
        events.append(sla_event)
    for event in events:
        event.created_at = ticket.created_at  # filed, and under a standard, when it came in
    TicketEvent.objects.bulk_create(events)
    notify.ticket_created(ticket=ticket)
    store_attachments(ticket, None, uploads, requester)
    auto_assign(ticket)
    webhooks.webhook_event(event="ticket.created", ticket=ticket, data={})
    return ticket


@transaction.atomic
def ticket_transition(
    *,
    ticket: Ticket,
    to: str,
    actor: User | None,
    expected_version: int | None = None,
    notify_requester: bool = True,
    resolution_summary: str = "",
) -> Ticket:
    """Move a ticket through its lifecycle; the one place that changes `status`.

    `resolution_summary` (resolving only, optional) says what was done, for the requester.

    `actor=None` is the system (the auto-close sweep). Moving to the current status is a
    no-op. Refused moves raise ApplicationError naming the allowed ones.
    `notify_requester=False` is for moves that a reply causes: the reply itself is what
    the people involved hear about.
    """
    ticket = lock_ticket(ticket, expected_version)
    old = ticket.status
    if to == old:
        return ticket
    if to not in Status.values:
        raise ApplicationError(_("Unknown status “%(to)s”.") % {"to": to}, field_errors={"to": _("Unknown status.")})
    allowed = ALLOWED_TRANSITIONS[old]
    if actor is not None and not can_work_ticket(user=actor, ticket=ticket):
        if actor.pk != ticket.requester_id:
            raise ApplicationError(_("You cannot change this request."), code="permission_denied")
        allowed = allowed & REQUESTER_TRANSITIONS.get(old, frozenset())
    if to not in allowed:
        # The statuses by their labels, in the reader's language, in the lifecycle's order.
        allowed_names = _(", ").join(str(s.label) for s in Status if s in allowed) or _("none")
        raise ApplicationError(
            _("A %(old)s ticket cannot become %(to)s. Allowed: %(allowed)s.")
            % {"old": Status(old).label, "to": Status(to).label, "allowed": allowed_names},
            field_errors={"to": _("Allowed: %(allowed)s.") % {"allowed": allowed_names}},
        )
    now = timezone.now()
    if old == Status.RESOLVED and to == Status.OPEN and actor is not None and not can_work_ticket(
        user=actor, ticket=ticket
    ):
        window = dt.timedelta(days=settings.TICKET_REOPEN_DAYS)
        if ticket.resolved_at and now - ticket.resolved_at > window:
            raise ApplicationError(
                _("This request was resolved more than %(days)d days ago and can no longer be reopened. "
                  "Please file a new request.") % {"days": settings.TICKET_REOPEN_DAYS},
                field_errors={"to": _("Reopen window has passed.")},
            )

    summary = multi_line(resolution_summary).strip()
    if summary and to != Status.RESOLVED:
        raise ApplicationError(_("A resolution summary is only given when resolving."),
                               field_errors={"resolution_summary": _("Only when resolving.")})
    if len(summary) > RESOLUTION_SUMMARY_MAX:
        message = _("Keep the resolution summary under %(n)d characters.") % {"n": RESOLUTION_SUMMARY_MAX}
        raise ApplicationError(message, field_errors={"resolution_summary": message})

    ticket.status = to
    changed = ["status"]
    if to == Status.RESOLVED:
        ticket.resolved_at = now
        ticket.resolution_summary = summary
        changed += ["resolved_at", "resolution_summary"]
    elif to in (Status.CLOSED, Status.CANCELLED):
        ticket.closed_at = now
        changed.append("closed_at")
    if old == Status.RESOLVED and to == Status.OPEN:
        ticket.resolved_at = None
        ticket.resolution_summary = ""
        ticket.resolution_cycle += 1  # a reopen starts a new resolution cycle
        changed += ["resolved_at", "resolution_summary", "resolution_cycle"]
    save_ticket(ticket, *changed)
    record_event(ticket, actor, EventKind.STATUS, old=old, new=to, **({"summary": summary} if summary else {}))
    sla.ticket_clocks_on_status(ticket=ticket, old=old, new=to, at=now)
    surveys.survey_on_status(ticket=ticket, old=old, new=to, at=now)
    webhooks.webhook_event(event="ticket.status_changed", ticket=ticket,
                           data={"old": old, "new": to, "actor": actor.pk if actor else None})
    if notify_requester:
        notify.ticket_status_changed(ticket=ticket, old=old, actor=actor)
    return ticket


@transaction.atomic
def ticket_set_priority(
    *, ticket: Ticket, priority: str, actor: User | None, expected_version: int | None = None
) -> Ticket:
    """Change the priority; the service standard is matched again and the clocks follow."""
    ticket = lock_ticket(ticket, expected_version)
    require_staff(ticket, actor)
    if priority not in Priority.values:
        raise ApplicationError(_("Unknown priority."), field_errors={"priority": _("Choose one of P1, P2, P3, P4.")})
    old = ticket.priority
    if old == priority:
        return ticket
    ticket.priority = priority
    save_ticket(ticket, "priority")
    record_event(ticket, actor, EventKind.PRIORITY, old=old, new=priority)
    sla.ticket_clocks_rematch(ticket=ticket, actor=actor, reason="priority")
    return ticket


UNSET: Any = object()


@transaction.atomic
def ticket_update(
    *,
    ticket: Ticket,
    actor: User,
    expected_version: int | None,
    title: str = UNSET,
    description: str = UNSET,
    priority: str = UNSET,
) -> Ticket:
    """Reword a ticket (title, description) and set its priority in one step. The whole
    edit is refused, nothing changed, when the version is stale or a value is invalid;
    the priority goes through `ticket_set_priority` so that the SLA clocks follow."""
    locked = lock_ticket(ticket, expected_version)
    require_staff(locked, actor)
    changed: dict[str, dict[str, str]] = {}
    if title is not UNSET:
        title = clean_title(title)
        if title != locked.title:
            changed["title"] = {"old": locked.title, "new": title}
            locked.title = title
    if description is not UNSET:
        description = multi_line(description)
        if description != locked.description:
            changed["description"] = {"old": locked.description, "new": description}
            locked.description = description
    if priority is not UNSET and priority not in Priority.values:
        raise ApplicationError(_("Unknown priority."), field_errors={"priority": _("Choose one of P1, P2, P3, P4.")})
    if changed:
        save_ticket(locked, *changed)
        record_event(locked, actor, EventKind.EDITED, **changed)
    if priority is not UNSET and priority != locked.priority:
        locked = ticket_set_priority(ticket=locked, priority=priority, actor=actor)
    return locked


def tickets_close_resolved(*, now: dt.datetime | None = None, batch_size: int = 200) -> int:
    """Close tickets resolved longer ago than TICKET_AUTOCLOSE_DAYS. A sweep by state:
    running it twice, or in two workers at once, closes each ticket once."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.TICKET_AUTOCLOSE_DAYS)
    closed = 0
    while True:
        with transaction.atomic():
            batch = list(
                Ticket.objects.select_for_update(skip_locked=True)
                .filter(status=Status.RESOLVED, resolved_at__lt=cutoff)
                .order_by("resolved_at")[:batch_size]
            )
            for ticket in batch:
                ticket_transition(ticket=ticket, to=Status.CLOSED, actor=None)
            closed += len(batch)
        if len(batch) < batch_size:
            return closed
