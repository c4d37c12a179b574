"""Who reads service standards, calendars and escalation chains through the API, and who
sees a ticket's SLA clocks.

Service admins read them all; agents and leads their own teams' standards and the
calendars and chains those use; a requester none (empty lists, 404 for one: she needs only
her ticket, and her ticket's page shows no SLA clock). A ticket's `sla_state` and `sla` are
null for whoever does not work its team, as on the page."""

import pytest

from tests.factories import CalendarFactory, ServiceStandardFactory
from tickets import services

ROLES_WITH_IT = {"alice": False, "bob": False, "hr_agent": False, "it_agent": True, "it_lead": True, "admin": True}


@pytest.fixture
def it_setup(world):
    """IT's standard on its own calendar and chain; HR's on others."""
    from sla.models import EscalationChain

    it_calendar = CalendarFactory(name="IT hours")
    hr_calendar = CalendarFactory(name="HR hours")
    it_chain = EscalationChain.objects.create(name="IT chain")
    hr_chain = EscalationChain.objects.create(name="HR chain")
    it_standard = ServiceStandardFactory(team=world.it, calendar=it_calendar, escalation_chain=it_chain, name="IT")
    hr_standard = ServiceStandardFactory(team=world.hr, calendar=hr_calendar, escalation_chain=hr_chain, name="HR")
    return {"calendar": it_calendar, "chain": it_chain, "standard": it_standard,
            "hr_calendar": hr_calendar, "hr_chain": hr_chain, "hr_standard": hr_standard}


DETAIL = {"standard": "/api/v1/sla/policies/{}/", "calendar": "/api/v1/sla/calendars/{}/",
          "chain": "/api/v1/sla/escalation-chains/{}/"}
LIST = {"standard": "/api/v1/sla/policies/", "calendar": "/api/v1/sla/calendars/",
        "chain": "/api/v1/sla/escalation-chains/"}


@pytest.mark.parametrize("kind", ["standard", "calendar", "chain"])
@pytest.mark.parametrize(("role", "reads"), ROLES_WITH_IT.items())
def test_one_it_object_is_read_by_it_and_admins_only(kind, role, reads, it_setup, client_for):
    response = client_for(role).get(DETAIL[kind].format(it_setup[kind].pk))

    assert response.status_code == (200 if reads else 404)


@pytest.mark.parametrize("kind", ["standard", "calendar", "chain"])
@pytest.mark.parametrize(("role", "expected"), [
    ("alice", set()), ("it_agent", {"IT"}), ("it_lead", {"IT"}), ("hr_agent", {"HR"}), ("admin", {"IT", "HR"}),
])
def test_lists_hold_what_the_role_may_read(kind, role, expected, it_setup, client_for):
    names = {"standard": {"IT": "IT", "HR": "HR"}, "calendar": {"IT": "IT hours", "HR": "HR hours"},
             "chain": {"IT": "IT chain", "HR": "HR chain"}}[kind]

    response = client_for(role).get(LIST[kind])

    assert response.status_code == 200
    assert {row["name"] for row in response.json()} == {names[team] for team in expected}


def test_a_requester_cannot_simulate_a_standard_she_may_not_read(it_setup, client_for):
    body = {"policy": it_setup["standard"].pk, "start": "2026-09-25T17:45:00+08:00"}

    refused = client_for("alice").post("/api/v1/sla/simulate/", body, format="json")
    allowed = client_for("it_agent").post("/api/v1/sla/simulate/", body, format="json")

    assert refused.status_code == 400 and "policy" in refused.json()["errors"]
    assert allowed.status_code == 200


# --- the ticket's clocks ----------------------------------------------------------------------


@pytest.mark.parametrize(("role", "sees"), [("alice", False), ("it_agent", True), ("it_lead", True),
                                            ("admin", True)])
def test_only_the_service_team_sees_the_ticket_clocks(role, sees, ticket, client_for):
    client = client_for(role)

    one = client.get(f"/api/v1/tickets/{ticket.pk}/").json()
    listed = client.get("/api/v1/tickets/").json()["results"][0]

    for body in (one, listed):
        if sees:
            assert body["sla_state"] == "on_track"
            assert body["sla"]["resolution"]["due_at"]
        else:
            assert body["sla_state"] is None and body["sla"] is None


def test_a_collaborator_from_another_team_does_not_see_the_clocks(world, ticket, client_for):
    services.collaborator_add(ticket=ticket, user=world.hr_agent, actor=world.it_agent)

    body = client_for("hr_agent").get(f"/api/v1/tickets/{ticket.pk}/").json()

    assert body["sla"] is None


def test_a_requester_cannot_filter_her_tickets_by_sla_state(ticket, client_for):
    on_track = client_for("alice").get("/api/v1/tickets/?sla_state=on_track").json()["results"]
    for_the_team = client_for("it_agent").get("/api/v1/tickets/?sla_state=on_track").json()["results"]

    assert on_track == []
    assert [t["id"] for t in for_the_team] == [ticket.pk]
