"""Every endpoint × every role: the status codes the pages' rules imply.

Roles: anonymous; alice, the requester of the ticket; bob, another requester; it_agent
and it_lead of the ticket's team; hr_agent of another team; a service admin. A ticket a
user may not see is a 404 (never a 403 that would leak that it exists); an action on a
ticket one may see but not do is a 403; configuration is written by service admins only.
"""

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.conftest import ROLES, laptop_payload
from tests.factories import CalendarFactory, ServiceStandardFactory


@dataclass
class Case:
    name: str
    method: str
    path: str  # formatted with ticket, team, calendar, standard, webhook ids
    expected: dict[str, int]
    body: Any = None
    multipart: bool = False
    extra: dict = field(default_factory=dict)


def codes(anonymous, alice, bob, it_agent, hr_agent, it_lead, admin) -> dict[str, int]:
    return dict(zip(ROLES, (anonymous, alice, bob, it_agent, hr_agent, it_lead, admin), strict=True))


EVERYONE = codes(401, 200, 200, 200, 200, 200, 200)
TICKET_READ = codes(401, 200, 404, 200, 404, 200, 200)
TICKET_WORK = codes(401, 403, 404, 200, 404, 200, 200)
TICKET_REPLY = codes(401, 201, 404, 201, 404, 201, 201)
ADMIN_WRITE = codes(401, 403, 403, 403, 403, 403, 201)
ADMIN_ONLY = codes(401, 403, 403, 403, 403, 403, 200)
TEAM_READ = codes(401, 404, 404, 200, 404, 200, 200)
# The objects are the HR team's standard and its calendar: HR and service admins read them.
SLA_READ = codes(401, 404, 404, 404, 200, 404, 200)

CASES = [
    Case("token list", "get", "/api/v1/auth/tokens/", EVERYONE),
    Case("me", "get", "/api/v1/users/me/", EVERYONE),
    Case("departments", "get", "/api/v1/departments/", EVERYONE),
    Case("teams", "get", "/api/v1/teams/", EVERYONE),
    Case("team", "get", "/api/v1/teams/{team}/", TEAM_READ),
    Case("team members", "get", "/api/v1/teams/{team}/members/", TEAM_READ),
    Case("service items", "get", "/api/v1/service-items/", EVERYONE),
    Case("ticket list", "get", "/api/v1/tickets/", EVERYONE),
    Case("ticket create", "post", "/api/v1/tickets/", codes(401, 201, 201, 201, 201, 201, 201), body="laptop"),
    Case("ticket", "get", "/api/v1/tickets/{ticket}/", TICKET_READ),
    Case("ticket edit", "patch", "/api/v1/tickets/{ticket}/", TICKET_WORK, body={"title": "Renamed"}),
    Case("comments", "get", "/api/v1/tickets/{ticket}/comments/", TICKET_READ),
    Case("reply", "post", "/api/v1/tickets/{ticket}/comments/", TICKET_REPLY, body={"body": "Any news?"}),
    Case("internal note", "post", "/api/v1/tickets/{ticket}/comments/", codes(401, 400, 404, 201, 404, 201, 201),
         body={"body": "Note", "internal": True}),
    Case("attachments", "get", "/api/v1/tickets/{ticket}/attachments/", TICKET_READ),
    Case("attach", "post", "/api/v1/tickets/{ticket}/attachments/", TICKET_REPLY, body="file", multipart=True),
    Case("events", "get", "/api/v1/tickets/{ticket}/events/", TICKET_READ),
    # The ticket is open (the team replied): a requester may make no move from there, so
    # for alice it is an illegal transition (400 naming the allowed ones, none).
    Case("transition", "post", "/api/v1/tickets/{ticket}/transition/", codes(401, 400, 404, 200, 404, 200, 200),
         body={"to": "pending"}),
    Case("assign", "post", "/api/v1/tickets/{ticket}/assign/", TICKET_WORK, body={"assignee": "it_agent"}),
    Case("notifications", "get", "/api/v1/notifications/", EVERYONE),
    Case("mark read", "post", "/api/v1/notifications/mark-read/", EVERYONE, body={}),
    Case("calendars", "get", "/api/v1/sla/calendars/", EVERYONE),
    Case("calendar", "get", "/api/v1/sla/calendars/{calendar}/", SLA_READ),
    Case("calendar create", "post", "/api/v1/sla/calendars/", ADMIN_WRITE, body={
        "name": "Shanghai office", "timezone": "Asia/Shanghai",
        "working_hours": [{"weekday": d, "start": "09:00", "end": "18:00"} for d in range(5)]}),
    Case("calendar edit", "patch", "/api/v1/sla/calendars/{calendar}/", codes(401, 403, 403, 403, 403, 403, 200),
         body={"name": "Renamed calendar"}),
    Case("service standards", "get", "/api/v1/sla/policies/", EVERYONE),
    Case("service standard", "get", "/api/v1/sla/policies/{standard}/", SLA_READ),
    Case("service standard create", "post", "/api/v1/sla/policies/", ADMIN_WRITE, body="standard"),
    Case("service standard edit", "patch", "/api/v1/sla/policies/{standard}/",
         codes(401, 403, 403, 403, 403, 403, 200), body={"resolution_minutes": 600}),
    Case("service standard retire", "delete", "/api/v1/sla/policies/{standard}/",
         codes(401, 403, 403, 403, 403, 403, 204)),
    Case("chains", "get", "/api/v1/sla/escalation-chains/", EVERYONE),
    Case("chain create", "post", "/api/v1/sla/escalation-chains/", ADMIN_WRITE, body={
        "name": "Default", "levels": [{"order": 1, "trigger": "after_breach", "notify_lead": True}]}),
    Case("simulate", "post", "/api/v1/sla/simulate/", codes(401, 400, 400, 400, 200, 400, 200),
         body={"calendar": "calendar", "start": "2026-09-25T17:45:00+08:00", "minutes": 30}),
    Case("webhooks", "get", "/api/v1/webhooks/", ADMIN_ONLY),
    Case("webhook create", "post", "/api/v1/webhooks/", ADMIN_WRITE,
         body={"url": "https://hooks.example.com/sd", "events": ["ticket.created"]}),
    Case("webhook", "get", "/api/v1/webhooks/{webhook}/", ADMIN_ONLY),
    Case("webhook deliveries", "get", "/api/v1/webhooks/{webhook}/deliveries/", ADMIN_ONLY),
]


