"""A collaborator from another team sees the ticket and its internal notes and writes
notes only; the requester's actions are never offered to them."""

import pytest
from django.urls import reverse

from tests.tickets.views.conftest import upload
from tickets import services
from tickets.models import Collaborator

NOTE = "Payroll says the laptop budget is approved"


@pytest.fixture
def shared_ticket(world, ticket):
    """Alice's IT ticket with the HR agent pulled in, and an internal note with a file."""
    Collaborator.objects.create(ticket=ticket, user=world.hr_agent, added_by=world.it_lead)
    services.comment_create(ticket=ticket, author=world.it_agent, body=NOTE, internal=True,
                            attachments=[upload("budget.pdf", b"%PDF", "application/pdf")])
    ticket.refresh_from_db()
    return ticket


def test_collaborator_sees_internal_notes_but_no_agent_tools(world, shared_ticket, client_for):
    response = client_for(world.hr_agent).get(reverse("ticket-detail", args=[shared_ticket.pk]))
    html = response.content.decode()
    assert NOTE in html
    assert "Work this ticket" not in html


def test_collaborator_is_not_offered_the_requesters_cancel(world, shared_ticket, client_for):
    html = client_for(world.hr_agent).get(reverse("ticket-detail", args=[shared_ticket.pk])).content.decode()
    assert "Cancel request" not in html


def test_collaborator_form_offers_notes_only(world, shared_ticket, client_for):
    response = client_for(world.hr_agent).get(reverse("ticket-detail", args=[shared_ticket.pk]))
    choices = [value for value, _label in response.context["reply_form"].fields["kind"].choices]
    assert choices == ["note"]


def test_collaborator_note_is_stored_as_internal(world, shared_ticket, client_for):
    client_for(world.hr_agent).post(reverse("ticket-reply", args=[shared_ticket.pk]),
                                    {"body": "HR agrees", "kind": "note", "version": shared_ticket.version})
    assert shared_ticket.comments.get(author=world.hr_agent).is_internal


def test_collaborator_downloads_files_of_internal_notes(world, shared_ticket, client_for):
    note_file = shared_ticket.attachments.get(original_name="budget.pdf")
    response = client_for(world.hr_agent).get(reverse("attachment-download", args=[note_file.pk]))
    assert response.status_code == 200


def test_requester_still_cannot_download_them(world, shared_ticket, client_for):
    note_file = shared_ticket.attachments.get(original_name="budget.pdf")
    response = client_for(world.alice).get(reverse("attachment-download", args=[note_file.pk]))
    assert response.status_code == 404
