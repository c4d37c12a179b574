"""Internal notes are for the service team only: never in the requester's page, and
never their files."""

import pytest
from django.urls import reverse

from tests.tickets.views.conftest import upload
from tickets import services

NOTE = "Root cause: the requester spilled coffee"


@pytest.fixture
def noted_ticket(world, ticket):
    """Alice's ticket with an internal note (with a file) and a public reply by the IT agent."""
    services.comment_create(ticket=ticket, author=world.it_agent, body=NOTE, internal=True,
                            attachments=[upload("coffee-evidence.png")])
    services.comment_create(ticket=ticket, author=world.it_agent, body="We are on it.")
    ticket.refresh_from_db()
    return ticket


def test_requester_page_has_no_internal_note(world, noted_ticket, client_for):
    # when alice opens her ticket
    html = client_for(world.alice).get(reverse("ticket-detail", args=[noted_ticket.pk])).content.decode()
    # then she sees the public reply but neither the note nor its file
    assert "We are on it." in html
    assert NOTE not in html
    assert "coffee-evidence.png" not in html
    note_file = noted_ticket.attachments.get(original_name="coffee-evidence.png")
    assert reverse("attachment-download", args=[note_file.pk]) not in html


def test_requester_page_has_no_note_toggle(world, noted_ticket, client_for):
    html = client_for(world.alice).get(reverse("ticket-detail", args=[noted_ticket.pk])).content.decode()
    assert 'value="note"' not in html


def test_agent_page_shows_internal_note_marked(world, noted_ticket, client_for):
    # when the IT agent opens the ticket
    response = client_for(world.it_agent).get(reverse("ticket-detail", args=[noted_ticket.pk]))
    html = response.content.decode()
    # then the note is there, marked as internal, with its file
    assert NOTE in html
    assert "comment-internal" in html
    assert "Internal note" in html
    assert "coffee-evidence.png" in html


def test_requester_cannot_download_a_file_of_an_internal_note(world, noted_ticket, client_for):
    note_file = noted_ticket.attachments.get(original_name="coffee-evidence.png")
    response = client_for(world.alice).get(reverse("attachment-download", args=[note_file.pk]))
    assert response.status_code == 404


def test_agent_downloads_a_file_of_an_internal_note_as_attachment(world, noted_ticket, client_for):
    note_file = noted_ticket.attachments.get(original_name="coffee-evidence.png")
    response = client_for(world.it_agent).get(reverse("attachment-download", args=[note_file.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "coffee-evidence.png" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"\x89PNG fake image"


def test_agent_posts_an_internal_note_through_the_toggle(world, ticket, client_for):
    # when the IT agent posts with "Internal note" selected
    client_for(world.it_agent).post(
        reverse("ticket-reply", args=[ticket.pk]), {"body": NOTE, "kind": "note", "version": ticket.version}
    )
    # then the comment is an internal note, and alice does not see it
    comment = ticket.comments.get()
    assert comment.is_internal
    html = client_for(world.alice).get(reverse("ticket-detail", args=[ticket.pk])).content.decode()
    assert NOTE not in html


def test_requester_asking_for_a_note_still_posts_a_public_reply(world, ticket, client_for):
    # when alice forges kind=note
    client_for(world.alice).post(
        reverse("ticket-reply", args=[ticket.pk]), {"body": "Hello", "kind": "note", "version": ticket.version}
    )
    # then her message is public: requesters have no internal notes
    assert ticket.comments.get().is_internal is False


def test_history_is_not_on_the_requester_page(world, noted_ticket, client_for):
    html = client_for(world.alice).get(reverse("ticket-detail", args=[noted_ticket.pk])).content.decode()
    assert "Added an internal note" not in html
