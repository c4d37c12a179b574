"""Bad input to every write endpoint is a specific 4xx with a JSON body that says what
was wrong, never a 5xx and never the HTML error page.

* a body the parser cannot read (nested 1,000 levels deep, not UTF-8, truncated JSON,
  too large) → 400 with `detail`;
* a body of a type the endpoint does not read → 415 with `detail`;
* a value of the wrong type, a control character in a one-line field, a NUL → 400 with
  `errors` naming the field;
* hostile values in every field → a success or a 400 naming the field.

The endpoints are read from the OpenAPI schema, so a new write endpoint is covered (or
this test fails until it says which object its `{id}` is)."""

import pytest
from axes.utils import reset as axes_reset
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from feedback.services import feedback_create
from knowledge import services as kb
from problems.services import problem_create, problem_update
from reports.definitions import quarter_start
from reviews.services import review_open
from sla.models import EscalationChain, EscalationLevel
from surveys.selectors import current_invite, invite_token
from tests.factories import CalendarFactory, ServiceStandardFactory, survey_defaults_row
from tickets import services
from tickets.models import Comment, Ticket
from webhooks.models import WebhookEndpoint

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
    ("post", "/api/v1/feedback/", ["team", "kind", "text", "anonymous"]),
    ("post", "/api/v1/feedback/{feedback}/answer/", ["answer", "status", "note"]),
    ("post", "/api/v1/kb/articles/{article}/solved/", ["filing_session", "service_item"]),
    ("post", "/api/v1/problems/", ["team", "title", "symptoms", "root_cause", "workaround", "priority", "ticket"]),
    ("patch", "/api/v1/problems/{problem}/", ["title", "symptoms", "root_cause", "workaround", "priority", "status",
                                               "version"]),
    ("post", "/api/v1/problems/{problem}/incidents/", ["ticket", "version"]),
    ("post", "/api/v1/problems/{problem}/resolve/", ["summary", "versions"]),
    ("post", "/api/v1/problems/{problem}/send-workaround/", ["version"]),
    ("post", "/api/v1/kb/articles/", ["title", "body", "language", "team", "visibility", "category",
                                      "service_items", "tags", "review_by"]),
    ("patch", "/api/v1/kb/articles/{article}/", ["title", "body", "language", "team", "visibility", "category",
                                                 "service_items", "tags", "review_by"]),
    ("post", "/api/v1/kb/articles/{article}/feedback/", ["helpful", "outdated", "comment", "language"]),
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
    "/api/v1/auth/token/": lambda o: {"username": "alice", "password": "not her password"},
    "/api/v1/feedback/": lambda o: {"team": o["team"], "kind": "praise", "text": "Thanks"},
    "/api/v1/feedback/{feedback}/answer/": lambda o: {"answer": "Thanks"},
    "/api/v1/kb/articles/{article}/solved/": lambda o: {"filing_session": "6f1c1c52-3a4e-4f7e-9a51-0c2f6a1d2b3c"},
    "/api/v1/problems/": lambda o: {"team": o["team"], "title": "Mail outage"},
    "/api/v1/problems/{problem}/": lambda o: {"version": o["problem_version"]},
    "/api/v1/problems/{problem}/incidents/": lambda o: {"ticket": o["ticket"]},
    "/api/v1/kb/articles/": lambda o: {"title": "T", "language": "en", "team": o["team"]},
    "/api/v1/kb/articles/{article}/feedback/": lambda o: {"helpful": True},
}
# Well-formed credentials that do not sign in are refused as a whole, not by field.
WHOLE_BODY_REFUSALS = {"/api/v1/auth/token/": "Unable to sign in with these credentials."}


def _published_article(world):
    article = kb.article_create(actor=world.it_agent, team=world.it, language="en", title="VPN", body="Steps.")
    kb.article_submit(article=article, actor=world.it_agent)
    return kb.article_publish(article=article, actor=world.it_lead)


