"""Files on tickets: what may be uploaded, storing them, and attaching them without a message."""

import mimetypes
import os
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from servicedesk.exceptions import ApplicationError
from teams.models import User

from ..constants import EventKind
from ..models import Attachment, Comment, Ticket
from ..selectors import can_work_ticket
from .base import lock_ticket, record_event, save_ticket


def validate_upload(upload: UploadedFile) -> str:
    """Refuse files over the size limit or of a type not on the allow-list; return the
    content type we store (derived from the extension, never trusted from the client)."""
    name = os.path.basename(upload.name or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in settings.ATTACHMENT_ALLOWED_EXTENSIONS:
        raise ApplicationError(
            _("Files of type “%(ext)s” are not accepted. Allowed: %(allowed)s.")
            % {"ext": ext or "?", "allowed": ", ".join(settings.ATTACHMENT_ALLOWED_EXTENSIONS)},
            field_errors={"attachments": _("File type not allowed.")},
        )
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ApplicationError(
            _("“%(name)s” is too large: the limit is %(mb).1f MB.")
            % {"name": name, "mb": settings.ATTACHMENT_MAX_BYTES / 1024 / 1024},
            field_errors={"attachments": _("File too large.")},
        )
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


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
