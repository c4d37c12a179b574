"""Every route and method of the API × every persona: the status code the rules imply,
nothing stored after a refusal, and the change an allowed write must make.

Personas: anonymous; the requester of the ticket (alice); another requester (bob); an agent
of another team (hr.agent); an agent and the lead of the ticket's team (IT); a service
admin; a Django superuser who is in no team. A ticket a user may not see is a 404 (never a
403 that would leak that it exists); an action on a ticket one may see but not do is a 403;
configuration is written by service admins (and superusers) only.

Each call is made between two fingerprints of every table (`tests.dbstate`): a refusal, a
read and a write that writes nothing must leave them equal; an allowed write must change
the tables its case names, by the rows it names. `test_the_matrix_covers_every_route_and_method`
walks the URL resolver and fails for any route and method of `/api/` without a case here,
so a new endpoint cannot go untested.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.schemas.generators import EndpointEnumerator

from knowledge import services as kb
from knowledge.models import Visibility
from notifications.models import Notification
from problems.services import problem_create
from refdata import versions
from reports.definitions import quarter_start
from reviews.services import review_open
from sla.standards.chains import chain_save
from tests.api.conftest import laptop_payload
from tests.dbstate import CHANGED, MORE, changed_since, changes, db_fingerprint, effect_problems, write_counters
from tests.factories import CalendarFactory, ServiceStandardFactory, UserFactory
from tests.kbsearch.cases import publish

PERSONAS = ["anonymous", "requester", "other_requester", "other_agent", "agent", "lead", "service_admin",
            "superuser"]
WORLD_NAMES = {"requester": "alice", "other_requester": "bob", "other_agent": "hr_agent", "agent": "it_agent",
               "lead": "it_lead", "service_admin": "admin"}



def codes(anonymous, requester, other_requester, other_agent, agent, lead, service_admin, superuser=None):
    """Expected status per persona; a superuser is answered as a service admin unless said."""
    superuser = service_admin if superuser is None else superuser
    values = (anonymous, requester, other_requester, other_agent, agent, lead, service_admin, superuser)
    return dict(zip(PERSONAS, values, strict=True))


# Reading the service-standard objects (sla.selectors): lists answer
# everyone signed in with what they may read; one object is for the agents of a team whose
# standard uses it and for service admins (the matrix's objects are the HR team's standard
# and its calendar, and a chain no standard uses: service admins only); the simulator
# refuses (400 on the field) a calendar the user may not read.
SLA_LIST = codes(401, 200, 200, 200, 200, 200, 200)
SLA_HR_READ = codes(401, 404, 404, 200, 404, 404, 200)
SLA_ADMIN_READ = codes(401, 404, 404, 404, 404, 404, 200)
SLA_SIMULATE_HR = codes(401, 400, 400, 200, 400, 400, 200)


EVERYONE = codes(401, 200, 200, 200, 200, 200, 200)
TICKET_READ = codes(401, 200, 404, 404, 200, 200, 200)
TICKET_WORK = codes(401, 403, 404, 404, 200, 200, 200)
TICKET_REPLY = codes(401, 201, 404, 404, 201, 201, 201)
TEAM_READ = codes(401, 404, 404, 404, 200, 200, 200)
ADMIN_CREATE = codes(401, 403, 403, 403, 403, 403, 201)
ADMIN_DO = codes(401, 403, 403, 403, 403, 403, 200)
ADMIN_DELETE = codes(401, 403, 403, 403, 403, 403, 204)
PROBLEM_READ = codes(401, 404, 404, 404, 200, 200, 200)
# Knowledge articles (knowledge.selectors): the IT team's agents write, its lead publishes;
# an article one may read but not change is a 403, a draft of another team a 404.
KB_WRITE_NEW = codes(401, 403, 403, 403, 201, 201, 201)
KB_WRITE = codes(401, 403, 403, 403, 200, 200, 200)
KB_PUBLISH = codes(401, 403, 403, 403, 403, 200, 200)
KB_TEAM_WRITE = codes(401, 404, 404, 404, 200, 200, 200)
KB_TEAM_PUBLISH = codes(401, 404, 404, 404, 403, 200, 200)


@dataclass
class Case:
    name: str
    method: str
    route: str  # as the URL resolver spells it; "{id}" is the id of `obj`
    expected: dict[str, int]
    # The object whose id fills "{id}"; a tuple of names for a route with several, in order.
    obj: str | tuple[str, ...] | None = None
    # A dict, or a function of (world, objects, user) returning one (user None: anonymous).
    body: Any = None
    multipart: bool = False
    # What an allowed call (2xx) changes: table → rows added (negative: removed), CHANGED
    # or MORE. None: it writes nothing.
    effect: dict[str, int | str] | None = None
    # Run before the call, with (world, objects, user).
    prepare: Callable | None = None


def _credentials(world, objects, user):
    if user is None:  # a sign-in that fails, as nobody that exists (no lockout of a real user)
        return {"username": "nobody", "password": "not the password"}
    return {"username": user.username, "password": "servicedesk"}


def _forget_token(world, objects, user):
    if user is not None:
        Token.objects.filter(user=user).delete()


def _ticket_version(extra):
    return lambda world, objects, user: {**extra, "version": objects["ticket"].version}


def _link_to_problem(world, objects, user):
    from problems import services as problems

    problems.problem_link_incident(problem=objects["problem"], ticket=objects["ticket"], actor=world.it_lead)
    objects["problem"].refresh_from_db()


V1 = "/api/v1"
CASES = [
    # --- auth and people ---------------------------------------------------------------------
    Case("token obtain", "post", f"{V1}/auth/token/", codes(400, 200, 200, 200, 200, 200, 200),
         body=_credentials, prepare=_forget_token, effect={"authtoken_token": 1}),
    Case("token list", "get", f"{V1}/auth/tokens/", EVERYONE),
    Case("token revoke", "delete", f"{V1}/auth/tokens/", codes(401, 204, 204, 204, 204, 204, 204),
         effect={"authtoken_token": -1}),
    Case("me", "get", f"{V1}/users/me/", EVERYONE),
    Case("departments", "get", f"{V1}/departments/", EVERYONE),
    Case("department", "get", f"{V1}/departments/{{id}}/", EVERYONE, obj="department"),
    Case("teams", "get", f"{V1}/teams/", EVERYONE),
    Case("team", "get", f"{V1}/teams/{{id}}/", TEAM_READ, obj="team"),
    Case("team members", "get", f"{V1}/teams/{{id}}/members/", TEAM_READ, obj="team"),
    # --- catalog and tickets -----------------------------------------------------------------
    Case("service items", "get", f"{V1}/service-items/", EVERYONE),
    Case("service item", "get", f"{V1}/service-items/{{id}}/", EVERYONE, obj="service_item"),
    Case("ticket list", "get", f"{V1}/tickets/", EVERYONE),
    Case("ticket create", "post", f"{V1}/tickets/", codes(401, 201, 201, 201, 201, 201, 201),
         body=lambda world, objects, user: laptop_payload(world), effect={"tickets_ticket": 1}),
    Case("ticket", "get", f"{V1}/tickets/{{id}}/", TICKET_READ, obj="ticket"),
    Case("ticket edit", "patch", f"{V1}/tickets/{{id}}/", TICKET_WORK, obj="ticket",
         body=_ticket_version({"title": "Renamed"}), effect={"tickets_ticket": CHANGED}),
    Case("comments", "get", f"{V1}/tickets/{{id}}/comments/", TICKET_READ, obj="ticket"),
    Case("reply", "post", f"{V1}/tickets/{{id}}/comments/", TICKET_REPLY, obj="ticket",
         body={"body": "Any news?"}, effect={"tickets_comment": 1}),
    Case("internal note", "post", f"{V1}/tickets/{{id}}/comments/", codes(401, 400, 404, 404, 201, 201, 201),
         obj="ticket", body={"body": "Note", "internal": True}, effect={"tickets_comment": 1}),
    Case("attachments", "get", f"{V1}/tickets/{{id}}/attachments/", TICKET_READ, obj="ticket"),
    Case("attach", "post", f"{V1}/tickets/{{id}}/attachments/", TICKET_REPLY, obj="ticket",
         body=lambda world, objects, user: {
             "file": SimpleUploadedFile("screenshot.png", b"\x89PNG fake", content_type="image/png")},
         multipart=True, effect={"tickets_attachment": 1}),
    Case("events", "get", f"{V1}/tickets/{{id}}/events/", TICKET_READ, obj="ticket"),
    # The ticket is open (the team replied): a requester may make no move from there, so
    # for the requester it is an illegal transition (400 naming the allowed ones, none).
    Case("transition", "post", f"{V1}/tickets/{{id}}/transition/", codes(401, 400, 404, 404, 200, 200, 200),
         obj="ticket", body=_ticket_version({"to": "pending"}), effect={"tickets_ticket": CHANGED}),
    Case("assign", "post", f"{V1}/tickets/{{id}}/assign/", TICKET_WORK, obj="ticket",
         body=lambda world, objects, user: {"assignee": world.it_lead.pk, "version": objects["ticket"].version},
         effect={"tickets_ticket": CHANGED}),
    # --- notifications -----------------------------------------------------------------------
    Case("notifications", "get", f"{V1}/notifications/", EVERYONE),
    Case("mark read", "post", f"{V1}/notifications/mark-read/", EVERYONE, body={},
         effect={"notifications_notification": CHANGED}),
    # --- feedback on a service team (the matrix's item: bob's complaint to IT) ---------------
    # Everyone signed in sends feedback and lists what they may see; one item is for its
    # sender, the team's lead and service admins (the team's other agents see none of it:
    # tests/feedback/test_access.py); the sender may see but not answer it (403).
    Case("feedback list", "get", f"{V1}/feedback/", EVERYONE),
    Case("feedback create", "post", f"{V1}/feedback/", codes(401, 201, 201, 201, 201, 201, 201),
         body=lambda world, objects, user: {"team": world.hr.pk, "kind": "suggestion", "text": "Faster payslips"},
         effect={"feedback_feedback": 1}),
    Case("feedback", "get", f"{V1}/feedback/{{id}}/", codes(401, 404, 200, 404, 404, 200, 200), obj="feedback"),
    Case("feedback answer", "post", f"{V1}/feedback/{{id}}/answer/", codes(401, 404, 403, 404, 404, 200, 200),
         obj="feedback", body={"answer": "Thank you.", "status": "acknowledged", "note": "Seen."},
         effect={"feedback_feedback": CHANGED, "feedback_feedbackevent": 2}),
    # --- service standards -------------------------------------------------------------------
    Case("calendars", "get", f"{V1}/sla/calendars/", SLA_LIST),
    Case("calendar", "get", f"{V1}/sla/calendars/{{id}}/", SLA_HR_READ, obj="calendar"),
    Case("calendar create", "post", f"{V1}/sla/calendars/", ADMIN_CREATE, body={
        "name": "Shanghai office", "timezone": "Asia/Shanghai",
        "working_hours": [{"weekday": d, "start": "09:00", "end": "18:00"} for d in range(5)]},
        effect={"sla_businesscalendar": 1}),
    Case("calendar edit", "patch", f"{V1}/sla/calendars/{{id}}/", ADMIN_DO, obj="calendar",
         body={"name": "Renamed calendar"}, effect={"sla_businesscalendar": CHANGED}),
    Case("holiday import", "post", f"{V1}/sla/calendars/{{id}}/import-holidays/", ADMIN_DO, obj="calendar",
         body={"country": "CN", "year": 2026}, effect={"sla_holiday": MORE}),
    Case("service standards", "get", f"{V1}/sla/policies/", SLA_LIST),
    Case("service standard", "get", f"{V1}/sla/policies/{{id}}/", SLA_HR_READ, obj="standard"),
    Case("service standard create", "post", f"{V1}/sla/policies/", ADMIN_CREATE,
         body=lambda world, objects, user: {
             "name": "IT P1", "team": world.it.pk, "priority": "P1", "calendar": objects["calendar"].pk,
             "first_response_minutes": 15, "resolution_minutes": 240},
         effect={"sla_servicestandard": 1}),
    # An edit writes the next version and retires the one edited.
    Case("service standard edit", "patch", f"{V1}/sla/policies/{{id}}/", ADMIN_DO, obj="standard",
         body={"resolution_minutes": 600}, effect={"sla_servicestandard": 1}),
    Case("service standard retire", "delete", f"{V1}/sla/policies/{{id}}/", ADMIN_DELETE, obj="standard",
         effect={"sla_servicestandard": CHANGED}),
    Case("chains", "get", f"{V1}/sla/escalation-chains/", SLA_LIST),
    Case("chain", "get", f"{V1}/sla/escalation-chains/{{id}}/", SLA_ADMIN_READ, obj="chain"),
    Case("chain create", "post", f"{V1}/sla/escalation-chains/", ADMIN_CREATE, body={
        "name": "Default", "levels": [{"order": 1, "trigger": "after_breach", "notify_lead": True}]},
        effect={"sla_escalationchain": 1}),
    Case("chain edit", "patch", f"{V1}/sla/escalation-chains/{{id}}/", ADMIN_DO, obj="chain",
         body={"name": "Renamed chain"}, effect={"sla_escalationchain": CHANGED}),
    # SLA outcomes: a ticket's for those who work it (everyone else 404, its requester
    # included); the list answers everyone signed in with what they may read.
    Case("ticket outcomes", "get", f"{V1}/tickets/{{id}}/outcomes/", codes(401, 404, 404, 404, 200, 200, 200),
         obj="ticket"),
    Case("outcomes", "get", f"{V1}/sla/outcomes/", SLA_LIST),
    Case("simulate", "post", f"{V1}/sla/simulate/", SLA_SIMULATE_HR,
         body=lambda world, objects, user: {
             "calendar": objects["calendar"].pk, "start": "2026-09-25T17:45:00+08:00", "minutes": 30}),
    # --- webhooks ----------------------------------------------------------------------------
    Case("webhooks", "get", f"{V1}/webhooks/", ADMIN_DO),
    Case("webhook create", "post", f"{V1}/webhooks/", ADMIN_CREATE,
         body={"url": "https://hooks.example.com/sd", "events": ["ticket.created"]},
         effect={"webhooks_webhookendpoint": 1}),
    Case("webhook", "get", f"{V1}/webhooks/{{id}}/", ADMIN_DO, obj="webhook"),
    Case("webhook edit", "patch", f"{V1}/webhooks/{{id}}/", ADMIN_DO, obj="webhook",
         body={"active": False}, effect={"webhooks_webhookendpoint": CHANGED}),
    Case("webhook delete", "delete", f"{V1}/webhooks/{{id}}/", ADMIN_DELETE, obj="webhook",
         effect={"webhooks_webhookendpoint": -1}),
    Case("webhook deliveries", "get", f"{V1}/webhooks/{{id}}/deliveries/", ADMIN_DO, obj="webhook"),
    # --- satisfaction surveys ----------------------------------------------------------------
    # The requester's own survey only (its token is in it); answering needs the token, not a
    # sign-in, and nobody signed in but the requester may use it; responses are the leads'.
    Case("ticket survey", "get", f"{V1}/tickets/{{id}}/survey/", codes(401, 200, 404, 404, 404, 404, 404),
         obj="surveyed"),
    Case("survey answer", "post", f"{V1}/surveys/{{id}}/", codes(201, 201, 403, 403, 403, 403, 403),
         obj="survey_token", body={"score": 4, "comment": "Fine."},
         effect={"surveys_surveyresponse": 1, "surveys_surveyinvite": CHANGED}),
    Case("survey responses", "get", f"{V1}/surveys/responses/", codes(401, 403, 403, 403, 403, 200, 200)),
    # --- the problem library (the ticket's team and service admins; requesters never) -------
    Case("problems", "get", f"{V1}/problems/", EVERYONE),
    Case("problem create", "post", f"{V1}/problems/", codes(401, 403, 403, 403, 201, 201, 201),
         body=lambda world, objects, user: {"team": world.it.pk, "title": "Mail outage", "workaround": "Webmail"},
         effect={"problems_problem": 1, "problems_problemchange": 1}),
    Case("problem", "get", f"{V1}/problems/{{id}}/", PROBLEM_READ, obj="problem"),
    Case("problem edit", "patch", f"{V1}/problems/{{id}}/", PROBLEM_READ, obj="problem",
         body=lambda world, objects, user: {"status": "known_error", "version": objects["problem"].version},
         effect={"problems_problem": CHANGED, "problems_problemchange": 1}),
    Case("problem incidents", "get", f"{V1}/problems/{{id}}/incidents/", PROBLEM_READ, obj="problem"),
    Case("problem link", "post", f"{V1}/problems/{{id}}/incidents/", codes(401, 404, 404, 404, 201, 201, 201),
         obj="problem", body=lambda world, objects, user: {"ticket": objects["ticket"].pk},
         effect={"problems_problemincident": 1, "tickets_ticketevent": 1, "tickets_ticket": CHANGED,
                 "problems_problemchange": 1}),
    Case("problem unlink", "delete", f"{V1}/problems/{{id}}/incidents/", PROBLEM_READ, obj="problem",
         body=lambda world, objects, user: {"ticket": objects["ticket"].pk}, prepare=_link_to_problem,
         effect={"problems_problemincident": -1, "tickets_ticketevent": 1, "problems_problemchange": 1}),
    Case("problem send workaround", "post", f"{V1}/problems/{{id}}/send-workaround/", PROBLEM_READ,
         obj="problem", body={}, prepare=_link_to_problem,
         effect={"tickets_comment": 1, "problems_problemincident": CHANGED, "problems_problemchange": 1,
                 "notifications_outboxmessage": MORE}),
    Case("problem resolve", "post", f"{V1}/problems/{{id}}/resolve/", PROBLEM_READ, obj="problem",
         body={"summary": "The relay's certificate was renewed."}, prepare=_link_to_problem,
         effect={"problems_problem": CHANGED, "tickets_ticket": CHANGED, "problems_problemchange": 2}),
    # --- knowledge base: an IT article for everyone, an IT draft, an IT article in review -----
    Case("kb articles", "get", f"{V1}/kb/articles/", EVERYONE),
    Case("kb article create", "post", f"{V1}/kb/articles/", KB_WRITE_NEW,
         body=lambda world, objects, user: {"title": "Printer jam", "body": "Open tray 2.", "team": world.it.pk,
                                            "language": "en", "visibility": "everyone"},
         effect={"knowledge_article": 1, "knowledge_articlerevision": 1}),
    Case("kb article", "get", f"{V1}/kb/articles/{{id}}/", EVERYONE, obj="kb_article"),
    Case("kb article edit", "patch", f"{V1}/kb/articles/{{id}}/", KB_WRITE, obj="kb_article",
         body={"body": "New text."}, effect={"knowledge_article": CHANGED, "knowledge_articlerevision": 1}),
    Case("kb article submit", "post", f"{V1}/kb/articles/{{id}}/submit/", KB_TEAM_WRITE, obj="kb_draft", body={},
         effect={"knowledge_article": CHANGED, "knowledge_articlerevision": CHANGED}),
    Case("kb article request changes", "post", f"{V1}/kb/articles/{{id}}/request-changes/", KB_TEAM_PUBLISH,
         obj="kb_review", body={"note": "Add a screenshot."},
         effect={"knowledge_article": CHANGED, "knowledge_articlerevision": CHANGED}),
    Case("kb article publish", "post", f"{V1}/kb/articles/{{id}}/publish/", KB_TEAM_PUBLISH, obj="kb_review",
         body={}, effect={"knowledge_article": CHANGED, "knowledge_articlerevision": CHANGED}),
    Case("kb article archive", "post", f"{V1}/kb/articles/{{id}}/archive/", KB_PUBLISH, obj="kb_article",
         body={}, effect={"knowledge_article": CHANGED}),
    Case("kb article feedback", "post", f"{V1}/kb/articles/{{id}}/feedback/", EVERYONE,
         obj="kb_article", body={"helpful": True}, effect={"knowledge_articlefeedback": 1}),
    # --- reports: IT's member scorecards (its lead and admins all, an IT agent their own) -------
    Case("report members", "get", f"{V1}/reports/members/", codes(401, 404, 404, 404, 200, 200, 200),
         body=lambda world, objects, user: {"team": world.it.pk}),
    # IT's team report: its lead and admins; agents, requesters and other teams 404.
    Case("report summary", "get", f"{V1}/reports/summary/", codes(401, 404, 404, 404, 404, 200, 200),
         body=lambda world, objects, user: {"team": world.it.pk}),
    Case("report trend", "get", f"{V1}/reports/trend/", codes(401, 404, 404, 404, 404, 200, 200),
         body=lambda world, objects, user: {"team": world.it.pk}),
    # --- the quarterly review: service admins change it, the leads read it (their teams' items),
    # everyone else 404 ------------------------------------------------------------------------
    # (the list answers everyone signed in with what they may read: nothing but for leads and admins)
    Case("reviews", "get", f"{V1}/reviews/", EVERYONE),
    Case("review", "get", f"{V1}/reviews/{{id}}/", codes(401, 404, 404, 404, 404, 200, 200), obj="review"),
    # (a quarter before the standards: a review without items)
    Case("review open", "post", f"{V1}/reviews/", codes(401, 403, 403, 403, 403, 403, 201),
         body={"quarter": "2026-01-01"}, effect={"reviews_standardreview": 1, "reviews_reviewevent": MORE}),
    Case("review decision", "post", f"{V1}/reviews/{{id}}/items/{{id}}/decision/",
         codes(401, 404, 404, 404, 404, 403, 200), obj=("review", "review_item"),
         body={"decision": "keep", "note": "Fine as it is."}, effect={"reviews_reviewitem": CHANGED,
                                                                      "reviews_reviewevent": 1}),
    Case("review apply", "post", f"{V1}/reviews/{{id}}/items/{{id}}/apply/", codes(401, 404, 404, 404, 404, 403, 400),
         obj=("review", "review_item"), body={}),
    Case("review close", "post", f"{V1}/reviews/{{id}}/close/", codes(401, 404, 404, 404, 404, 403, 200),
         obj="review", body={}, effect={"reviews_standardreview": CHANGED, "reviews_reviewevent": 1}),
    # --- the schema and its pages ------------------------------------------------------------
    # --- knowledge-base search ---------------------------------------------------------------
    # "This solved it" on the IT team's own article (visibility "team"): out of the
    # requesters' and the HR agent's reach, so a 404 for them.
    Case("kb suggest", "get", f"{V1}/kb/suggest/", EVERYONE),
    Case("kb article solved", "post", f"{V1}/kb/articles/{{id}}/solved/", codes(401, 404, 404, 404, 201, 201, 201),
         obj="kb_team_article", body={"filing_session": "6f1c1c52-3a4e-4f7e-9a51-0c2f6a1d2b3c"},
         effect={"kbsearch_deflection": 1}),
    Case("schema", "get", "/api/schema/", codes(200, 200, 200, 200, 200, 200, 200)),
    Case("docs", "get", "/api/docs/", codes(200, 200, 200, 200, 200, 200, 200)),
]


@pytest.fixture
def personas(world):
    users = {persona: getattr(world, name) for persona, name in WORLD_NAMES.items()}
    users["anonymous"] = None
    users["superuser"] = UserFactory(username="root", is_superuser=True, is_staff=True)
    return users


@pytest.fixture
def objects(world, ticket, personas):
    from feedback.services import feedback_create
    from webhooks import services as webhooks

    calendar = CalendarFactory(name="Round the clock")
    hr_standard = ServiceStandardFactory(team=world.hr, calendar=calendar, name="HR standard")
    chain = chain_save(actor=world.admin, name="Standard escalation", levels=[
        {"order": 1, "trigger": "after_breach", "delay_minutes": 0, "notify_lead": True}])
    endpoint = webhooks.webhook_endpoint_create(actor=world.admin, url="https://hooks.example.com/a",
                                                events=["ticket.created"])
    # Something unread for everyone, so that marking read has something to do.
    Notification.objects.bulk_create(
        Notification(user=user, event="ticket.created", title="Something happened")
        for user in personas.values() if user is not None
    )
    surveyed, token = _surveyed_ticket(world)
    complaint = feedback_create(sender=world.bob, team=world.it, kind="complaint", text="Slow laptops")
    problem = problem_create(actor=world.it_lead, team=world.it, title="Mail server rejects mail",
                             workaround="Use webmail until the fix.")
    kb_article = kb.article_create(actor=world.it_agent, team=world.it, language="en", title="VPN steps",
                                   body="Reconnect.")
    kb.article_submit(article=kb_article, actor=world.it_agent)
    kb.article_publish(article=kb_article, actor=world.it_lead)
    kb_draft = kb.article_create(actor=world.it_agent, team=world.it, language="en", title="Draft", body="Soon.")
    kb_review = kb.article_create(actor=world.it_agent, team=world.it, language="en", title="Review", body="Me.")
    kb.article_submit(article=kb_review, actor=world.it_agent)
    # This quarter's review of the service standards, open: an item per standard in force
    # (IT's, so that its lead reads it, and HR's).
    it_standard = ServiceStandardFactory(team=world.it, calendar=CalendarFactory(name="IT hours"), name="IT standard")
    review = review_open(actor=world.admin, quarter=quarter_start(timezone.localdate()))
    return {"review": review, "review_item": review.items.get(standard=it_standard),
            "problem": problem, "ticket": ticket, "team": world.it, "department": world.sales, "service_item": world.laptop,
            "calendar": calendar, "standard": hr_standard, "chain": chain, "webhook": endpoint,
            "surveyed": surveyed, "survey_token": SimpleNamespace(pk=token),
            "feedback": complaint,
            "kb_article": kb_article, "kb_draft": kb_draft, "kb_review": kb_review,
            "kb_team_article": publish(team=world.it, language="en", title="VPN server runbook",
                                       body="For the IT team.", visibility=Visibility.TEAM)}


def _surveyed_ticket(world):
    """alice's second ticket, resolved: its satisfaction survey went out at once."""
    from surveys.selectors import current_invite, invite_token
    from tests.factories import survey_defaults_row
    from tickets import services
    from tickets.models import Ticket

    survey_defaults_row()
    surveyed = services.ticket_create(requester=world.alice, service_item=world.laptop, title="Surveyed",
                                      fields={"asset_tag": "LT-9"})
    services.ticket_transition(ticket=surveyed, to="resolved", actor=world.it_agent)
    surveyed = Ticket.objects.get(pk=surveyed.pk)
    return surveyed, invite_token(current_invite(ticket=surveyed))


