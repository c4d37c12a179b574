"""What every ticket write shares: the row lock (one ticket, or two in id order), the
versioned save, the history entry and the check that the actor works the ticket."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.exceptions import ApplicationError, ConflictError
from teams.models import User

from ..models import Ticket, TicketEvent
from ..selectors import can_work_ticket


def record_event(ticket: Ticket, actor: User | None, kind: str, **data: Any) -> TicketEvent:
    # `now` read here, not the field's default: the same clock as the change it records.
    return TicketEvent.objects.create(ticket=ticket, actor=actor, kind=kind, data=data, created_at=timezone.now())


def _refuse_if_stale(locked: Ticket, expected_version: int | None) -> None:
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            _("%(ref)s was changed by someone else since you opened it. Reload to see the changes.")
            % {"ref": locked.reference}
        )


def lock_ticket(ticket: Ticket, expected_version: int | None = None) -> Ticket:
    """Re-read the ticket under a row lock; refuse when the caller's copy is stale."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _refuse_if_stale(locked, expected_version)
    return locked


def lock_tickets_in_order(first: Ticket, second: Ticket, expected_version: int | None = None) -> tuple[Ticket, Ticket]:
    """Lock two tickets, always in id order, whichever the caller names first, so that two
    actions on the same pair in opposite directions (A merged into B while B is merged into
    A) wait for each other instead of deadlocking; `expected_version` is `first`'s."""
    low, high = sorted((first, second), key=lambda t: t.pk)
    locked = {t.pk: lock_ticket(t) for t in (low, high)}
    _refuse_if_stale(locked[first.pk], expected_version)
    return locked[first.pk], locked[second.pk]


def save_ticket(ticket: Ticket, *fields: str) -> None:
    ticket.version += 1
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=[*fields, "version", "updated_at"])


def require_staff(ticket: Ticket, actor: User | None) -> None:
    if actor is not None and not can_work_ticket(user=actor, ticket=ticket):
        raise ApplicationError(_("Only the service team can do this."), code="permission_denied")
