"""One SLA vocabulary: for every combination of clock states, the queue's tabs, counts and
filter, the API's `sla_state` filter and field, the ticket page's badge and the agent's
dashboard all say the same thing, and it is what sla.states says.

The tickets are brought to their states through the services (filed earlier with
`filed_at`, answered, paused, resolved) on a 24×7 UTC calendar, so the test holds on any
date, at any hour and in any time zone the process runs in."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from notifications import digest
from notifications.models import OutboxMessage, Preference
from sla import scanner as sla_scanner
from sla import states
from sla.models import SLAClock
from tests.factories import ServiceStandardFactory
from tickets import services
from tickets.models import Ticket

H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)

# title → (how it was filed and worked, the ticket's live state, its clocks' states)
# The standard: first response 60 min, resolution 480 min, warning at 80 %.
CASES = {
    "on track": ("on_track", ("on_track", "on_track")),
    "at risk": ("at_risk", ("at_risk", "on_track")),
    "overdue": ("breached", ("breached", "on_track")),
    "overdue, recorded by the scanner": ("breached", ("breached", "on_track")),
    "answered late, resolution on track": ("on_track", ("met_late", "on_track")),
    "answered late, resolution at risk": ("at_risk", ("met_late", "at_risk")),
    "paused past its due time": ("breached", ("breached", "paused")),
    "paused in time": ("paused", ("paused", "paused")),
    "overdue, then met": ("done", ("met_late", "met_late")),
    "all met": ("done", ("met", "met")),
}


@pytest.fixture
def seeded(world, file_ticket):
    ServiceStandardFactory(team=world.it, first_response_minutes=60, resolution_minutes=480, warning_percent=80)
    now = timezone.now()
    agent = world.it_agent

    def filed(title, ago):
        ticket = file_ticket(title=title, filed_at=now - ago)
        services.ticket_assign(ticket=ticket, assignee=agent, actor=world.it_lead)
        return Ticket.objects.get(pk=ticket.pk)

    def reply(ticket):
        services.comment_create(ticket=ticket, author=agent, body="On it.")

    filed("on track", 5 * M)
    filed("at risk", 50 * M)  # first response warns at 48 min
    filed("overdue", 2 * H)
    filed("overdue, recorded by the scanner", 3 * H)
    sla_scanner.sla_scan(now=timezone.now())
    reply(filed("answered late, resolution on track", 2 * H))
    reply(filed("answered late, resolution at risk", 7 * H))  # resolution warns at 6 h 24 min
    services.ticket_transition(ticket=filed("paused past its due time", 2 * H), to="pending", actor=agent)
    services.ticket_transition(ticket=filed("paused in time", 10 * M), to="pending", actor=agent)
    late = filed("overdue, then met", 9 * H)
    reply(late)
    services.ticket_transition(ticket=late, to="resolved", actor=agent)
    met = filed("all met", 5 * M)
    reply(met)
    services.ticket_transition(ticket=met, to="resolved", actor=agent)
    return {t.title: t for t in Ticket.objects.filter(team=world.it)}


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def _page(user):
    client = Client()
    client.force_login(user)
    return client


def test_each_ticket_is_in_the_state_its_clocks_give(seeded):
    now = timezone.now()
    for title, (ticket_state, clock_states) in CASES.items():
        ticket = Ticket.objects.get(pk=seeded[title].pk)
        clocks = list(SLAClock.objects.filter(ticket=ticket).order_by("kind"))
        assert tuple(states.clock_state(c, now) for c in clocks) == clock_states, title
        assert states.ticket_state(clocks, now) == ticket_state, title
        # and the queryset filter selects it under that state and no other
        for state in states.TicketState.values:
            selected = Ticket.objects.filter(states.ticket_state_q(state, now), pk=ticket.pk).exists()
            assert selected == (state == ticket_state), (title, state)


def test_the_api_filter_and_field_agree(world, seeded):
    client = _api(world.it_lead)
    by_state = {}
    for state in states.TicketState.values:
        response = client.get("/api/v1/tickets/", {"sla_state": state, "team": world.it.pk, "page_size": 100})
        assert response.status_code == 200
        for body in response.json()["results"]:
            assert body["sla_state"] == state, body["title"]
            by_state.setdefault(state, set()).add(body["title"])
    assert by_state == _expected_by_state()
    for title, (ticket_state, clock_states) in CASES.items():
        body = client.get(f"/api/v1/tickets/{seeded[title].pk}/").json()
        assert body["sla_state"] == ticket_state, title
        assert (body["sla"]["first_response"]["state"], body["sla"]["resolution"]["state"]) == clock_states, title
        assert body["sla"]["first_response"]["breached"] == (clock_states[0] == "breached"), title


def test_the_queue_tabs_counts_filter_and_badges_agree(world, seeded):
    client = _page(world.it_lead)
    expected = _expected_by_state()
    queue = reverse("team-queue", args=["it"])
    page = client.get(queue, {"status": "all"})
    counts = {tab["name"]: tab["count"] for tab in page.context["tabs"]}
    assert counts["breached"] == len(expected["breached"])
    assert counts["at_risk"] == len(expected["at_risk"])
    for view in ("breached", "at_risk"):
        rows = client.get(queue, {"view": view}).context["rows"]
        assert {t.title for t, _badge in rows} == expected[view], view
        assert {badge.state for _t, badge in rows} == {view}, view
    for state in ("breached", "at_risk", "on_track", "paused"):
        rows = client.get(queue, {"sla_state": state}).context["rows"]
        assert {t.title for t, _badge in rows} == expected[state], state
    # every row's badge shows its ticket's live state, never "… left" on an overdue ticket
    for ticket, badge in client.get(queue, {"status": "all"}).context["rows"]:
        state = CASES[ticket.title][0]
        assert (badge.state if badge else "done") == state, ticket.title
        if state == "breached":
            assert "left" not in badge.remaining, ticket.title


def test_the_ticket_page_badge_and_clocks_agree(world, seeded):
    client = _page(world.it_lead)
    for title, (ticket_state, clock_states) in CASES.items():
        response = client.get(reverse("ticket-detail", args=[seeded[title].pk]))
        badge = response.context["sla_badge"]
        assert (badge.state if badge else "done") == ticket_state, title
        assert tuple(c.state for c in response.context["clocks"]) == clock_states, title
        for clock in response.context["clocks"]:
            if clock.state in ("breached", "met_late"):
                assert "left" not in clock.remaining, title
            if clock.state == "met_late":
                assert "late" in clock.remaining, title
                # the glossary's words: a target met late was answered or resolved late
                expected = "answered late" if clock.kind == "first_response" else "resolved late"
                assert clock.state_label == expected, title


def test_the_dashboard_agrees(world, seeded):
    response = _page(world.it_agent).get(reverse("dashboard"))
    expected = _expected_by_state()
    open_titles = {t for t, (_s, _c) in CASES.items() if t not in ("overdue, then met", "all met")}
    assert response.context["by_state"]["open"] == len(open_titles)
    assert response.context["by_state"]["breached"] == len(expected["breached"])
    assert response.context["by_state"]["at_risk"] == len(expected["at_risk"])
    for ticket, badge in response.context["rows"]:
        assert (badge.state if badge else "done") == CASES[ticket.title][0], ticket.title


def test_the_leads_digest_agrees(world, seeded):
    Preference.objects.create(user=world.it_lead, event="lead_digest", delivery="in_app")
    digest.lead_digests_enqueue()
    body = OutboxMessage.objects.get(event="lead_digest", recipient=world.it_lead).body
    expected = _expected_by_state()
    assert f"at risk: {len(expected['at_risk'])} ·" in body
    assert f"breached: {len(expected['breached'])} ·" in body


def _expected_by_state() -> dict[str, set[str]]:
    by_state: dict[str, set[str]] = {}
    for title, (state, _clocks) in CASES.items():
        by_state.setdefault(state, set()).add(title)
    return by_state
