"""Filing a request: validation of the item's fields and attachments, nothing half-stored."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

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


def test_a_request_taken_down_later_counts_from_when_it_came_in(world, file_ticket):
    # Given a 24×7 standard of 60 minutes to the first response for IT
    from sla.models import SLAClock
    from tests.factories import ServiceStandardFactory

    ServiceStandardFactory(team=world.it, first_response_minutes=60, resolution_minutes=480)
    came_in = timezone.now() - dt.timedelta(hours=2)

    # When a request that came in two hours ago is entered now
    ticket = file_ticket(filed_at=came_in)

    # Then the ticket, its first history entries and its clocks start then: the first
    # response is an hour overdue, the resolution still has six hours
    ticket.refresh_from_db()
    assert ticket.created_at == came_in
    assert set(ticket.events.values_list("kind", "created_at")) == {(EventKind.CREATED, came_in),
                                                                    (EventKind.SLA, came_in)}
    clocks = {c.kind: c for c in ticket.sla_clocks.all()}
    assert clocks[SLAClock.Kind.FIRST_RESPONSE].due_at == came_in + dt.timedelta(minutes=60)
    assert clocks[SLAClock.Kind.RESOLUTION].due_at == came_in + dt.timedelta(minutes=480)
    assert ticket.sla_due_at == came_in + dt.timedelta(minutes=60)


@pytest.mark.parametrize("when", ["future", "naive"])
def test_a_request_cannot_be_filed_in_the_future_or_without_a_time_zone(world, file_ticket, when):
    now = timezone.now()
    filed_at = now + dt.timedelta(minutes=5) if when == "future" else now.replace(tzinfo=None) - dt.timedelta(hours=1)
    before = _counts()

    with pytest.raises(ApplicationError) as excinfo:
        file_ticket(filed_at=filed_at)

    assert "filed_at" in excinfo.value.field_errors
    assert _counts() == before
