"""The conversation on a ticket: public replies and internal notes, with what a reply does
to the ticket (the team's first public reply is the first response, and every public reply
of the team answers the next response owed; a requester's reply to a ticket waiting on them
puts it back in the team's hands, and after the first response starts a next-response cycle)."""

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import services as notify
from servicedesk.exceptions import ApplicationError
from servicedesk.text import multi_line
from sla import bookkeeping as sla
from teams.models import User

from ..constants import EventKind, Status
from ..models import Comment, Ticket
from ..selectors import can_work_ticket, is_collaborator
from .attachments import store_attachments, validate_uploads
from .base import lock_ticket, record_event, save_ticket
from .lifecycle import ticket_transition


@transaction.atomic
def comment_create(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    internal: bool = False,
    attachments: Sequence[UploadedFile] = (),
    expected_version: int | None = None,
) -> Comment:
    """A public reply or an internal note, with the lifecycle effects of a reply:
    the first public reply by the team records the first response; a requester's reply
    to a ticket waiting on them puts it back in the team's hands."""
    uploads = validate_uploads(attachments)
    ticket = lock_ticket(ticket, expected_version)
    return write_comment(ticket, author, body, internal=internal, uploads=uploads)


def write_comment(ticket: Ticket, author: User, body: str, *, internal: bool, uploads) -> Comment:
    body = multi_line(body).strip()
    if not body and not uploads:
        raise ApplicationError(_("Write a message."), field_errors={"body": _("This field is required.")})
    staff = can_work_ticket(user=author, ticket=ticket)
    if not staff and is_collaborator(user=author, ticket=ticket):
        # Collaborators from other teams help with notes; replies stay with the owning team.
        if not internal:
            raise ApplicationError(_("As a collaborator you can write internal notes only."),
                                   field_errors={"internal": _("Collaborators write internal notes.")})
        staff = True
    if not staff and author.pk != ticket.requester_id:
        raise ApplicationError(_("You cannot reply to this request."), code="permission_denied")
    if internal and not staff:
        raise ApplicationError(_("Only the service team can write internal notes."),
                               field_errors={"internal": _("Not allowed.")})
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise ApplicationError(
            _("This request is %(status)s; please file a new request.") % {"status": ticket.get_status_display()},
            field_errors={"body": _("The ticket is closed.")},
        )
    comment = Comment.objects.create(ticket=ticket, author=author, body=body, is_internal=internal)
    store_attachments(ticket, comment, uploads, author)
    record_event(ticket, author, EventKind.NOTE if internal else EventKind.COMMENT, comment=comment.pk)
    now = timezone.now()
    if staff and not internal:
        if ticket.first_response_at is None:
            ticket.first_response_at = now
            save_ticket(ticket, "first_response_at")
            record_event(ticket, author, EventKind.FIRST_RESPONSE, at=now.isoformat())
        sla.ticket_clocks_on_team_reply(ticket=ticket, at=now)
        if ticket.status == Status.NEW:
            ticket_transition(ticket=ticket, to=Status.OPEN, actor=author, notify_requester=False)
        notify.ticket_replied(ticket=ticket, comment=comment)
    elif not staff:
        if ticket.status == Status.PENDING:
            ticket_transition(ticket=ticket, to=Status.OPEN, actor=None, notify_requester=False)
        else:
            save_ticket(ticket)
        sla.ticket_clocks_on_requester_reply(ticket=ticket, at=now)
        notify.requester_replied(ticket=ticket, comment=comment)
    else:
        save_ticket(ticket)
    return comment


@transaction.atomic
def ticket_transition_with_reply(
    *, ticket: Ticket, to: str, actor: User, comment: str = "", expected_version: int | None = None,
    resolution_summary: str = "",
) -> Ticket:
    """Move a ticket and, when `comment` says something, tell the requester why in a public
    reply (the status form's and the API's comment)."""
    ticket = ticket_transition(ticket=ticket, to=to, actor=actor, expected_version=expected_version,
                               resolution_summary=resolution_summary)
    if comment.strip():
        write_comment(ticket, actor, comment, internal=False, uploads=[])
    return ticket