@pytest.fixture
def objects(world, ticket, standard):
    from webhooks import services as webhooks

    calendar = CalendarFactory(name="Round the clock")
    hr_standard = ServiceStandardFactory(team=world.hr, calendar=calendar, name="HR standard")
    endpoint = webhooks.webhook_endpoint_create(actor=world.admin, url="https://hooks.example.com/a",
                                                events=["ticket.created"])
    return {"ticket": ticket, "team": world.it, "calendar": calendar, "standard": hr_standard,
            "webhook": endpoint}


def _body(case: Case, world, objects):
    if case.body == "laptop":
        return laptop_payload(world)
    if case.body == "file":
        return {"file": SimpleUploadedFile("screenshot.png", b"\x89PNG fake", content_type="image/png")}
    if case.body == "standard":
        return {"name": "IT P1", "team": world.it.pk, "priority": "P1", "calendar": objects["calendar"].pk,
                "first_response_minutes": 15, "resolution_minutes": 240}
    if not isinstance(case.body, dict):
        return case.body
    body = dict(case.body)
    if body.get("assignee") == "it_agent":
        body["assignee"] = world.it_agent.pk
    if body.get("calendar") == "calendar":
        body["calendar"] = objects["calendar"].pk
    if "/tickets/{ticket}/" in case.path and case.method in ("patch", "post") and not case.path.endswith(
        ("comments/", "attachments/")
    ):
        body["version"] = objects["ticket"].version
    return body


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_status_code_per_role(case, role, world, objects, client_for):
    client = client_for(role)
    path = case.path.format(**{key: obj.pk for key, obj in objects.items()})
    body = _body(case, world, objects)

    response = getattr(client, case.method)(path, body, format="multipart" if case.multipart else "json")

    assert response.status_code == case.expected[role], (case.name, role, response.content[:300])


def test_anonymous_gets_a_token_challenge(client_for, world):
    response = client_for("anonymous").get("/api/v1/tickets/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


# --- internal notes never reach the requester ----------------------------------------------


@pytest.mark.parametrize("role", ["it_agent", "it_lead", "admin"])
def test_the_service_team_sees_internal_notes_their_events_and_files(role, ticket, client_for):
    client = client_for(role)

    comments = client.get(f"/api/v1/tickets/{ticket.pk}/comments/").json()
    events = client.get(f"/api/v1/tickets/{ticket.pk}/events/").json()
    files = client.get(f"/api/v1/tickets/{ticket.pk}/attachments/").json()

    assert [c["internal"] for c in comments] == [False, True]
    assert "note" in {e["kind"] for e in events}
    assert [f["name"] for f in files] == ["diagnosis.txt"]


def test_the_requester_never_sees_internal_notes_their_events_or_files(ticket, client_for):
    client = client_for("alice")

    comments = client.get(f"/api/v1/tickets/{ticket.pk}/comments/")
    events = client.get(f"/api/v1/tickets/{ticket.pk}/events/")
    files = client.get(f"/api/v1/tickets/{ticket.pk}/attachments/")

    assert [c["body"] for c in comments.json()] == ["We are on it."]
    kinds = [e["kind"] for e in events.json()]
    assert "note" not in kinds and "comment" in kinds
    assert files.json() == []
    for response in (comments, events, files):
        assert b"SECRET" not in response.content and b"diagnosis" not in response.content


def test_the_requester_list_and_detail_carry_no_internal_text(ticket, client_for):
    client = client_for("alice")

    for path in ("/api/v1/tickets/", f"/api/v1/tickets/{ticket.pk}/"):
        response = client.get(path)
        assert response.status_code == 200
        assert b"SECRET" not in response.content


def test_requesters_only_list_their_own_tickets(world, ticket, file_ticket, client_for):
    bobs = file_ticket(requester=world.bob)

    ids = [t["id"] for t in client_for("bob").get("/api/v1/tickets/").json()["results"]]

    assert ids == [bobs.pk]


def test_agents_list_their_teams_tickets_only(world, ticket, file_ticket, client_for):
    hr_ticket = file_ticket(item=world.payslip)

    ids = {t["id"] for t in client_for("hr_agent").get("/api/v1/tickets/").json()["results"]}

    assert ids == {hr_ticket.pk}


def test_a_requester_lists_no_teams(client_for):
    assert client_for("alice").get("/api/v1/teams/").json() == []