def _path(route: str, objects, obj) -> str:
    """The route with each "{id}" filled in order by the ids of `obj` (one name or several)."""
    for name in (obj,) if isinstance(obj, str) else obj or ():
        route = route.replace("{id}", str(objects[name].pk), 1)
    return route


def _call(case: Case, world, objects, user, client):
    path = _path(case.route, objects, case.obj)
    body = case.body(world, objects, user) if callable(case.body) else case.body
    return getattr(client, case.method)(path, body, format="multipart" if case.multipart else "json")


def _attempt(case: Case, persona: str, world, objects, user, client, baseline) -> list[str]:
    """One persona's call, in a savepoint rolled back after it (as pytest-django rolls a
    test back), so that every persona meets the world as `baseline` fingerprinted it; what
    went wrong, if anything."""
    problems = []
    with transaction.atomic():
        before = baseline
        if case.prepare:
            case.prepare(world, objects, user)
            before = db_fingerprint()
        writes = write_counters()

        response = _call(case, world, objects, user, client)

        changed = changed_since(before, writes)
        transaction.set_rollback(True)
    versions.clear()  # nothing of the rolled-back writes stays in this process's reference cache
    if response.status_code != case.expected[persona]:
        problems.append(f"{persona}: {response.status_code}, expected {case.expected[persona]}: "
                        f"{response.content[:200]!r}")
    writes_something = case.method != "get" and case.effect is not None and 200 <= response.status_code < 300
    if writes_something:
        problems += [f"{persona}: {problem}" for problem in effect_problems(case.effect, changed)]
    elif changed:
        # A refusal, a read, or a call that writes nothing: every table as it was.
        problems.append(f"{persona}: {response.status_code} but the database changed: {changed}")
    return problems


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.name}")
def test_every_route_for_every_persona(case, world, objects, personas, client_for):
    # Given one world for the case, every persona's client (and token) made
    clients = {persona: client_for(user if user is not None else "anonymous") for persona, user in personas.items()}
    baseline = db_fingerprint()

    # When each persona calls the route, each in its own savepoint
    problems = [problem for persona in PERSONAS
                for problem in _attempt(case, persona, world, objects, personas[persona], clients[persona],
                                        baseline)]

    # Then each got the answer of the matrix, and the database changed only as allowed
    assert not problems, "\n".join(problems)


