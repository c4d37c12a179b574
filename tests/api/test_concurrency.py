"""Optimistic concurrency: two edits from the same version, one wins, the other is a
409 and changes nothing."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.threads import Threads
from tickets.models import Ticket


def test_the_second_patch_from_the_same_version_is_a_conflict_and_changes_nothing(ticket, client_for):
    client = client_for("it_agent")
    version = ticket.version

    first = client.patch(f"/api/v1/tickets/{ticket.pk}/", {"title": "First", "version": version}, format="json")
    second = client.patch(f"/api/v1/tickets/{ticket.pk}/",
                          {"title": "Second", "priority": "P1", "version": version}, format="json")

    assert first.status_code == 200
    assert second.status_code == 409
    assert "changed by someone else" in second.json()["detail"]
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.title, stored.priority, stored.version) == ("First", ticket.priority, first.json()["version"])


def test_a_stale_transition_or_assignment_is_a_conflict(world, ticket, client_for):
    client = client_for("it_lead")
    stale = ticket.version
    client.patch(f"/api/v1/tickets/{ticket.pk}/", {"title": "Bump", "version": stale}, format="json")

    moved = client.post(f"/api/v1/tickets/{ticket.pk}/transition/", {"to": "resolved", "version": stale},
                        format="json")
    assigned = client.post(f"/api/v1/tickets/{ticket.pk}/assign/",
                           {"assignee": world.it_agent.pk, "version": stale}, format="json")

    assert (moved.status_code, assigned.status_code) == (409, 409)
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.assignee_id) == ("open", None)


def test_an_action_without_version_applies_to_the_ticket_as_it_is_now(world, ticket, client_for):
    # Given a ticket someone edited since a script last read it
    client = client_for("it_lead")
    client.patch(f"/api/v1/tickets/{ticket.pk}/", {"title": "Bump", "version": ticket.version}, format="json")

    # When the script assigns and resolves it as the examples do, without a version
    assigned = client.post(f"/api/v1/tickets/{ticket.pk}/assign/", {"assignee": world.it_agent.pk}, format="json")
    moved = client.post(f"/api/v1/tickets/{ticket.pk}/transition/", {"to": "resolved", "comment": "Fixed."},
                        format="json")

    # Then both apply, each checked against the ticket's current state
    assert (assigned.status_code, moved.status_code) == (200, 200)
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.assignee_id, stored.title) == ("resolved", world.it_agent.pk, "Bump")
    again = client.post(f"/api/v1/tickets/{ticket.pk}/transition/", {"to": "pending"}, format="json")
    assert again.status_code == 400 and "to" in again.json()["errors"]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_patches_one_wins_one_conflicts(world, standard, file_ticket):
    ticket = file_ticket()
    token = Token.objects.create(user=world.it_agent).key
    threads = Threads()
    barrier = threads.barrier(2)
    results: dict[str, int] = {}

    def patch(title: str) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        barrier.wait()
        response = client.patch(f"/api/v1/tickets/{ticket.pk}/", {"title": title, "version": ticket.version},
                                format="json")
        results[title] = response.status_code

    for title in ("Alpha", "Beta"):
        threads.start(patch, title)
    threads.join()

    assert sorted(results.values()) == [200, 409]
    winner = next(title for title, code in results.items() if code == 200)
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.title == winner
    assert stored.version == ticket.version + 1
