"""Bad input is a 400 naming the field, never a 500, and stores nothing."""

import pytest

from tests.api.conftest import laptop_payload
from tickets.models import Comment, Ticket, TicketEvent


def _fields(**values):
    return {"asset_tag": "LT-1", **values}


BAD_TICKETS = [
    ("unknown service item", {"service_item": 999_999}, "service_item"),
    ("service item not a number", {"service_item": "laptop"}, "service_item"),
    ("service item beyond bigint", {"service_item": 2**70}, "service_item"),
    ("wrong priority", {"priority": "P9"}, "priority"),
    ("missing title", {"title": ""}, "title"),
    ("title too long", {"title": "x" * 201}, "title"),
    ("missing required field", {"fields": {"urgency": "one person"}}, "fields.asset_tag"),
    ("choice not offered", {"fields": _fields(urgency="everyone")}, "fields.urgency"),
    ("number that is text", {"fields": _fields(count="many")}, "fields.count"),
    ("number out of range", {"fields": _fields(count="1e5000")}, "fields.count"),
    ("text that is a number", {"fields": _fields(asset_tag=42)}, "fields.asset_tag"),
    ("date that is not a date", {"fields": _fields(since="yesterday")}, "fields.since"),
    ("unknown field", {"fields": _fields(colour="red")}, "fields.colour"),
    ("null character", {"fields": _fields(asset_tag="LT\x00")}, "fields.asset_tag"),
    ("fields not an object", {"fields": ["asset_tag"]}, "fields"),
    ("title with a null character", {"title": "a\x00b"}, "title"),
]


@pytest.mark.parametrize(("case", "change", "field"), BAD_TICKETS, ids=[c[0] for c in BAD_TICKETS])
def test_filing_with_bad_input_names_the_field_and_stores_nothing(world, client_for, case, change, field):
    response = client_for("alice").post("/api/v1/tickets/", laptop_payload(world, **change), format="json")

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    assert field in body["errors"], body
    assert Ticket.objects.count() == 0 and TicketEvent.objects.count() == 0


def test_an_illegal_transition_names_the_allowed_ones(world, ticket, client_for):
    response = client_for("it_agent").post(f"/api/v1/tickets/{ticket.pk}/transition/",
                                           {"to": "closed", "version": ticket.version}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert "Allowed: waiting on requester, resolved" in body["errors"]["to"][0]
    assert Ticket.objects.get(pk=ticket.pk).status == "open"


def test_an_unknown_status_is_refused(ticket, client_for):
    response = client_for("it_agent").post(f"/api/v1/tickets/{ticket.pk}/transition/",
                                           {"to": "done", "version": ticket.version}, format="json")

    assert response.status_code == 400 and "to" in response.json()["errors"]


def test_assigning_someone_outside_the_team_is_refused(world, ticket, client_for):
    response = client_for("it_lead").post(f"/api/v1/tickets/{ticket.pk}/assign/",
                                          {"assignee": world.hr_agent.pk, "version": ticket.version}, format="json")

    assert response.status_code == 400 and "assignee" in response.json()["errors"]
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None


def test_a_requester_cannot_write_an_internal_note(ticket, client_for):
    before = Comment.objects.count()

    response = client_for("alice").post(f"/api/v1/tickets/{ticket.pk}/comments/",
                                        {"body": "psst", "internal": True}, format="json")

    assert response.status_code == 400 and "internal" in response.json()["errors"]
    assert Comment.objects.count() == before


def test_a_file_of_a_refused_type_is_refused(ticket, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for("alice").post(f"/api/v1/tickets/{ticket.pk}/attachments/",
                                        {"file": SimpleUploadedFile("run.exe", b"MZ")}, format="multipart")

    assert response.status_code == 400 and "attachments" in response.json()["errors"]


@pytest.mark.parametrize("path", [
    "/api/v1/tickets/99999999999999999999999/",
    "/api/v1/tickets/9223372036854775808/comments/",
    "/api/v1/tickets/" + "9" * 5000 + "/",
    "/api/v1/teams/99999999999999999999999/",
    "/api/v1/sla/calendars/99999999999999999999999/",
    "/api/v1/webhooks/99999999999999999999999/",
])
def test_ids_beyond_bigint_are_not_found(world, client_for, path):
    assert client_for("admin").get(path).status_code == 404


@pytest.mark.parametrize("query", [
    "cursor=garbage", "cursor=eyJ2IjpbIm5vdCBhIGRhdGUiLDFdLCJyIjowfQ", "cursor=eyJ2IjpbXX0",
    "cursor=eyJ2IjpbIjIwMjYtMDEtMDFUMDA6MDA6MDArMDA6MDAiLDk5OTk5OTk5OTk5OTk5OTk5OTk5OV19",
    "page_size=0", "page_size=abc", "page_size=100000", "status=bogus", "priority=P0", "team=x",
    "team=99999999999999999999999", "assignee=someone", "sla_state=late", "ordering=title",
    "search=a%00b",
])
def test_a_bad_list_query_is_a_400(world, ticket, client_for, query):
    response = client_for("admin").get(f"/api/v1/tickets/?{query}")

    assert response.status_code == 400, response.content
    assert response.json()["errors"]


def test_a_stale_cursor_of_another_ordering_is_a_400_not_a_500(world, ticket, file_ticket, client_for):
    file_ticket()
    client = client_for("admin")
    page = client.get("/api/v1/tickets/?page_size=1").json()
    cursor = page["next"].split("cursor=")[1].split("&")[0]

    response = client.get(f"/api/v1/tickets/?ordering=priority&cursor={cursor}")

    assert response.status_code == 400


def test_malformed_json_is_a_400(ticket, client_for):
    response = client_for("alice").generic("POST", "/api/v1/tickets/", "{not json", content_type="application/json")

    assert response.status_code == 400