def assert_names_the_field(response, field):
    assert response.status_code == 400, (field, response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["detail"]
    assert any(key == field or key.startswith(f"{field}.") for key in body["errors"]), (field, body)


@pytest.mark.parametrize(("method", "path", "fields"), ENDPOINTS, ids=[f"{m} {p}" for m, p, _f in ENDPOINTS])
def test_hostile_values_are_accepted_or_refused_by_name(world, ticket, client_for, method, path, fields):
    calendar = CalendarFactory(name="24x7")
    standard = ServiceStandardFactory(team=world.hr, calendar=calendar)
    feedback = feedback_create(sender=world.bob, team=world.it, kind="complaint", text="Slow")
    problem = problem_create(actor=world.admin, team=world.it, title="Mail server rejects mail")
    objects = {"ticket": ticket.pk, "calendar": calendar.pk, "standard": standard.pk, "feedback": feedback.pk,
               "problem": problem.pk,
               "article": _published_article(world).pk}
    client = client_for("admin")
    url = path.format(**objects)
    base = VALID.get(path, lambda o: {})(
        {"laptop": world.laptop.pk, "agent": world.it_agent.pk, "calendar": calendar.pk, "version": ticket.version,
         "team": world.it.pk, "ticket": ticket.pk, "problem_version": problem.version}
    )

    failures = []
    for field in fields:
        for value in NASTY:
            if path == "/api/v1/auth/token/":
                axes_reset()  # each value is a failed sign-in: this test is about input, not the lock
            response = getattr(client, method)(url, {**base, field: value}, format="json")
            if response.status_code in (200, 201):
                if path == "/api/v1/sla/policies/{standard}/":  # an edit is a new version, with a new id
                    url = path.format(**{**objects, "standard": response.json()["id"]})
                if path == "/api/v1/problems/{problem}/resolve/":  # resolved: reopened for the next value
                    problem_update(problem=problem, actor=world.admin, status="investigating")
            elif response.status_code != 400 or response.json().get("detail") != WHOLE_BODY_REFUSALS.get(path):
                try:
                    assert_names_the_field(response, field)
                except (AssertionError, ValueError, KeyError):
                    failures.append((field, repr(value)[:40], response.status_code, response.content[:120]))
            base_version = client.get(f"/api/v1/tickets/{ticket.pk}/").json()["version"]
            if path == "/api/v1/problems/{problem}/":  # the problem's own version
                base_version = client.get(url).json()["version"]
            if "version" in base:
                base["version"] = base_version

    assert failures == []


# --- bodies the parser cannot read, on every write endpoint ----------------------------------


def write_endpoints():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method, path, sorted(operation.get("requestBody", {}).get("content", {})))
        for path, operations in schema["paths"].items() if path.startswith("/api/v1/")
        for method, operation in operations.items() if method in ("post", "patch", "put")
    )


WRITES = write_endpoints()
JSON_WRITES = [(m, p) for m, p, types in WRITES if "application/json" in types]
NESTED = b"[" * 1000 + b"]" * 1000  # 2 KB


@pytest.fixture
def reach(world, ticket):
    """`reach(path)` → the path with `{id}` filled with an object of its kind, and a client
    that may write to it (anonymous for the token endpoint)."""
    calendar = CalendarFactory(name="Round the clock")
    chain = EscalationChain.objects.create(name="IT chain")
    EscalationLevel.objects.create(chain=chain, order=1, notify_lead=True)
    objects = {
        "/api/v1/tickets/": ticket.pk,
        "/api/v1/sla/calendars/": calendar.pk,
        "/api/v1/sla/policies/": ServiceStandardFactory(team=world.hr, calendar=calendar).pk,
        "/api/v1/sla/escalation-chains/": chain.pk,
        "/api/v1/problems/": problem_create(actor=world.admin, team=world.it, title="Mail outage").pk,
        "/api/v1/webhooks/": WebhookEndpoint.objects.create(url="https://h.example.com", events=["ticket.created"],
                                                            secret="s" * 40).pk,
        "/api/v1/feedback/": feedback_create(sender=world.bob, team=world.it, kind="complaint", text="Slow").pk,
        "/api/v1/kb/articles/": _published_article(world).pk,
    }
    # This quarter's open review of the service standards, with an item for IT's standard.
    it_standard = ServiceStandardFactory(team=world.it, calendar=CalendarFactory(name="IT hours"))
    review = review_open(actor=world.admin, quarter=quarter_start(timezone.localdate()))
    objects["/api/v1/reviews/"] = review.pk
    item = review.items.get(standard=it_standard).pk

    def _reach(path):
        anonymous = path == "/api/v1/auth/token/"
        if "{token}" in path:  # a satisfaction survey's link: alice's resolved ticket's, answered signed out
            survey_defaults_row()
            services.ticket_transition(ticket=ticket, to="resolved", actor=world.it_agent)
            path = path.replace("{token}", invite_token(current_invite(ticket=ticket)))
            anonymous = True
        if "{id}" in path:
            prefix = path.split("{id}")[0]
            path = path.replace("{id}", str(objects[prefix]))  # KeyError: say which object a new path needs
            path = path.replace("{item_id}", str(item))
        client = APIClient()
        if not anonymous:
            client.force_authenticate(world.admin)
        return client, path

    return _reach


def send(client, method, path, body: bytes, content_type="application/json"):
    return client.generic(method.upper(), path, body, content_type=content_type)


def assert_bad_request(response, *, status=400, says=""):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    detail = response.json()["detail"]
    assert says.lower() in detail.lower(), detail


