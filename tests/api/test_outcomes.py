"""The SLA outcome endpoints: `GET tickets/{id}/outcomes/` for those who work the ticket
(404 for everyone else), and `GET sla/outcomes/` with its filters and cursor pages."""

import datetime as dt

import pytest
from django.utils import timezone

from sla.models import SLAOutcome
from sla.scanner import sla_scan
from tests.factories import ServiceStandardFactory
from tests.sla.outcome_drivers import MINUTE, T0, PinnedClock, fresh
from tickets import services
from tickets.constants import Status


@pytest.fixture
def pinned(monkeypatch, settings):
    settings.TIME_ZONE = "UTC"
    at = PinnedClock(T0)
    monkeypatch.setattr(timezone, "now", at)
    with timezone.override("Asia/Shanghai"):
        yield at


@pytest.fixture
def decided(world, pinned, file_ticket):
    """IT: one ticket whose first response was met at 10 minutes, then resolved at 30;
    another whose first response the scanner found breached at 61 minutes. HR: one
    ticket breached likewise."""
    ServiceStandardFactory(team=world.it, first_response_minutes=60, resolution_minutes=480)
    ServiceStandardFactory(team=world.hr, first_response_minutes=60, resolution_minutes=480)
    met = file_ticket(title="met")
    late = file_ticket(title="late")
    hr = file_ticket(item=world.payslip, title="payslip")
    pinned.set(T0 + 10 * MINUTE)
    services.comment_create(ticket=fresh(met), author=world.it_agent, body="On it")
    pinned.set(T0 + 30 * MINUTE)
    services.ticket_transition(ticket=fresh(met), to=Status.RESOLVED, actor=world.it_agent)
    pinned.set(T0 + 61 * MINUTE)
    sla_scan(now=T0 + 61 * MINUTE)
    return {"met": met, "late": late, "hr": hr}


# --- one ticket's outcomes -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["it_agent", "it_lead", "admin"])
def test_those_who_work_the_ticket_read_its_outcomes(role, decided, client_for):
    response = client_for(role).get(f"/api/v1/tickets/{decided['met'].pk}/outcomes/")

    assert response.status_code == 200
    body = response.json()
    assert [(o["kind"], o["cycle"], o["met"]) for o in body] == [("first_response", 1, True), ("resolution", 1, True)]
    first = body[0]
    assert {"id", "ticket", "kind", "cycle", "met", "started_at", "stopped_at", "business_seconds",
            "breached_by_seconds"} <= set(first)
    assert (first["ticket"], first["business_seconds"], first["breached_by_seconds"]) == (decided["met"].pk, 600, 0)
    # Times in the reader's zone
    assert first["stopped_at"] == "2026-09-24T17:10:00+08:00"


@pytest.mark.parametrize("role", ["alice", "bob", "hr_agent"])
def test_everyone_else_gets_a_404_for_a_tickets_outcomes(role, decided, client_for):
    response = client_for(role).get(f"/api/v1/tickets/{decided['met'].pk}/outcomes/")

    assert response.status_code == 404
    assert b"first_response" not in response.content


def test_a_collaborator_from_another_team_does_not_read_the_outcomes(world, decided, client_for):
    services.collaborator_add(ticket=fresh(decided["late"]), user=world.hr_agent, actor=world.it_agent)

    response = client_for("hr_agent").get(f"/api/v1/tickets/{decided['late'].pk}/outcomes/")

    assert response.status_code == 404


def test_an_unknown_or_malformed_ticket_is_a_404(decided, client_for):
    client = client_for("admin")

    assert client.get("/api/v1/tickets/999999999/outcomes/").status_code == 404
    assert client.get("/api/v1/tickets/abc/outcomes/").status_code == 404


# --- the list ------------------------------------------------------------------------------


def _listed(client, query=""):
    response = client.get(f"/api/v1/sla/outcomes/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def _keys(body):
    return sorted((o["ticket"], o["kind"], o["met"]) for o in body["results"])


def test_agents_list_their_teams_outcomes_and_admins_all(world, decided, client_for):
    met, late, hr = decided["met"].pk, decided["late"].pk, decided["hr"].pk
    it_rows = [(met, "first_response", True), (met, "resolution", True), (late, "first_response", False)]

    assert _keys(_listed(client_for("it_agent"))) == sorted(it_rows)
    assert _keys(_listed(client_for("hr_agent"))) == [(hr, "first_response", False)]
    assert _keys(_listed(client_for("admin"))) == sorted([*it_rows, (hr, "first_response", False)])
    assert _listed(client_for("alice"))["results"] == []


def test_the_list_filters_by_team_kind_met_and_decision_time(world, decided, client_for):
    client = client_for("admin")
    met, late, hr = decided["met"].pk, decided["late"].pk, decided["hr"].pk

    assert _keys(_listed(client, f"?team={world.hr.pk}")) == [(hr, "first_response", False)]
    assert _keys(_listed(client, "?kind=resolution")) == [(met, "resolution", True)]
    assert _keys(_listed(client, f"?met=false&team={world.it.pk}")) == [(late, "first_response", False)]
    # Decided at 10 and 30 minutes (met) and 61 (breached): from included, to excluded
    window = "?from=2026-09-24T09:10:00Z&to=2026-09-24T10:01:00Z"
    assert _keys(_listed(client, window)) == [(met, "first_response", True), (met, "resolution", True)]
    assert _keys(_listed(client, "?from=2026-09-24T10:01:00%2B00:00")) == sorted(
        [(late, "first_response", False), (hr, "first_response", False)])


def test_an_agent_filtering_on_another_team_gets_nothing(world, decided, client_for):
    assert _listed(client_for("it_agent"), f"?team={world.hr.pk}")["results"] == []


@pytest.mark.parametrize(("query", "field"), [
    ("?team=it", "team"), ("?team=0", "team"), ("?kind=closing", "kind"), ("?met=perhaps", "met"),
    ("?from=yesterday", "from"), ("?to=2026-13-01T00:00:00Z", "to"),
    ("?from=2026-09-25T00:00:00Z&to=2026-09-24T00:00:00Z", "to"),
])
def test_a_bad_filter_is_a_400_naming_the_field(query, field, decided, client_for):
    response = client_for("admin").get(f"/api/v1/sla/outcomes/{query}")

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_the_list_pages_by_cursor_newest_decision_first(decided, client_for):
    client = client_for("admin")
    seen = []
    url = "/api/v1/sla/outcomes/?page_size=2"
    while url:
        body = client.get(url).json()
        seen += body["results"]
        url = body["next"]

    assert len(seen) == SLAOutcome.objects.count() == 4
    assert len({o["id"] for o in seen}) == 4
    decided_at = [dt.datetime.fromisoformat(o["decided_at"]) for o in seen]
    assert decided_at == sorted(decided_at, reverse=True)


def test_the_list_reads_a_fixed_number_of_queries(world, decided, client_for, file_ticket, pinned,
                                                  django_assert_max_num_queries):
    client = client_for("it_agent")
    client.get("/api/v1/sla/outcomes/")  # warm the token and throttle caches
    for _ in range(10):
        file_ticket()
    sla_scan(now=T0 + 3 * 60 * MINUTE)

    with django_assert_max_num_queries(6):
        body = _listed(client, "?page_size=50")

    assert len(body["results"]) == 3 + 10  # the new first responses breached, the resolutions not yet
