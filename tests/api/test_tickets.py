"""Filing, reading, listing and editing tickets through the API."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sla.bookkeeping import ticket_summaries_refresh
from sla.models import SLAClock
from tests.api.conftest import laptop_payload
from tests.factories import ServiceStandardFactory
from tickets import services
from tickets.models import Ticket

TICKET_KEYS = {
    "id", "reference", "title", "description", "status", "priority", "team", "service_item", "requester",
    "assignee", "created_at", "updated_at", "version", "fields", "sla",
}


def test_filing_a_ticket_returns_it_and_its_team_sees_its_sla(world, standard, client_for):
    response = client_for("alice").post("/api/v1/tickets/", laptop_payload(world), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert TICKET_KEYS <= set(body)
    ticket = Ticket.objects.get(pk=body["id"])
    assert body["reference"] == ticket.reference == f"SD-{ticket.pk:06d}"
    assert body["status"] == "new" and body["priority"] == "P2" and body["version"] == ticket.version
    assert body["team"] == {"id": world.it.pk, "name": "IT Support"}
    assert body["requester"]["username"] == "alice"
    assert body["fields"] == {"asset_tag": "LT-42", "urgency": "one person", "count": 1, "since": "2026-09-01"}
    # The requester sees no SLA clock (as on her page); the service team does.
    assert body["sla"] is None and body["sla_state"] is None
    team_view = client_for("it_agent").get(f"/api/v1/tickets/{ticket.pk}/").json()
    first = team_view["sla"]["first_response"]
    assert team_view["sla_state"] == "on_track"
    assert first["state"] == "on_track" and first["breached"] is False
    assert parse_datetime(first["due_at"]) == ticket.created_at + dt.timedelta(minutes=60)
    assert 3500 < first["remaining_seconds"] <= 3600
    assert team_view["sla"]["resolution"]["state"] == "on_track"
    # Times carry their offset.
    assert parse_datetime(body["created_at"]).utcoffset() is not None


def test_a_ticket_without_a_standard_has_null_clocks(world, client_for):
    response = client_for("it_agent").post("/api/v1/tickets/", laptop_payload(world), format="json")

    assert response.json()["sla"] == {"first_response": None, "next_response": None, "resolution": None}
    assert response.json()["sla_state"] == "done"


def test_the_priority_defaults_to_the_service_items(world, client_for):
    payload = laptop_payload(world)
    del payload["priority"]

    response = client_for("alice").post("/api/v1/tickets/", payload, format="json")

    assert response.json()["priority"] == world.laptop.default_priority


def test_sla_shows_paused_met_and_breached(world, ticket, client_for):
    now = timezone.now()
    SLAClock.objects.filter(ticket=ticket, kind="first_response").update(
        state="running", stopped_at=None, paused_at=None, due_at=now - dt.timedelta(minutes=1))
    SLAClock.objects.filter(ticket=ticket, kind="resolution").update(state="paused", paused_at=now)

    sla = client_for("it_agent").get(f"/api/v1/tickets/{ticket.pk}/").json()["sla"]

    # Running past its due time: overdue (breached) before the scanner records it.
    assert sla["first_response"]["state"] == "breached" and sla["first_response"]["breached"] is True
    assert sla["first_response"]["remaining_seconds"] < 0
    assert sla["resolution"] == {**sla["resolution"], "state": "paused", "remaining_seconds": None}


# --- the list ------------------------------------------------------------------------------


@pytest.fixture
def many(world, standard, file_ticket):
    """Tickets of both teams, priorities and requesters, with clocks in every state."""
    ServiceStandardFactory(team=world.hr, first_response_minutes=30, resolution_minutes=60)
    made = []
    for i in range(12):
        item = world.payslip if i % 3 == 2 else world.laptop
        requester = world.bob if i % 2 else world.alice
        made.append(file_ticket(requester=requester, item=item, priority=f"P{i % 4 + 1}", title=f"Ticket {i}"))
    return made


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [t["id"] for t in response.json()["results"]]


def _all_pages(client, url) -> list[int]:
    ids, seen = [], 0
    while url:
        response = client.get(url)
        ids += _ids(response)
        url = response.json()["next"]
        seen += 1
        assert seen < 50
    return ids


def test_the_list_is_newest_first_and_pages_with_a_cursor(many, client_for):
    client = client_for("admin")

    ids = _all_pages(client, "/api/v1/tickets/?page_size=5")

    assert ids == sorted((t.pk for t in many), reverse=True)


@pytest.mark.parametrize(("ordering", "key"), [
    ("created_at", lambda t: (t.created_at, t.pk)),
    ("-created_at", lambda t: (-t.created_at.timestamp(), -t.pk)),
    ("priority", lambda t: (t.priority, t.created_at, t.pk)),
    ("-updated_at", lambda t: (-t.updated_at.timestamp(), -t.pk)),
])
def test_every_ordering_pages_through_every_ticket_once(many, client_for, ordering, key):
    expected = [t.pk for t in sorted(Ticket.objects.all(), key=key)]

    ids = _all_pages(client_for("admin"), f"/api/v1/tickets/?ordering={ordering}&page_size=4")

    assert ids == expected


def test_previous_links_walk_back(many, client_for):
    client = client_for("admin")
    first = client.get("/api/v1/tickets/?ordering=priority&page_size=5").json()
    second = client.get(first["next"]).json()

    back = client.get(second["previous"]).json()

    assert [t["id"] for t in back["results"]] == [t["id"] for t in first["results"]]


def test_due_at_orders_by_the_next_running_due_time_with_undated_tickets_last(world, many, client_for):
    now = timezone.now()
    done = many[0]
    services.ticket_transition(ticket=done, to="open", actor=world.it_agent)
    services.ticket_transition(ticket=Ticket.objects.get(pk=done.pk), to="resolved", actor=world.it_agent)
    expected_dated = sorted(
        (t for t in Ticket.objects.exclude(pk=done.pk)), key=lambda t: (t.sla_due_at, t.pk)
    )

    ids = _all_pages(client_for("admin"), "/api/v1/tickets/?ordering=due_at&page_size=5")

    assert ids == [t.pk for t in expected_dated] + [done.pk]
    assert all(t.sla_due_at > now for t in expected_dated)
    descending = _all_pages(client_for("admin"), "/api/v1/tickets/?ordering=-due_at&page_size=5")
    assert descending == [t.pk for t in reversed(expected_dated)] + [done.pk]


def test_filters_combine(world, many, client_for):
    client = client_for("admin")
    tickets = Ticket.objects.all()

    assert set(_ids(client.get(f"/api/v1/tickets/?team={world.hr.pk}&page_size=200"))) == {
        t.pk for t in tickets if t.team_id == world.hr.pk}
    assert set(_ids(client.get("/api/v1/tickets/?priority=P1,P2&page_size=200"))) == {
        t.pk for t in tickets if t.priority in ("P1", "P2")}
    assert set(_ids(client.get(f"/api/v1/tickets/?requester={world.bob.pk}&status=new&page_size=200"))) == {
        t.pk for t in tickets if t.requester_id == world.bob.pk}
    assert _ids(client.get(f"/api/v1/tickets/?search={many[3].reference}")) == [many[3].pk]
    assert _ids(client.get("/api/v1/tickets/?search=Ticket 11")) == [many[11].pk]
    services.ticket_assign(ticket=many[0], assignee=world.it_agent, actor=world.it_lead)
    assert _ids(client.get(f"/api/v1/tickets/?assignee={world.it_agent.pk}")) == [many[0].pk]
    assert many[0].pk not in _ids(client.get("/api/v1/tickets/?assignee=none&page_size=200"))


@pytest.mark.parametrize(("role", "team", "sees"), [
    # A team one works in: all of its tickets.
    ("it_agent", "it", lambda t, w: t.team_id == w.it.pk),
    # A team one does not work in: only what one may see anyway (here: nothing).
    ("hr_agent", "it", lambda t, w: False),
    # A requester filtering by team: still only their own requests.
    ("alice", "it", lambda t, w: t.team_id == w.it.pk and t.requester_id == w.alice.pk),
    ("admin", "hr", lambda t, w: t.team_id == w.hr.pk),
])
def test_the_team_filter_never_widens_what_one_may_see(world, many, client_for, role, team, sees):
    team_id = getattr(world, team).pk

    listed = set(_ids(client_for(role).get(f"/api/v1/tickets/?team={team_id}&page_size=200")))

    assert listed == {t.pk for t in Ticket.objects.all() if sees(t, world)}
    assert listed or role == "hr_agent"


def test_sla_state_filters_at_risk_and_breached(world, many, client_for):
    now = timezone.now()
    at_risk, breached_running, breached_recorded = many[0], many[1], many[2]
    SLAClock.objects.filter(ticket=at_risk, kind="resolution").update(
        warn_at=now - dt.timedelta(minutes=1), due_at=now + dt.timedelta(minutes=5))
    SLAClock.objects.filter(ticket=breached_running, kind="first_response").update(
        warn_at=now - dt.timedelta(minutes=9), due_at=now - dt.timedelta(minutes=1))
    SLAClock.objects.filter(ticket=breached_recorded, kind="resolution").update(state="breached")
    # Edited behind the bookkeeping's back: bring the tickets' summaries along, as it would.
    ticket_summaries_refresh(ticket_ids=[at_risk.pk, breached_running.pk, breached_recorded.pk])
    client = client_for("admin")

    assert _ids(client.get("/api/v1/tickets/?sla_state=at_risk")) == [at_risk.pk]
    assert set(_ids(client.get("/api/v1/tickets/?sla_state=breached"))) == {breached_running.pk,
                                                                               breached_recorded.pk}


@pytest.mark.parametrize("role", ["admin", "it_agent", "alice"])
def test_the_list_costs_the_same_queries_whatever_the_page_size(world, standard, file_ticket, client_for,
                                                                  django_assert_max_num_queries, role):
    for i in range(30):
        ticket = file_ticket(title=f"T{i}")
        services.ticket_assign(ticket=ticket, assignee=world.it_agent, actor=world.it_lead)
    client = client_for(role)
    client.get("/api/v1/tickets/?page_size=1")  # warm the token

    # token + user's teams + tickets (with team and item) + the page's people + clocks
    with django_assert_max_num_queries(5):
        small = client.get("/api/v1/tickets/?page_size=2")
    with django_assert_max_num_queries(5):
        large = client.get("/api/v1/tickets/?page_size=30&ordering=due_at")

    assert len(small.json()["results"]) == 2
    assert len(large.json()["results"]) == 30
    assert all(t["assignee"] for t in large.json()["results"])
    # The requester gets no clocks (and the page does not read them for her).
    assert all((t["sla"] is None) if role == "alice" else t["sla"]["resolution"] for t in large.json()["results"])


# --- editing ------------------------------------------------------------------------------


def test_the_team_edits_title_description_and_priority_in_one_patch(world, ticket, client_for):
    response = client_for("it_agent").patch(
        f"/api/v1/tickets/{ticket.pk}/",
        {"title": "Laptop dead", "description": "No power at all.", "priority": "P1", "version": ticket.version},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title"], body["description"], body["priority"]) == ("Laptop dead", "No power at all.", "P1")
    assert body["version"] > ticket.version
    kinds = [e.kind for e in Ticket.objects.get(pk=ticket.pk).events.all()]
    assert "edited" in kinds and "priority" in kinds


def test_a_patch_without_version_is_refused(ticket, client_for):
    response = client_for("it_agent").patch(f"/api/v1/tickets/{ticket.pk}/", {"title": "X"}, format="json")

    assert response.status_code == 400
    assert "version" in response.json()["errors"]


# --- lifecycle ----------------------------------------------------------------------------


def test_transition_and_assign(world, ticket, client_for):
    client = client_for("it_lead")

    assigned = client.post(f"/api/v1/tickets/{ticket.pk}/assign/",
                           {"assignee": world.it_agent.pk, "version": ticket.version}, format="json")
    moved = client.post(f"/api/v1/tickets/{ticket.pk}/transition/",
                        {"to": "resolved", "comment": "Fixed.", "version": assigned.json()["version"]},
                        format="json")
    unassigned = client.post(f"/api/v1/tickets/{ticket.pk}/assign/",
                             {"assignee": None, "version": moved.json()["version"]}, format="json")

    assert assigned.json()["assignee"]["id"] == world.it_agent.pk
    assert moved.status_code == 200 and moved.json()["status"] == "resolved"
    assert moved.json()["sla"]["resolution"]["state"] == "met"
    assert unassigned.json()["assignee"] is None


def test_escalations_appear_in_the_events(world, ticket, client_for):
    from sla.scanner import sla_scan

    sla_scan(now=timezone.now() + dt.timedelta(days=2))

    events = client_for("alice").get(f"/api/v1/tickets/{ticket.pk}/events/").json()

    escalations = [e for e in events if e["kind"] == "escalation"]
    assert {step for e in escalations for step in e["data"]["steps"]} >= {"warning", "breach"}
    assert all(e["actor"] is None for e in escalations)


def test_replies_and_files(world, ticket, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for("alice")
    reply = client.post(f"/api/v1/tickets/{ticket.pk}/comments/", {"body": "Thanks!"}, format="json")
    upload = client.post(f"/api/v1/tickets/{ticket.pk}/attachments/",
                         {"file": SimpleUploadedFile("log.txt", b"boot log")}, format="multipart")

    assert reply.status_code == 201 and reply.json()["internal"] is False
    assert upload.status_code == 201
    assert upload.json()[0]["name"] == "log.txt" and upload.json()[0]["size"] == 8
    assert [f["name"] for f in client.get(f"/api/v1/tickets/{ticket.pk}/attachments/").json()] == ["log.txt"]


def test_a_listed_ticket_reads_the_same_as_the_ticket_itself(world, standard, file_ticket, client_for):
    # The list builds tickets from plain rows, one ticket from its model: one shape.
    world.it_agent.first_name, world.it_agent.last_name = "Wei", "Zhang"
    world.it_agent.save()
    assigned = file_ticket(title="Assigned, paused", fields={"asset_tag": "LT-7", "count": 3})
    services.ticket_assign(ticket=assigned, assignee=world.it_agent, actor=world.it_lead)
    services.ticket_transition(ticket=assigned, to="pending", actor=world.it_agent)
    unassigned = file_ticket(title="Unassigned")
    client = client_for("it_agent")

    listed = {t["id"]: t for t in client.get("/api/v1/tickets/?ordering=due_at").json()["results"]}

    for ticket in (assigned, unassigned):
        alone = client.get(f"/api/v1/tickets/{ticket.pk}/").json()
        for body in (alone, listed[ticket.pk]):
            for clock in body["sla"].values():
                if clock and clock["remaining_seconds"] is not None:
                    clock["remaining_seconds"] = "ticking"  # read a moment apart
        assert listed[ticket.pk] == alone
    assert listed[assigned.pk]["assignee"] == {"id": world.it_agent.pk, "username": world.it_agent.username,
                                               "display_name": "Wei Zhang"}
    assert listed[assigned.pk]["sla"]["first_response"]["state"] == "paused"
    assert listed[unassigned.pk]["assignee"] is None


def test_a_filed_ticket_is_inserted_once_with_its_sla_summary(world, standard, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client_for("alice").post("/api/v1/tickets/", laptop_payload(world), format="json")

    assert response.status_code == 201
    writes = [q["sql"].split(" (")[0] for q in ctx.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]
    # Every index of the ticket table is written once: no update right after the insert.
    assert writes.count('INSERT INTO "tickets_ticket"') == 1
    assert not [w for w in writes if w.startswith('UPDATE "tickets_ticket"')]
    ticket = Ticket.objects.get(pk=response.json()["id"])
    first, resolution = ticket.sla_clocks.order_by("kind")
    assert first.started_at == ticket.created_at
    assert ticket.sla_due_at == min(first.due_at, resolution.due_at)
    assert ticket.sla_warn_at == min(first.warn_at, resolution.warn_at)
    assert list(ticket.events.values_list("kind", flat=True).order_by("id")) == ["created", "sla"]


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "America/New_York", "Asia/Kolkata"])
def test_times_are_written_exactly_as_drf_writes_them(zone):
    # The list formats hundreds of times per page without DRF's field; the text must
    # be the field's to the character ("Z" for UTC, the zone's offset otherwise).
    import zoneinfo

    from rest_framework import serializers

    from tickets.api.serializers import _formatter

    tz = zoneinfo.ZoneInfo(zone)
    values = [
        dt.datetime(2026, 9, 25, 9, 45, tzinfo=dt.UTC),
        dt.datetime(2026, 9, 25, 9, 45, 1, 123456, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 8, 6, 59, 59, tzinfo=dt.UTC),  # around New York's DST change
        dt.datetime(2026, 3, 8, 7, 0, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        dt.datetime(2026, 10, 1, 0, 0),  # naive: DRF makes it aware in the zone
    ]
    with timezone.override(tz):
        when = _formatter()
        field = serializers.DateTimeField(default_timezone=tz)
        assert [when(v) for v in values] == [field.to_representation(v) for v in values]
        assert when(None) is None


def test_the_list_reads_clocks_by_ticket_in_kind_order(world, standard, file_ticket):
    from tickets.api.selectors import CLOCK_ROW, api_ticket_clocks

    first, second = file_ticket(title="One"), file_ticket(title="Two")
    clocks = api_ticket_clocks(ticket_ids=[first.pk, second.pk])

    assert set(clocks) == {first.pk, second.pk}
    for ticket in (first, second):
        expected = list(ticket.sla_clocks.order_by("kind").values_list(*CLOCK_ROW))
        assert [tuple(c) for c in clocks[ticket.pk]] == expected
        assert [c.kind for c in clocks[ticket.pk]] == ["first_response", "resolution"]
        assert all(c.due_at.utcoffset() is not None for c in clocks[ticket.pk])
    assert api_ticket_clocks(ticket_ids=[]) == {}


@pytest.mark.parametrize("sign_in", ["token", "session"])
def test_times_carry_the_users_own_offset_however_they_sign_in(world, ticket, client_for, sign_in):
    from rest_framework.test import APIClient

    # Given an agent whose profile is in Shanghai time, and a lead in New York
    world.it_agent.timezone = "Asia/Shanghai"
    world.it_agent.save()
    world.it_lead.timezone = "America/New_York"
    world.it_lead.save()

    def read(user):
        if sign_in == "token":
            client = client_for(user)
        else:
            client = APIClient()
            client.force_login(user)
        listed = client.get(f"/api/v1/tickets/?team={world.it.pk}").json()["results"][0]
        return client.get(f"/api/v1/tickets/{ticket.pk}/").json(), listed

    # Then each reads their own offset in a ticket and in a list: the same instants
    (one, listed), (ny_one, ny_listed) = read(world.it_agent), read(world.it_lead)
    assert one["created_at"].endswith("+08:00") and listed["created_at"].endswith("+08:00")
    assert one["sla"]["first_response"]["due_at"].endswith("+08:00")
    # New York's offset on the day the ticket was filed: -05:00 in winter, -04:00 in summer
    ny_offset = ticket.created_at.astimezone(zoneinfo.ZoneInfo("America/New_York")).isoformat()[-6:]
    assert ny_one["created_at"].endswith(ny_offset) and ny_listed["created_at"].endswith(ny_offset)
    assert parse_datetime(one["created_at"]) == parse_datetime(ny_one["created_at"]) == ticket.created_at


def test_a_token_users_messages_are_in_their_profile_language_unless_the_client_asks(world, client_for):
    world.alice.language = "zh-hant"
    world.alice.save()
    client = client_for("alice")
    bad = {"service_item": world.laptop.pk, "title": "Laptop", "fields": {}}

    in_profile_language = client.post("/api/v1/tickets/", bad, format="json")
    asked_for_english = client.post("/api/v1/tickets/", bad, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert in_profile_language.status_code == asked_for_english.status_code == 400
    assert in_profile_language.json()["errors"]["fields.asset_tag"] == ["此欄位為必填。"]
    assert asked_for_english.json()["errors"]["fields.asset_tag"] == ["This field is required."]


def test_search_finds_titles_descriptions_and_replies_in_either_chinese_script(world, file_ticket, client_for):
    title = file_ticket(title="屏幕闪烁")
    description = file_ticket(title="Display", description="顯示器閃爍不停")
    replied = file_ticket(title="Other")
    services.comment_create(ticket=replied, author=world.it_agent, body="已更换闪烁的线缆")
    file_ticket(title="无关")
    client = client_for("it_agent")
    for query in ("闪烁", "閃爍"):
        assert set(_ids(client.get(f"/api/v1/tickets/?search={query}"))) == {title.pk, description.pk, replied.pk}