class _ApiRoutes(EndpointEnumerator):
    """Every route under /api/ as the URL resolver has it, whatever the schema shows."""

    def should_include_endpoint(self, path, callback):
        return path.startswith("/api/")


def api_routes() -> set[tuple[str, str]]:
    """(method, route) of every API endpoint; a route's parameters spelled "{id}"."""
    return {(method.lower(), re.sub(r"\{[^}]+\}", "{id}", path))
            for path, method, _callback in _ApiRoutes().get_api_endpoints()}


def test_the_matrix_covers_every_route_and_method():
    routes = api_routes()
    covered = {(case.method, case.route) for case in CASES}

    assert sorted(routes - covered) == [], "an API route and method without a case in the matrix"
    assert sorted(covered - routes) == [], "a case for a route or method that does not exist"


OTHER_METHODS = ["get", "post", "put", "patch", "delete"]


def test_a_method_a_route_does_not_have_is_refused_and_changes_nothing(world, objects, client_for):
    client = client_for("admin")
    routes = api_routes()
    before = db_fingerprint()

    answers = {}
    for route in sorted({route for _method, route in routes}):
        obj = next((case.obj for case in CASES if case.route == route), None)
        path = _path(route, objects, obj)
        for method in OTHER_METHODS:
            if (method, route) not in routes:
                answers[(method, route)] = getattr(client, method)(path, {}, format="json").status_code

    assert len(answers) > 50
    assert {key: code for key, code in answers.items() if code != 405} == {}
    assert changes(before, db_fingerprint()) == {}


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
