"""Files on tickets: what may be uploaded, storing them, and attaching them without a message."""

import os
from collections.abc import Iterable, Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from servicedesk.exceptions import ApplicationError
from servicedesk.uploads import validate_upload
from teams.models import User

from ..constants import EventKind
from ..models import Attachment, Comment, Ticket
from ..selectors import can_work_ticket
from .base import lock_ticket, record_event, save_ticket

# The checks of a file's size, type and content are shared with the other uploads
# (servicedesk.uploads); `validate_upload` stays importable from here.
__all__ = ["attachment_add", "store_attachments", "validate_upload", "validate_uploads"]


def validate_uploads(uploads: Iterable[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    return [(u, validate_upload(u)) for u in uploads]


def store_attachments(ticket: Ticket, comment: Comment | None, uploads, actor: User) -> list[Attachment]:
    stored = []
    for upload, content_type in uploads:
        att = Attachment(
            ticket=ticket, comment=comment, original_name=os.path.basename(upload.name)[:255],
            content_type=content_type, size=upload.size, uploaded_by=actor,
        )
        att.file.save(upload.name, upload, save=False)
        att.save()
        stored.append(att)
    return stored


@transaction.atomic
def attachment_add(
    *, ticket: Ticket, uploads: Sequence[UploadedFile], actor: User, expected_version: int | None = None
) -> list[Attachment]:
    """Attach files to a ticket without writing a message."""
    validated = validate_uploads(uploads)
    ticket = lock_ticket(ticket, expected_version)
    if not can_work_ticket(user=actor, ticket=ticket) and actor.pk != ticket.requester_id:
        raise ApplicationError(_("You cannot attach files to this request."), code="permission_denied")
    stored = store_attachments(ticket, None, validated, actor)
    for att in stored:
        record_event(ticket, actor, EventKind.ATTACHMENT, name=att.original_name, size=att.size)
    save_ticket(ticket)
    return stored
