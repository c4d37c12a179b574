"""A change made on a stale page is refused with a clear message and changes nothing."""

from django.urls import reverse

from tickets import services
from tickets.models import Comment

CONFLICT = "changed by someone else"


def stale(ticket, world):
    """Alice's page was opened at `ticket.version`; then the IT lead changed the ticket."""
    seen = ticket.version
    services.ticket_set_priority(ticket=ticket, priority="P2", actor=world.it_lead)
    return seen


def test_stale_reply_is_refused_and_stores_nothing(world, ticket, client_for):
    seen = stale(ticket, world)
    # when the IT agent replies from the stale page
    response = client_for(world.it_agent).post(
        reverse("ticket-reply", args=[ticket.pk]), {"body": "Fixed it", "version": seen}, follow=True
    )
    # then they are back on the refreshed page with the conflict message, and nothing is stored
    assert response.redirect_chain == [(reverse("ticket-detail", args=[ticket.pk]), 302)]
    assert CONFLICT in response.content.decode()
    assert Comment.objects.count() == 0


def test_stale_reply_keeps_the_draft_on_the_refreshed_page(world, ticket, client_for):
    seen = stale(ticket, world)
    response = client_for(world.it_agent).post(
        reverse("ticket-reply", args=[ticket.pk]), {"body": "My long careful answer", "version": seen}, follow=True
    )
    assert "My long careful answer" in response.content.decode()
    assert response.context["reply_form"]["version"].value() == ticket.version + 1


def test_stale_transition_is_refused_and_changes_nothing(world, ticket, client_for):
    seen = stale(ticket, world)
    response = client_for(world.it_agent).post(
        reverse("ticket-transition", args=[ticket.pk]), {"to": "resolved", "version": seen}, follow=True
    )
    assert CONFLICT in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_stale_requester_cancel_is_refused(world, ticket, client_for):
    seen = stale(ticket, world)
    response = client_for(world.alice).post(
        reverse("ticket-transition", args=[ticket.pk]), {"to": "cancelled", "version": seen}, follow=True
    )
    assert CONFLICT in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_stale_assign_is_refused(world, ticket, client_for):
    seen = stale(ticket, world)
    response = client_for(world.it_lead).post(
        reverse("ticket-assign", args=[ticket.pk]), {"assignee": world.it_agent.pk, "version": seen}, follow=True
    )
    assert CONFLICT in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_stale_priority_is_refused(world, ticket, client_for):
    seen = stale(ticket, world)
    client_for(world.it_agent).post(reverse("ticket-priority", args=[ticket.pk]), {"priority": "P4", "version": seen})
    ticket.refresh_from_db()
    assert ticket.priority == "P2"


def test_stale_attach_is_refused(world, ticket, client_for, make_upload):
    seen = stale(ticket, world)
    response = client_for(world.alice).post(
        reverse("ticket-attach", args=[ticket.pk]), {"attachments": [make_upload()], "version": seen}, follow=True
    )
    assert CONFLICT in response.content.decode()
    assert ticket.attachments.count() == 0


def test_current_version_is_accepted(world, ticket, client_for):
    # the control case: the same reply from an up-to-date page goes through
    response = client_for(world.it_agent).post(
        reverse("ticket-reply", args=[ticket.pk]), {"body": "Fixed it", "version": ticket.version}
    )
    assert response.status_code == 302
    assert Comment.objects.count() == 1
