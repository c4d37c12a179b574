"""Resolving with a short summary of what was done: the requester reads it on the page
and in the API; a reopen clears it (the history keeps it)."""

from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tickets import services
from tickets.models import Ticket, TicketEvent


def resolve(client, ticket, **data):
    ticket.refresh_from_db()
    return client.post(reverse("ticket-transition", args=[ticket.pk]),
                       {"to": "resolved", "version": ticket.version, **data})


def test_the_requester_reads_how_it_was_resolved(world, file_ticket, client_for):
    ticket = file_ticket()
    services.ticket_transition(ticket=ticket, to="open", actor=world.it_agent)
    agent_html = client_for(world.it_agent).get(reverse("ticket-detail", args=[ticket.pk])).content.decode()
    assert 'name="resolution_summary"' in agent_html

    response = resolve(client_for(world.it_agent), ticket,
                       resolution_summary="Replaced the battery.\n<script>alert(1)</script>")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.resolution_summary == "Replaced the battery.\n<script>alert(1)</script>"
    html = client_for(world.alice).get(reverse("ticket-detail", args=[ticket.pk])).content.decode()
    assert "How it was resolved" in html
    assert "Replaced the battery.<br>&lt;script&gt;alert(1)&lt;/script&gt;" in html
    event = TicketEvent.objects.filter(ticket=ticket, kind="status").latest("pk")
    assert event.data["summary"].startswith("Replaced the battery.")


def test_a_reopen_clears_the_summary_and_the_history_keeps_it(world, file_ticket, client_for):
    ticket = file_ticket()
    services.ticket_transition(ticket=ticket, to="open", actor=world.it_agent)
    services.ticket_transition(ticket=ticket, to="resolved", actor=world.it_agent, resolution_summary="Rebooted")
    services.ticket_transition(ticket=Ticket.objects.get(pk=ticket.pk), to="open", actor=world.alice)
    ticket.refresh_from_db()
    assert ticket.resolution_summary == ""
    assert "How it was resolved" not in client_for(world.alice).get(
        reverse("ticket-detail", args=[ticket.pk])).content.decode()
    assert TicketEvent.objects.filter(ticket=ticket, kind="status", data__summary="Rebooted").exists()


def test_a_summary_with_another_status_is_refused_and_nothing_changes(world, file_ticket, client_for):
    ticket = file_ticket()
    response = client_for(world.it_agent).post(reverse("ticket-transition", args=[ticket.pk]), {
        "to": "open", "version": ticket.version, "resolution_summary": "Done"})
    assert response.status_code == 200
    assert response.context["transition_form"].errors["resolution_summary"] == ["Only when resolving."]
    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolution_summary) == ("new", "")


def test_the_api_takes_and_shows_the_summary(world, file_ticket):
    ticket = file_ticket()
    services.ticket_transition(ticket=ticket, to="open", actor=world.it_agent)
    agent, alice = APIClient(), APIClient()
    agent.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.it_agent).key}")
    alice.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.alice).key}")
    url = f"/api/v1/tickets/{ticket.pk}/transition/"
    too_long = agent.post(url, {"to": "resolved", "resolution_summary": "x" * 2001}, format="json")
    assert too_long.status_code == 400 and "resolution_summary" in too_long.json()["errors"]
    assert Ticket.objects.get(pk=ticket.pk).status == "open"
    done = agent.post(url, {"to": "resolved", "resolution_summary": "New charger"}, format="json")
    assert done.status_code == 200 and done.json()["resolution_summary"] == "New charger"
    assert alice.get(f"/api/v1/tickets/{ticket.pk}/").json()["resolution_summary"] == "New charger"
