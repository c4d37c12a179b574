"""The next response on the pages: beside the other clocks on the ticket page, in the
requester's promise, and in the queue's SLA state and its sort by next due time.
The clock is pinned (`timezone.now()`)."""

import datetime as dt

from django.urls import reverse

from tests.sla import next_response_fixtures as shared
from tickets import services

T0 = shared.T0
now = shared.now  # fixtures shared with the other next-response tests
nr_standard = shared.nr_standard


def _exchange(world, now, ticket):
    """Answered at 08:10, alice replied at 08:20: a next response is due at 08:50."""
    now.at = T0 + dt.timedelta(minutes=10)
    services.comment_create(ticket=ticket, author=world.it_agent, body="Which model?")
    now.at = T0 + dt.timedelta(minutes=20)
    services.comment_create(ticket=ticket, author=world.alice, body="An X1.")
    now.at = T0 + dt.timedelta(minutes=30)


def _page(client, ticket):
    return client.get(reverse("ticket-detail", args=[ticket.pk]))


def test_the_ticket_page_shows_the_owed_next_response_beside_the_others(world, nr_standard, now, file_ticket,
                                                                         client_for):
    world.it_agent.timezone = "UTC"
    world.it_agent.save()
    ticket = file_ticket()
    _exchange(world, now, ticket)

    response = _page(client_for(world.it_agent), ticket)

    clocks = {c.kind: c for c in response.context["clocks"]}
    assert list(clocks) == ["first_response", "next_response", "resolution"]
    assert (clocks["next_response"].state, clocks["next_response"].due_at) == ("on_track",
                                                                              T0 + dt.timedelta(minutes=50))
    html = response.content.decode()
    assert "Next response" in html and "2026-09-21 08:50 (UTC+0000)" in html and "20 min left" in html


def test_the_ticket_page_drops_it_once_answered(world, nr_standard, now, file_ticket, client_for):
    ticket = file_ticket()
    _exchange(world, now, ticket)
    now.at = T0 + dt.timedelta(minutes=70)
    services.comment_create(ticket=ticket, author=world.it_agent, body="Bring it in.")

    response = _page(client_for(world.it_agent), ticket)

    assert [c.kind for c in response.context["clocks"]] == ["first_response", "resolution"]


def test_the_requester_is_promised_the_next_reply(world, nr_standard, now, file_ticket, client_for):
    # alice reads her own time zone: Shanghai, UTC+8
    ticket = file_ticket()
    _exchange(world, now, ticket)

    html = _page(client_for(world.alice), ticket).content.decode()

    assert "We aim to reply by Mon 2026-09-21 16:50." in html
    assert "We aim to resolve it by Tue 2026-09-22 00:00." in html


def test_the_queue_sorts_and_colours_by_the_next_response(world, nr_standard, now, file_ticket, client_for):
    # given two tickets filed at 08:00: one nobody answered (first response due 09:00) and
    # one answered whose requester replied at 08:20 (next response due 08:50)
    waiting = file_ticket(title="Nobody answered")
    answered = file_ticket(title="Answered")
    _exchange(world, now, answered)
    now.at = T0 + dt.timedelta(minutes=46)  # past the next response's warning at 08:44

    response = client_for(world.it_agent).get(reverse("team-queue", args=["it"]), {"sort": "due"})

    # then the answered one comes first: it is due first, at risk by its next response
    rows = response.context["rows"]
    assert [t.pk for t, _badge in rows] == [answered.pk, waiting.pk]
    badge = rows[0][1]
    assert (badge.kind, badge.state) == ("next_response", "at_risk")
    at_risk = client_for(world.it_agent).get(reverse("team-queue", args=["it"]), {"sla_state": "at_risk"})
    assert [t.pk for t, _badge in at_risk.context["rows"]] == [answered.pk]