BODIES = {
    "nested 1,000 levels": (NESTED, "nested too deeply"),
    "nested 1,000 levels in an object": (b'{"title": ' + NESTED + b"}", "nested too deeply"),
    "invalid UTF-8": (b'{"title": "\xff\xfe caf\xe9"}', "UTF-8"),
    "truncated JSON": (b'{"title": "Screen fli', "not valid JSON"),
    "NaN": (b'{"title": NaN}', "not valid JSON"),
}


@pytest.mark.parametrize("case", list(BODIES))
@pytest.mark.parametrize(("method", "path"), JSON_WRITES, ids=[f"{m} {p}" for m, p in JSON_WRITES])
def test_a_body_the_parser_cannot_read_is_a_400(reach, method, path, case):
    client, url = reach(path)
    body, says = BODIES[case]

    assert_bad_request(send(client, method, url, body), says=says)


@pytest.mark.parametrize(("method", "path"), JSON_WRITES, ids=[f"{m} {p}" for m, p in JSON_WRITES])
def test_a_body_over_the_upload_limit_is_a_json_400(reach, settings, method, path):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client, url = reach(path)

    response = send(client, method, url, b'{"title": "' + b"x" * 2000 + b'"}')

    assert_bad_request(response, says="too large")


@pytest.mark.parametrize(("method", "path", "types"), WRITES, ids=[f"{m} {p}" for m, p, _t in WRITES])
def test_a_body_of_a_type_the_endpoint_does_not_read_is_a_415(reach, method, path, types):
    client, url = reach(path)
    assert types in (["application/json"], ["multipart/form-data"])  # no form-encoded API bodies

    response = send(client, method, url, b"title=Screen", content_type="application/x-www-form-urlencoded")

    assert_bad_request(response, status=415, says="unsupported media type")


def test_the_upload_endpoint_refuses_a_json_body_with_415(reach):
    client, url = reach("/api/v1/tickets/{id}/attachments/")

    assert_bad_request(send(client, "post", url, NESTED), status=415, says="unsupported media type")


# --- one-line fields, control characters and NULs ---------------------------------------------


def test_a_title_with_line_breaks_and_tabs_is_stored_on_one_line(world, client_for):
    response = client_for("alice").post("/api/v1/tickets/", {
        "service_item": world.laptop.pk, "title": "Screen\r\nflickers \t\u2028 badly\n",
        "description": "Line one\r\nLine two\rLine three", "fields": {"asset_tag": "LT-1"}}, format="json")

    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get()
    assert ticket.title == "Screen flickers badly"
    assert ticket.description == "Line one\nLine two\nLine three"


def test_an_edited_title_with_a_line_break_is_stored_on_one_line(ticket, client_for):
    response = client_for("it_agent").patch(f"/api/v1/tickets/{ticket.pk}/",
                                            {"title": "Laptop\r\ndoes not boot", "version": ticket.version},
                                            format="json")

    assert response.status_code == 200, response.content
    assert Ticket.objects.get(pk=ticket.pk).title == "Laptop does not boot"


@pytest.mark.parametrize("title", ["a\x00b", "\x1b[31mred", "bell\x07", "del\x7f", "c1\x9b"])
def test_a_title_with_another_control_character_is_refused(world, client_for, title):
    response = client_for("alice").post("/api/v1/tickets/", {
        "service_item": world.laptop.pk, "title": title, "fields": {"asset_tag": "LT-1"}}, format="json")

    assert_names_the_field(response, "title")
    assert Ticket.objects.count() == 0


def test_a_reply_keeps_its_lines_and_loses_its_nuls_and_control_characters(ticket, client_for):
    response = client_for("alice").post(f"/api/v1/tickets/{ticket.pk}/comments/",
                                        {"body": "Hello\r\n\tworld\x00\x1b[0m\x07!"}, format="json")

    assert response.status_code == 201, response.content
    assert Comment.objects.latest("id").body == "Hello\n\tworld[0m!"


@pytest.mark.parametrize(("method", "path", "payload", "field"), [
    ("post", "/api/v1/sla/escalation-chains/", {"name": "Two\nlines\x1b", "levels": []}, "name"),
    ("patch", "/api/v1/webhooks/{id}/", {"name": "hook\x1b"}, "name"),
    ("patch", "/api/v1/sla/calendars/{id}/", {"holidays": [{"date": "2026-10-01", "name": "Day\x07"}]},
     "holidays.0.name"),
    ("patch", "/api/v1/sla/policies/{id}/", {"name": "Gold\x00"}, "name"),
    ("post", "/api/v1/auth/token/", {"username": "alice\x00", "password": "x"}, "username"),
])
def test_control_characters_in_other_one_line_fields_are_refused(reach, method, path, payload, field):
    client, url = reach(path)

    assert_names_the_field(send_json(client, method, url, payload), field)


def send_json(client, method, url, payload):
    return getattr(client, method)(url, payload, format="json")


# --- wrong types -----------------------------------------------------------------------------------


