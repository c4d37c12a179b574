"""One SLA vocabulary with a next response owed: when the next-response clock decides a
ticket's state, the queryset filters, the API's `sla_state` filter and `sla.next_response`,
the queue's tabs and badges, and the ticket page all say what sla.states says.

The tickets are worked through the services on a 24×7 UTC calendar with `timezone.now()`
pinned, so the test holds on any date and at any hour."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from sla import scanner as sla_scanner
from sla import states
from sla.models import SLAClock
from sla.selectors import shown_clocks
from tests.factories import ServiceStandardFactory
from tickets import services
from tickets.models import Ticket

NOW = dt.datetime(2026, 9, 21, 12, 0, tzinfo=dt.UTC)
M = dt.timedelta(minutes=1)

# title → (the ticket's live state, (first response, next response or None, resolution))
# The standard: first response 60 min, next response 30 min, resolution 480 min, warning at 80 %.
CASES = {
    "reply owed, on track": ("on_track", ("met", "on_track", "on_track")),
    "reply owed, at risk": ("at_risk", ("met", "at_risk", "on_track")),
    "reply owed, overdue": ("breached", ("met", "breached", "on_track")),
    "reply owed, overdue, recorded by the scanner": ("breached", ("met", "breached", "on_track")),
    "reply owed, waiting on requester": ("paused", ("met", "paused", "paused")),
    "reply answered late": ("on_track", ("met", None, "on_track")),
}


@pytest.fixture
def seeded(world, file_ticket, monkeypatch, settings):
    settings.TIME_ZONE = "UTC"
    ServiceStandardFactory(team=world.it, first_response_minutes=60, next_response_minutes=30,
                           resolution_minutes=480, warning_percent=80)
    pinned = {"at": NOW}
    monkeypatch.setattr(timezone, "now", lambda: pinned["at"])
    agent = world.it_agent

    def exchange(title, filed, answered, replied):
        """Filed, answered by the agent and replied to by alice, minutes before NOW."""
        pinned["at"] = NOW - filed * M
        ticket = file_ticket(title=title)
        services.ticket_assign(ticket=ticket, assignee=agent, actor=world.it_lead)
        pinned["at"] = NOW - answered * M
        services.comment_create(ticket=ticket, author=agent, body="On it.")
        pinned["at"] = NOW - replied * M
        services.comment_create(ticket=ticket, author=world.alice, body="Thanks, and …")
        return ticket

    exchange("reply owed, on track", 20, 15, 10)  # due in 20 min, warns in 14
    exchange("reply owed, at risk", 40, 35, 26)  # warned 2 min ago, due in 4
    exchange("reply owed, overdue", 60, 55, 40)  # due 10 min ago
    exchange("reply owed, overdue, recorded by the scanner", 70, 65, 50)
    pinned["at"] = NOW
    sla_scanner.sla_scan(now=NOW)
    waiting = exchange("reply owed, waiting on requester", 30, 25, 20)
    pinned["at"] = NOW - 10 * M
    services.ticket_transition(ticket=waiting, to="pending", actor=agent)
    late = exchange("reply answered late", 120, 115, 100)  # due 70 min ago
    pinned["at"] = NOW - 60 * M
    services.comment_create(ticket=late, author=agent, body="Sorry for the wait.")
    pinned["at"] = NOW
    return {t.title: t for t in Ticket.objects.filter(team=world.it)}


def _expected_by_state() -> dict[str, set[str]]:
    expected: dict[str, set[str]] = {}
    for title, (state, _clocks) in CASES.items():
        expected.setdefault(state, set()).add(title)
    return expected


def _clock_states(clocks) -> tuple:
    by_kind = {c.kind: c for c in clocks}
    return tuple(states.clock_state(by_kind[kind], NOW).value if kind in by_kind else None
                 for kind in ("first_response", "next_response", "resolution"))


def test_each_ticket_is_in_the_state_its_clocks_give(seeded):
    for title, (ticket_state, clock_states) in CASES.items():
        ticket = Ticket.objects.get(pk=seeded[title].pk)
        clocks = states.current_clocks(shown_clocks().filter(ticket=ticket))
        assert _clock_states(clocks) == clock_states, title
        assert states.ticket_state(SLAClock.objects.filter(ticket=ticket), NOW) == ticket_state, title
        for state in states.TicketState.values:
            selected = Ticket.objects.filter(states.ticket_state_q(state, NOW), pk=ticket.pk).exists()
            assert selected == (state == ticket_state), (title, state)


def test_the_api_filter_and_fields_agree(world, seeded):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=world.it_lead)[0].key}")
    by_state: dict[str, set[str]] = {}
    for state in states.TicketState.values:
        for body in client.get("/api/v1/tickets/", {"sla_state": state, "page_size": 100}).json()["results"]:
            assert body["sla_state"] == state, body["title"]
            by_state.setdefault(state, set()).add(body["title"])
    assert by_state == _expected_by_state()
    for title, (ticket_state, clock_states) in CASES.items():
        body = client.get(f"/api/v1/tickets/{seeded[title].pk}/").json()
        assert body["sla_state"] == ticket_state, title
        sla = body["sla"]
        shown = tuple(sla[kind]["state"] if sla[kind] else None
                      for kind in ("first_response", "next_response", "resolution"))
        assert shown == clock_states, title
        if sla["next_response"]:
            assert sla["next_response"]["breached"] == (clock_states[1] == "breached"), title


def test_the_queue_tabs_and_badges_agree(world, seeded):
    client = Client()
    client.force_login(world.it_lead)
    queue = reverse("team-queue", args=["it"])
    expected = _expected_by_state()
    for view in ("breached", "at_risk"):
        rows = client.get(queue, {"view": view}).context["rows"]
        assert {t.title for t, _badge in rows} == expected[view], view
        assert {(badge.kind, badge.state) for _t, badge in rows} == {("next_response", view)}, view
    for ticket, badge in client.get(queue, {"status": "all"}).context["rows"]:
        assert (badge.state if badge else "done") == CASES[ticket.title][0], ticket.title


def test_the_ticket_page_agrees(world, seeded):
    client = Client()
    client.force_login(world.it_lead)
    for title, (ticket_state, clock_states) in CASES.items():
        response = client.get(reverse("ticket-detail", args=[seeded[title].pk]))
        badge = response.context["sla_badge"]
        assert (badge.state if badge else "done") == ticket_state, title
        assert tuple(c.state for c in response.context["clocks"]) == tuple(s for s in clock_states if s), title
