"""The API's `sla.next_response`: the next response the team owes since the requester's last
reply, shaped like the other two clocks; null when the standard does not track next
responses or none is owed. The clock is pinned (`timezone.now()`)."""

import datetime as dt

from django.utils.dateparse import parse_datetime

from tests.factories import ServiceStandardFactory
from tests.sla import next_response_fixtures as shared
from tickets import services

T0 = shared.T0
now = shared.now  # fixtures shared with the other next-response tests
nr_standard = shared.nr_standard


def _exchange(world, now, file_ticket):
    """Filed at 08:00, answered at 08:10, alice replied at 08:20: a next response is due at 08:50."""
    ticket = file_ticket()
    now.at = T0 + dt.timedelta(minutes=10)
    services.comment_create(ticket=ticket, author=world.it_agent, body="Which model?")
    now.at = T0 + dt.timedelta(minutes=20)
    services.comment_create(ticket=ticket, author=world.alice, body="An X1.")
    now.at = T0 + dt.timedelta(minutes=30)
    return ticket


def test_the_team_reads_the_owed_next_response(world, nr_standard, now, file_ticket, client_for):
    ticket = _exchange(world, now, file_ticket)

    body = client_for("it_agent").get(f"/api/v1/tickets/{ticket.pk}/").json()

    nr = body["sla"]["next_response"]
    assert parse_datetime(nr["due_at"]) == T0 + dt.timedelta(minutes=50)
    assert nr == {**nr, "state": "on_track", "breached": False, "remaining_seconds": 20 * 60}
    assert body["sla"]["first_response"]["state"] == "met"
    assert body["sla_state"] == "on_track"


def test_the_list_shows_it_and_it_is_null_once_answered(world, nr_standard, now, file_ticket, client_for):
    ticket = _exchange(world, now, file_ticket)
    now.at = T0 + dt.timedelta(minutes=55)  # overdue by five minutes

    [row] = client_for("it_agent").get("/api/v1/tickets/").json()["results"]
    assert row["sla"]["next_response"] == {**row["sla"]["next_response"], "state": "breached", "breached": True,
                                           "remaining_seconds": -5 * 60}
    assert row["sla_state"] == "breached"

    services.comment_create(ticket=ticket, author=world.it_agent, body="Bring it in.")
    [row] = client_for("it_agent").get("/api/v1/tickets/").json()["results"]
    assert row["sla"]["next_response"] is None
    single = client_for("it_agent").get(f"/api/v1/tickets/{ticket.pk}/").json()
    assert single["sla"]["next_response"] is None


def test_a_second_cycle_is_the_one_shown(world, nr_standard, now, file_ticket, client_for):
    ticket = _exchange(world, now, file_ticket)
    services.comment_create(ticket=ticket, author=world.it_agent, body="Bring it in.")  # 08:30, met
    now.at = T0 + dt.timedelta(minutes=100)
    services.comment_create(ticket=ticket, author=world.alice, body="When?")  # owed until 10:10

    nr = client_for("it_agent").get(f"/api/v1/tickets/{ticket.pk}/").json()["sla"]["next_response"]

    assert parse_datetime(nr["due_at"]) == T0 + dt.timedelta(minutes=130)


def test_null_when_the_standard_does_not_track_next_responses(world, now, file_ticket, client_for):
    ServiceStandardFactory(team=world.it, first_response_minutes=60, resolution_minutes=480)
    ticket = _exchange(world, now, file_ticket)

    sla = client_for("it_agent").get(f"/api/v1/tickets/{ticket.pk}/").json()["sla"]

    assert sla["next_response"] is None and sla["first_response"]["state"] == "met"


def test_the_requester_sees_no_clock(world, nr_standard, now, file_ticket, client_for):
    ticket = _exchange(world, now, file_ticket)

    assert client_for("alice").get(f"/api/v1/tickets/{ticket.pk}/").json()["sla"] is None