WRONG_TYPES = [
    ("post", "/api/v1/tickets/", {"title": 123}, "title"),
    ("post", "/api/v1/tickets/", {"description": ["a"]}, "description"),
    ("post", "/api/v1/tickets/", {"service_item": "1"}, "service_item"),
    ("post", "/api/v1/tickets/", {"priority": 2}, "priority"),
    ("patch", "/api/v1/tickets/{id}/", {"title": 12.5, "version": 1}, "title"),
    ("patch", "/api/v1/tickets/{id}/", {"title": "T", "version": "1"}, "version"),
    ("patch", "/api/v1/tickets/{id}/", {"title": "T", "version": 1.0}, "version"),
    ("post", "/api/v1/tickets/{id}/comments/", {"body": 42}, "body"),
    ("post", "/api/v1/tickets/{id}/comments/", {"body": "x", "internal": "true"}, "internal"),
    ("post", "/api/v1/tickets/{id}/comments/", {"body": "x", "internal": 1}, "internal"),
    ("post", "/api/v1/tickets/{id}/transition/", {"to": "pending", "comment": False}, "comment"),
    ("post", "/api/v1/tickets/{id}/assign/", {"assignee": True}, "assignee"),
    ("post", "/api/v1/tickets/{id}/assign/", {"assignee": "3"}, "assignee"),
    ("post", "/api/v1/notifications/mark-read/", {"ids": ["1"]}, "ids"),
    ("post", "/api/v1/sla/calendars/", {"name": 7, "timezone": "UTC", "working_hours": []}, "name"),
    ("patch", "/api/v1/sla/calendars/{id}/", {"extra_day_weekday": "1"}, "extra_day_weekday"),
    ("patch", "/api/v1/sla/calendars/{id}/", {"working_hours": [{"weekday": "0", "start": "09:00",
                                                                 "end": "17:00"}]}, "working_hours"),
    ("post", "/api/v1/sla/calendars/{id}/import-holidays/", {"country": "CN", "year": "2026"}, "year"),
    ("patch", "/api/v1/sla/policies/{id}/", {"first_response_minutes": "60"}, "first_response_minutes"),
    ("patch", "/api/v1/sla/policies/{id}/", {"pause_on_pending": "yes"}, "pause_on_pending"),
    ("patch", "/api/v1/sla/policies/{id}/", {"calendar": "1"}, "calendar"),
    ("patch", "/api/v1/sla/escalation-chains/{id}/", {"levels": [{"order": 1, "notify_lead": "true"}]},
     "levels"),
    ("patch", "/api/v1/sla/escalation-chains/{id}/", {"description": 5}, "description"),
    ("post", "/api/v1/sla/simulate/", {"calendar": 1, "start": "2026-09-25T09:00:00Z", "minutes": "30"},
     "minutes"),
    ("post", "/api/v1/webhooks/", {"url": "https://h.example.com", "events": ["ticket.created"], "active": 1},
     "active"),
    ("patch", "/api/v1/webhooks/{id}/", {"rotate_secret": "false"}, "rotate_secret"),
    ("patch", "/api/v1/webhooks/{id}/", {"name": 5}, "name"),
    ("post", "/api/v1/auth/token/", {"username": 123, "password": "x"}, "username"),
    ("post", "/api/v1/feedback/", {"team": "1", "kind": "praise", "text": "x"}, "team"),
    ("post", "/api/v1/feedback/", {"team": 1, "kind": "praise", "text": "x", "anonymous": "true"}, "anonymous"),
    ("post", "/api/v1/feedback/", {"team": 1, "kind": "praise", "text": ["x"]}, "text"),
    ("post", "/api/v1/feedback/{id}/answer/", {"status": 2, "note": "x"}, "status"),
    ("post", "/api/v1/kb/articles/", {"title": 5, "language": "en", "team": 1}, "title"),
    ("post", "/api/v1/kb/articles/", {"title": "T", "language": "en", "team": "1"}, "team"),
    ("patch", "/api/v1/kb/articles/{id}/", {"service_items": ["1"]}, "service_items"),
    ("patch", "/api/v1/kb/articles/{id}/", {"visibility": 1}, "visibility"),
    ("post", "/api/v1/kb/articles/{id}/feedback/", {"helpful": "yes"}, "helpful"),
]


@pytest.mark.parametrize(("method", "path", "payload", "field"), WRONG_TYPES,
                         ids=[f"{m} {p} {f}" for m, p, _b, f in WRONG_TYPES])
def test_a_value_of_the_wrong_type_is_refused_by_name(world, reach, method, path, payload, field):
    client, url = reach(path)
    if path == "/api/v1/tickets/":
        payload = {"service_item": world.laptop.pk, "title": "T", "fields": {"asset_tag": "A"}, **payload}

    assert_names_the_field(send_json(client, method, url, payload), field)
