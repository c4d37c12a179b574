"""A lead's triage: transferring a ticket to another team, changing many tickets at once,
pulling in collaborators, and linking or merging related tickets (two tickets are locked
in id order)."""

import dataclasses
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from notifications import services as notify
from servicedesk.exceptions import ApplicationError
from servicedesk.text import multi_line
from sla import bookkeeping as sla
from teams.models import Membership, Team, User

from ..constants import EventKind, Status
from ..models import Collaborator, Ticket, TicketLink
from ..selectors import can_work_ticket
from .assignment import auto_assign, ticket_assign
from .base import lock_ticket, lock_tickets_in_order, record_event, require_staff, save_ticket
from .conversation import write_comment
from .lifecycle import ticket_set_priority, ticket_transition


@transaction.atomic
def ticket_transfer(
    *, ticket: Ticket, team, actor: User | None, reason: str, expected_version: int | None = None,
    escalation_level: int | None = None,
) -> Ticket:
    """Transfer a ticket to another service team, with a reason for the history. The
    assignee goes unless they belong to the new team; the standard is matched again.
    `escalation_level`: the transfer is that level's action (the scanner's); the history
    words the reason in each reader's language (`tickets.presentation.describe_event`)."""
    ticket = lock_ticket(ticket, expected_version)
    require_staff(ticket, actor)
    reason = multi_line(reason).strip()
    if not reason:
        raise ApplicationError(_("Say why the ticket is transferred."), field_errors={"reason": _("This field is required.")})
    if not team.is_active:
        raise ApplicationError(_("That team is not active."), field_errors={"team": _("Inactive team.")})
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise ApplicationError(_("A closed ticket cannot be transferred."), field_errors={"team": _("Closed.")})
    old_team = ticket.team_id
    if old_team == team.pk:
        return ticket
    ticket.team = team
    changed = ["team"]
    if ticket.assignee_id and not Membership.objects.filter(user_id=ticket.assignee_id, team=team).exists():
        ticket.assignee = None
        changed.append("assignee")
    save_ticket(ticket, *changed)
    record_event(ticket, actor, EventKind.TEAM, old=old_team, new=team.pk, new_name=team.name, reason=reason,
                 **({"escalation_level": escalation_level} if escalation_level is not None else {}))
    sla.ticket_clocks_rematch(ticket=ticket, actor=actor, reason="team")
    auto_assign(ticket)
    notify.ticket_created(ticket=ticket)
    return ticket


@dataclasses.dataclass
class BulkResult:
    """What a bulk change did: references changed, and those refused with the reason."""

    changed: list[str] = dataclasses.field(default_factory=list)
    refused: list[tuple[str, str]] = dataclasses.field(default_factory=list)


BULK_ACTIONS = ("assign", "priority", "transfer", "status")


def tickets_bulk_update(*, actor: User, tickets: Iterable[Ticket], action: str, value: Any,
                        reason: str = "") -> BulkResult:
    """Apply one change to many tickets, each validated and audited on its own: a ticket
    the change does not fit is refused with its reason, and never half-changed (each
    ticket runs in its own savepoint)."""
    if action not in BULK_ACTIONS:
        raise ApplicationError(_("Unknown bulk action."), field_errors={"action": _("Unknown action.")})
    target: Any = value
    if action == "assign":
        target = User.objects.filter(pk=value, is_active=True).first() if value not in (None, "", "none") else None
        if value not in (None, "", "none") and target is None:
            raise ApplicationError(_("Unknown user."), field_errors={"value": _("Unknown user.")})
    elif action == "transfer":
        target = Team.objects.filter(pk=value).first()
        if target is None:
            raise ApplicationError(_("Unknown team."), field_errors={"value": _("Unknown team.")})
    result = BulkResult()
    for ticket in tickets:
        try:
            with transaction.atomic():
                if action == "assign":
                    ticket_assign(ticket=ticket, assignee=target, actor=actor)
                elif action == "priority":
                    ticket_set_priority(ticket=ticket, priority=target, actor=actor)
                elif action == "transfer":
                    ticket_transfer(ticket=ticket, team=target, actor=actor, reason=reason)
                else:
                    ticket_transition(ticket=ticket, to=target, actor=actor)
        except ApplicationError as exc:
            result.refused.append((ticket.reference, exc.message))
        else:
            result.changed.append(ticket.reference)
    return result


