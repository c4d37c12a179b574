"""Hostile values sent to every write endpoint of objects that exist (the fuzzer mostly
meets ids that do not): always a 4xx, never a 5xx."""

import pytest

from tests.factories import CalendarFactory, ServiceStandardFactory

NASTY = [
    None, True, -1, 0, 2**63, 2**64, 10**30, 1.5, -1e308, "", " ", "\x00", "a\x00b", "x" * 100_000, "日本語",
    "1e5000", "NaN", "2026-13-45", "24:61", [], [None], [{}], {}, {"a": {"b": {"c": [1, 2, {"d": None}]}}},
]

ENDPOINTS = [
    ("patch", "/api/v1/tickets/{ticket}/", ["title", "description", "priority", "version"]),
    ("post", "/api/v1/tickets/", ["service_item", "title", "description", "priority", "fields"]),
    ("post", "/api/v1/tickets/{ticket}/comments/", ["body", "internal", "version"]),
    ("post", "/api/v1/tickets/{ticket}/transition/", ["to", "comment", "version"]),
    ("post", "/api/v1/tickets/{ticket}/assign/", ["assignee", "version"]),
    ("post", "/api/v1/notifications/mark-read/", ["ids"]),
    ("patch", "/api/v1/sla/calendars/{calendar}/", ["name", "timezone", "working_hours", "holidays",
                                                    "extra_working_days", "extra_day_weekday"]),
    ("post", "/api/v1/sla/calendars/{calendar}/import-holidays/", ["country", "year", "subdiv"]),
    ("patch", "/api/v1/sla/policies/{standard}/", ["name", "team", "category", "service_item", "priority",
                                                   "calendar", "first_response_minutes", "resolution_minutes",
                                                   "warning_percent", "escalation_chain"]),
    ("post", "/api/v1/sla/escalation-chains/", ["name", "levels"]),
    ("post", "/api/v1/sla/simulate/", ["calendar", "policy", "start", "minutes", "priority"]),
    ("post", "/api/v1/webhooks/", ["url", "events", "name", "active"]),
    ("post", "/api/v1/auth/token/", ["username", "password"]),
]

VALID = {
    "/api/v1/tickets/": lambda o: {"service_item": o["laptop"], "title": "T", "fields": {"asset_tag": "A"}},
    "/api/v1/tickets/{ticket}/transition/": lambda o: {"to": "pending", "version": o["version"]},
    "/api/v1/tickets/{ticket}/assign/": lambda o: {"assignee": o["agent"], "version": o["version"]},
    "/api/v1/tickets/{ticket}/comments/": lambda o: {"body": "hello"},
    "/api/v1/tickets/{ticket}/": lambda o: {"version": o["version"]},
    "/api/v1/sla/simulate/": lambda o: {"calendar": o["calendar"], "start": "2026-09-25T17:45:00+08:00",
                                        "minutes": 30},
    "/api/v1/sla/escalation-chains/": lambda o: {"name": "C", "levels": [{"order": 1, "notify_lead": True}]},
    "/api/v1/webhooks/": lambda o: {"url": "https://h.example.com", "events": ["ticket.created"]},
    "/api/v1/sla/calendars/{calendar}/import-holidays/": lambda o: {"country": "CN", "year": 2026},
}


@pytest.mark.parametrize(("method", "path", "fields"), ENDPOINTS, ids=[f"{m} {p}" for m, p, _f in ENDPOINTS])
def test_hostile_values_are_refused_not_crashed_on(world, ticket, client_for, method, path, fields):
    calendar = CalendarFactory(name="24x7")
    standard = ServiceStandardFactory(team=world.hr, calendar=calendar)
    objects = {"ticket": ticket.pk, "calendar": calendar.pk, "standard": standard.pk}
    client = client_for("admin")
    url = path.format(**objects)
    base = VALID.get(path, lambda o: {})(
        {"laptop": world.laptop.pk, "agent": world.it_agent.pk, "calendar": calendar.pk, "version": ticket.version}
    )

    failures = []
    for field in fields:
        for value in NASTY:
            response = getattr(client, method)(url, {**base, field: value}, format="json")
            if response.status_code >= 500:
                failures.append((field, repr(value)[:40], response.status_code))
            base_version = client.get(f"/api/v1/tickets/{ticket.pk}/").json()["version"]
            if "version" in base:
                base["version"] = base_version

    assert failures == []
