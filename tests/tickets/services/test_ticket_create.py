"""Filing a request: validation of the item's fields and attachments, nothing half-stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from servicedesk.exceptions import ApplicationError
from tickets.constants import EventKind
from tickets.models import Attachment, Ticket


def _counts():
    return Ticket.objects.count(), Attachment.objects.count()


def test_ticket_gets_team_department_default_priority_and_history(world, file_ticket):
    ticket = file_ticket(fields={"asset_tag": "LT-9", "urgency": "whole team", "count": "3", "since": "2026-11-20"})

    assert ticket.team == world.it
    assert ticket.requester_department == world.sales
    assert ticket.priority == world.laptop.default_priority
    assert ticket.fields == {"asset_tag": "LT-9", "urgency": "whole team", "count": 3, "since": "2026-11-20"}
    assert ticket.reference == f"SD-{ticket.pk:06d}"
    assert ticket.events.get().kind == EventKind.CREATED


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": "   "}, "title"),
        ({"fields": {}}, "fields.asset_tag"),
        ({"fields": {"asset_tag": "x", "urgency": "the moon"}}, "fields.urgency"),
        ({"fields": {"asset_tag": "x", "count": "three"}}, "fields.count"),
        ({"fields": {"asset_tag": "x", "since": "yesterday"}}, "fields.since"),
        ({"fields": {"asset_tag": "x", "unknown": "1"}}, "fields.unknown"),
        ({"priority": "P9"}, "priority"),
    ],
)
def test_bad_input_is_refused_with_a_field_error_and_nothing_stored(world, file_ticket, kwargs, field):
    before = _counts()

    with pytest.raises(ApplicationError) as excinfo:
        file_ticket(**kwargs)

    assert field in excinfo.value.field_errors
    assert _counts() == before


def test_attachment_of_a_refused_type_stores_nothing(world, file_ticket):
    before = _counts()
    upload = SimpleUploadedFile("tool.exe", b"MZ...", content_type="application/octet-stream")

    with pytest.raises(ApplicationError) as excinfo:
        file_ticket(attachments=[upload])

    assert "attachments" in excinfo.value.field_errors
    assert _counts() == before


def test_attachment_too_large_stores_nothing(world, file_ticket, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    before = _counts()

    with pytest.raises(ApplicationError):
        file_ticket(attachments=[SimpleUploadedFile("log.txt", b"x" * 11)])

    assert _counts() == before


def test_accepted_attachment_is_stored_with_a_safe_name(world, file_ticket, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    ticket = file_ticket(attachments=[SimpleUploadedFile("../../etc/report.pdf", b"%PDF-1.4")])

    att = ticket.attachments.get()
    assert att.original_name == "report.pdf"
    assert att.content_type == "application/pdf"
    assert ".." not in att.file.name and att.file.name.startswith(f"attachments/{ticket.pk}/")


def test_inactive_service_item_is_refused(world, file_ticket):
    world.laptop.is_active = False
    world.laptop.save()

    with pytest.raises(ApplicationError):
        file_ticket()
    assert Ticket.objects.count() == 0