@transaction.atomic
def collaborator_add(*, ticket: Ticket, user: User, actor: User, expected_version: int | None = None) -> None:
    """Pull an agent of another team into the ticket: they see it and may write notes."""
    ticket = lock_ticket(ticket, expected_version)
    require_staff(ticket, actor)
    if not Membership.objects.filter(user=user).exists():
        raise ApplicationError(_("Only members of a service team can collaborate."),
                               field_errors={"user": _("Not a member of any service team.")})
    if can_work_ticket(user=user, ticket=ticket):
        raise ApplicationError(_("%(user)s already works this ticket.") % {"user": user.display_name},
                               field_errors={"user": _("Already on the ticket's team.")})
    _collab, created = Collaborator.objects.get_or_create(ticket=ticket, user=user, defaults={"added_by": actor})
    if created:
        record_event(ticket, actor, EventKind.COLLABORATOR, user=user.pk, name=user.display_name)
        save_ticket(ticket)


@transaction.atomic
def ticket_link(*, source: Ticket, target: Ticket, actor: User, expected_version: int | None = None) -> None:
    """Mark two tickets as related (both sides show the link)."""
    if source.pk == target.pk:
        raise ApplicationError(_("A ticket cannot be linked to itself."), field_errors={"target": _("Same ticket.")})
    source, target = lock_tickets_in_order(source, target, expected_version)
    require_staff(source, actor)
    _link, created = TicketLink.objects.get_or_create(
        source=source, target=target, defaults={"kind": TicketLink.Kind.RELATED, "created_by": actor}
    )
    if created:
        record_event(source, actor, EventKind.LINK, link="related", other=target.pk, other_ref=target.reference)
        record_event(target, actor, EventKind.LINK, link="related", other=source.pk, other_ref=source.reference)


@transaction.atomic
def ticket_merge(*, source: Ticket, target: Ticket, actor: User, expected_version: int | None = None) -> Ticket:
    """Merge a duplicate into the ticket that carries on. The duplicate keeps its whole
    history, tells its requester where the work continues, and is resolved then closed;
    the surviving ticket records the merge and gets the duplicate's description as a note."""
    if source.pk == target.pk:
        raise ApplicationError(_("A ticket cannot be merged into itself."), field_errors={"target": _("Same ticket.")})
    source, target = lock_tickets_in_order(source, target, expected_version)
    require_staff(source, actor)
    require_staff(target, actor)
    if not source.is_open:
        raise ApplicationError(_("Only an open ticket can be merged."), field_errors={"source": _("Not open.")})
    if target.status in (Status.CLOSED, Status.CANCELLED):
        raise ApplicationError(_("Cannot merge into a closed ticket."), field_errors={"target": _("Closed.")})
    TicketLink.objects.update_or_create(source=source, target=target,
                                        defaults={"kind": TicketLink.Kind.DUPLICATE, "created_by": actor})
    write_comment(
        target, actor,
        _("Merged from %(ref)s (%(title)s):\n\n%(description)s")
        % {"ref": source.reference, "title": source.title, "description": source.description},
        internal=True, uploads=[],
    )
    record_event(target, actor, EventKind.MERGED, source=source.pk, source_ref=source.reference)
    # A public reply is read by the requester: in their language, whoever merges.
    with translation.override(source.requester.language or settings.LANGUAGE_CODE):
        moved = _("This request was merged into %(ref)s; the work continues there.") % {"ref": target.reference}
    write_comment(source, actor, moved, internal=False, uploads=[])
    record_event(source, actor, EventKind.MERGED, target=target.pk, target_ref=target.reference)
    ticket_transition(ticket=source, to=Status.RESOLVED, actor=actor)
    ticket_transition(ticket=source, to=Status.CLOSED, actor=actor)
    return target
