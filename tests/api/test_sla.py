"""Business calendars, service standards, escalation chains and the simulator over the API."""

import pytest

from sla.models import BusinessCalendar, EscalationChain, ServiceStandard, StandardChange
from tests.factories import CalendarFactory

SHANGHAI = {
    "name": "Shanghai office",
    "timezone": "Asia/Shanghai",
    "working_hours": [{"weekday": d, "start": "09:00", "end": "18:00"} for d in range(5)],
    "holidays": [{"date": "2026-10-01", "end_date": "2026-10-07", "name": "National Day"}],
    "extra_working_days": [{"date": "2026-10-10", "name": "National Day make-up"}],
}


@pytest.fixture
def shanghai(world, client_for):
    response = client_for("admin").post("/api/v1/sla/calendars/", SHANGHAI, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_calendar_round_trips(shanghai):
    assert shanghai["timezone"] == "Asia/Shanghai"
    assert shanghai["working_hours"][0] == {"weekday": 0, "start": "09:00", "end": "18:00"}
    assert shanghai["holidays"] == SHANGHAI["holidays"]
    assert shanghai["extra_working_days"] == SHANGHAI["extra_working_days"]
    assert StandardChange.objects.filter(object_type="calendar", action="created").count() == 1


def test_patching_a_calendar_keeps_the_lists_left_out(shanghai, client_for):
    response = client_for("admin").patch(f"/api/v1/sla/calendars/{shanghai['id']}/",
                                         {"name": "Shanghai HQ", "holidays": []}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Shanghai HQ" and body["holidays"] == []
    assert body["working_hours"] == shanghai["working_hours"]
    assert body["extra_working_days"] == shanghai["extra_working_days"]


@pytest.mark.parametrize(("change", "field"), [
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"working_hours": [{"weekday": 7, "start": "09:00", "end": "18:00"}]}, "working_hours.0.weekday"),
    ({"working_hours": [{"weekday": 0, "start": "18:00", "end": "09:00"}]}, "working_hours"),
    ({"working_hours": [{"weekday": 0, "start": "9am", "end": "18:00"}]}, "working_hours.0.start"),
    ({"working_hours": []}, "working_hours"),
    ({"holidays": [{"date": "2026-10-07", "end_date": "2026-10-01"}]}, "holidays"),
    ({"holidays": [{"date": "0001-01-01", "end_date": "9999-12-31"}]}, "holidays.0.date"),
    ({"name": ""}, "name"),
])
def test_a_bad_calendar_is_refused_field_by_field_and_nothing_is_stored(world, client_for, change, field):
    response = client_for("admin").post("/api/v1/sla/calendars/", {**SHANGHAI, **change}, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert not BusinessCalendar.objects.exists()


def test_the_simulator_skips_the_weekend_in_the_calendars_zone(shanghai, client_for):
    response = client_for("admin").post(
        "/api/v1/sla/simulate/",
        {"calendar": shanghai["id"], "start": "2026-09-25T17:45:00+08:00", "minutes": 30}, format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["due_at"] == "2026-09-28T09:15:00+08:00"
    assert response.json()["timezone"] == "Asia/Shanghai"


def test_a_start_without_offset_is_read_in_the_calendars_zone(shanghai, client_for):
    response = client_for("admin").post(
        "/api/v1/sla/simulate/", {"calendar": shanghai["id"], "start": "2026-09-25T17:45:00", "minutes": 30},
        format="json",
    )

    assert response.json()["due_at"] == "2026-09-28T09:15:00+08:00"


def test_the_simulator_skips_holidays_and_works_make_up_days(shanghai, client_for):
    client = client_for("admin")

    def due(start):
        return client.post("/api/v1/sla/simulate/", {"calendar": shanghai["id"], "start": start, "minutes": 60},
                           format="json").json()["due_at"]

    # 30 minutes on Wednesday the 30th, the National Day week off, the rest on Thursday the 8th.
    assert due("2026-09-30T17:30:00+08:00") == "2026-10-08T09:30:00+08:00"
    # 30 minutes on Friday the 9th, the rest on the make-up Saturday.
    assert due("2026-10-09T17:30:00+08:00") == "2026-10-10T09:30:00+08:00"


def test_a_service_standard_gives_both_due_times(world, shanghai, client_for):
    admin = client_for("admin")
    standard = admin.post("/api/v1/sla/policies/", {
        "name": "IT standard", "team": world.it.pk, "calendar": shanghai["id"], "priority": "P2",
        "first_response_minutes": 30, "resolution_minutes": 540,
    }, format="json").json()

    response = client_for("it_agent").post(
        "/api/v1/sla/simulate/", {"policy": standard["id"], "priority": "P2", "start": "2026-09-25T17:45:00+08:00"},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["first_response_due"] == "2026-09-28T09:15:00+08:00"
    assert body["resolution_due"] == "2026-09-28T17:45:00+08:00"


@pytest.mark.parametrize(("payload", "field"), [
    ({"start": "2026-09-25T17:45:00+08:00", "minutes": 30}, "calendar"),
    ({"calendar": "shanghai", "start": "2026-09-25T17:45:00+08:00"}, "minutes"),
    ({"calendar": "shanghai", "start": "not a time", "minutes": 30}, "start"),
    ({"calendar": "shanghai", "start": "9999-12-31T23:00:00+00:00", "minutes": 30}, "start"),
    ({"calendar": "shanghai", "start": "2026-09-25T17:45:00+08:00", "minutes": -1}, "minutes"),
    ({"calendar": "shanghai", "start": "2026-09-25T17:45:00+08:00", "minutes": 10**9}, "minutes"),
    ({"calendar": 10**30, "start": "2026-09-25T17:45:00+08:00", "minutes": 1}, "calendar"),
])
def test_bad_simulations_name_the_field(shanghai, client_for, payload, field):
    payload = {k: shanghai["id"] if v == "shanghai" else v for k, v in payload.items()}

    # A service admin, who may read every calendar (a requester may read none).
    response = client_for("admin").post("/api/v1/sla/simulate/", payload, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_editing_a_service_standard_writes_its_next_version(world, client_for):
    calendar = CalendarFactory()
    admin = client_for("admin")
    created = admin.post("/api/v1/sla/policies/", {
        "name": "IT", "team": world.it.pk, "calendar": calendar.pk, "first_response_minutes": 60,
        "resolution_minutes": 480,
    }, format="json").json()

    edited = admin.patch(f"/api/v1/sla/policies/{created['id']}/", {"resolution_minutes": 600}, format="json")
    listed = admin.get("/api/v1/sla/policies/").json()
    stale = admin.patch(f"/api/v1/sla/policies/{created['id']}/", {"resolution_minutes": 700}, format="json")
    retired = admin.delete(f"/api/v1/sla/policies/{edited.json()['id']}/")

    assert edited.status_code == 200
    assert edited.json()["version"] == 2 and edited.json()["id"] != created["id"]
    assert [s["id"] for s in listed] == [edited.json()["id"]]
    assert stale.status_code == 409
    assert retired.status_code == 204
    assert not ServiceStandard.objects.filter(is_current=True).exists()
    assert admin.get("/api/v1/sla/policies/").json() == []


@pytest.mark.parametrize(("change", "field"), [
    ({"first_response_minutes": 0}, "first_response_minutes"),
    ({"resolution_minutes": 10}, "resolution_minutes"),
    ({"warning_percent": 100}, "warning_percent"),
    ({"team": 999_999}, "team"),
    ({"priority": "urgent"}, "priority"),
    ({"service_item": "payslip"}, "service_item"),
])
def test_a_bad_service_standard_names_the_field(world, client_for, change, field):
    calendar = CalendarFactory()
    payload = {"name": "IT", "team": world.it.pk, "calendar": calendar.pk, "first_response_minutes": 60,
               "resolution_minutes": 480, **change}
    if payload.get("service_item") == "payslip":
        payload["service_item"] = world.payslip.pk  # an HR item on an IT standard

    response = client_for("admin").post("/api/v1/sla/policies/", payload, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not ServiceStandard.objects.exists()


def test_an_escalation_chain_with_levels(world, client_for):
    admin = client_for("admin")
    created = admin.post("/api/v1/sla/escalation-chains/", {
        "name": "IT escalation",
        "levels": [
            {"order": 1, "trigger": "percent", "percent": 75, "notify_lead": True},
            {"order": 2, "trigger": "after_breach", "delay_minutes": 30, "notify_users": [world.admin.pk],
             "reassign": "team", "reassign_team": world.hr.pk},
        ],
    }, format="json")

    assert created.status_code == 201, created.content
    levels = created.json()["levels"]
    assert [level["order"] for level in levels] == [1, 2]
    assert levels[1]["notify_users"] == [world.admin.pk] and levels[1]["reassign_team"] == world.hr.pk

    renamed = admin.patch(f"/api/v1/sla/escalation-chains/{created.json()['id']}/", {"name": "IT chain"},
                          format="json")
    assert renamed.json()["name"] == "IT chain" and len(renamed.json()["levels"]) == 2

    bad = admin.post("/api/v1/sla/escalation-chains/", {
        "name": "Broken", "levels": [{"order": 1, "trigger": "percent", "percent": 50}]}, format="json")
    assert bad.status_code == 400 and "levels" in bad.json()["errors"]
    assert EscalationChain.objects.count() == 1


def test_importing_public_holidays(shanghai, client_for):
    response = client_for("admin").post(f"/api/v1/sla/calendars/{shanghai['id']}/import-holidays/",
                                        {"country": "CN", "year": 2026}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["added"] > 0
    assert len(response.json()["calendar"]["holidays"]) > 1
