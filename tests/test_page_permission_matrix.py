"""The pages that change configuration × every persona: the service-standard pages
(`sla/urls.py`, service admins only) and a team's settings pages (its lead and service
admins; availability: its members).

Each page is opened (GET) and sent a valid form (POST) by every persona, each call in a
savepoint rolled back after it, between two fingerprints of every table (`tests.dbstate`):
a refusal or a read changes nothing; an allowed POST changes the rows its case names.
Anyone but a service admin gets a 404 for a service-standard page (the pages do not reveal
that they exist), so does anyone but the lead or a service admin for the team's settings;
nobody signed in is sent to sign in. `test_the_matrix_covers_every_page` fails for a page
of those URL files without its cases.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from knowledge import services as kb
from refdata import versions
from sla.standards.calendars import calendar_save
from sla.standards.chains import chain_save
from sla.standards.service_standards import standard_save
from tests.dbstate import CHANGED, MORE, changed_since, db_fingerprint, effect_problems, write_counters
from tests.factories import UserFactory
from tickets.services import canned_response_save
from tickets.views import team_settings

PERSONAS = ["anonymous", "requester", "other_agent", "agent", "lead", "service_admin", "superuser"]
WORLD_NAMES = {"requester": "alice", "other_agent": "hr_agent", "agent": "it_agent", "lead": "it_lead",
               "service_admin": "admin"}
LOGIN = 302  # nobody signed in: sent to the sign-in page


def codes(anonymous, requester, other_agent, agent, lead, service_admin, superuser=None) -> dict[str, int]:
    superuser = service_admin if superuser is None else superuser
    return dict(zip(PERSONAS, (anonymous, requester, other_agent, agent, lead, service_admin, superuser),
                    strict=True))


def admin_only(code: int) -> dict[str, int]:
    return codes(LOGIN, 404, 404, 404, 404, code)


def lead_only(code: int) -> dict[str, int]:
    return codes(LOGIN, 404, 404, 404, code, code)


@dataclass
class Case:
    url_name: str
    method: str
    expected: dict[str, int]
    obj: str | None = None  # the object whose id the URL takes
    body: Any = None  # a dict, or a function of (world, objects)
    # What an allowed POST (2xx/3xx) changes: table → rows added (negative: removed),
    # CHANGED or MORE. None: it writes nothing.
    effect: dict[str, int | str] | None = None
    team_url: bool = False  # the URL takes the team's slug (first)
    action: str | None = None  # the URL's last argument (a knowledge article's lifecycle step)


def _standard_form(world, objects):
    return {"name": "IT laptops", "team": world.it.pk, "category": "", "service_item": world.laptop.pk,
            "priority": "P1", "calendar": objects["calendar"].pk, "first_response_minutes": "30",
            "resolution_minutes": "4h", "warning_percent": "80", "pause_on_pending": "on",
            "escalation_chain": objects["chain"].pk}


def _standard_edit_form(world, objects):
    return {**_standard_form(world, objects), "name": "IT default", "service_item": "", "priority": "",
            "resolution_minutes": "6h"}


CALENDAR_FORM = {
    "name": "Taipei office", "timezone": "Asia/Taipei",
    **{f"hours_{d}": "09:00-18:00" for d in range(5)}, "hours_5": "", "hours_6": "",
    "holidays": "2026-10-01..2026-10-07 National Day", "extra_working_days": "2026-10-10 make-up",
    "extra_day_weekday": "0",
}


def _chain_form(name):
    return {"name": name, "description": "", "levels-TOTAL_FORMS": "1", "levels-INITIAL_FORMS": "0",
            "levels-MIN_NUM_FORMS": "0", "levels-MAX_NUM_FORMS": "1000",
            "levels-0-order": "1", "levels-0-trigger": "after_breach", "levels-0-delay_minutes": "0",
            "levels-0-applies_to": "both", "levels-0-notify_lead": "on", "levels-0-reassign": ""}


CASES = [
    # --- service standards (sla/urls.py) -------------------------------------------------------
    Case("sla:standards", "get", admin_only(200)),
    Case("sla:standards", "post", admin_only(200)),  # the list; a POST writes nothing
    Case("sla:standard-new", "get", admin_only(200)),
    Case("sla:standard-new", "post", admin_only(302), body=_standard_form, effect={"sla_servicestandard": 1}),
    Case("sla:standard-edit", "get", admin_only(200), obj="standard"),
    # An edit writes the next version and retires the one edited.
    Case("sla:standard-edit", "post", admin_only(302), obj="standard", body=_standard_edit_form,
         effect={"sla_servicestandard": 1}),
    Case("sla:standard-history", "get", admin_only(200), obj="standard"),
    Case("sla:standard-history", "post", admin_only(200), obj="standard"),
    Case("sla:standard-retire", "get", admin_only(405), obj="standard"),
    Case("sla:standard-retire", "post", admin_only(302), obj="standard", effect={"sla_servicestandard": CHANGED}),
    Case("sla:calendars", "get", admin_only(200)),
    Case("sla:calendars", "post", admin_only(200)),
    Case("sla:calendar-new", "get", admin_only(200)),
    Case("sla:calendar-new", "post", admin_only(302), body=CALENDAR_FORM, effect={"sla_businesscalendar": 1}),
    Case("sla:calendar-edit", "get", admin_only(200), obj="calendar"),
    Case("sla:calendar-edit", "post", admin_only(302), obj="calendar", body=CALENDAR_FORM,
         effect={"sla_businesscalendar": CHANGED}),
    Case("sla:calendar-import", "get", admin_only(405), obj="calendar"),
    Case("sla:calendar-import", "post", admin_only(302), obj="calendar",
         body={"import-country": "CN", "import-year": "2026", "import-subdiv": ""}, effect={"sla_holiday": MORE}),
    Case("sla:chains", "get", admin_only(200)),
    Case("sla:chains", "post", admin_only(200)),
    Case("sla:chain-new", "get", admin_only(200)),
    Case("sla:chain-new", "post", admin_only(302), body=_chain_form("Urgent"), effect={"sla_escalationchain": 1}),
    Case("sla:chain-edit", "get", admin_only(200), obj="chain"),
    Case("sla:chain-edit", "post", admin_only(302), obj="chain", body=_chain_form("Renamed chain"),
         effect={"sla_escalationchain": CHANGED}),
    Case("sla:simulator", "get", admin_only(200)),
    Case("sla:simulator", "post", admin_only(200)),  # it simulates on GET; a POST shows the empty form
    Case("sla:audit", "get", admin_only(200)),
    Case("sla:audit", "post", admin_only(200)),
    # --- a team's settings (tickets/views/team_settings.py), IT's ----------------------------
    Case("team-settings", "get", lead_only(200), team_url=True),
    Case("team-settings", "post", lead_only(302), team_url=True, body={"mode": "round_robin"},
         effect={"teams_team": CHANGED}),
    Case("canned-response-new", "get", lead_only(200), team_url=True),
    Case("canned-response-new", "post", lead_only(302), team_url=True,
         body={"title": "Reboot first", "body": "Please restart {title}."}, effect={"tickets_cannedresponse": 1}),
    Case("canned-response-edit", "get", lead_only(200), team_url=True, obj="canned"),
    Case("canned-response-edit", "post", lead_only(302), team_url=True, obj="canned",
         body={"title": "Greeting", "body": "Hello again, {requester_name}."},
         effect={"tickets_cannedresponse": CHANGED}),
    Case("canned-response-delete", "get", codes(405, 405, 405, 405, 405, 405), team_url=True, obj="canned"),
    Case("canned-response-delete", "post", lead_only(302), team_url=True, obj="canned",
         effect={"tickets_cannedresponse": -1}),
    # Availability is each member's own: the agent and the lead of IT; another team's agent
    # does not see the queue (404); a service admin sees it but is no member (403).
    Case("team-availability", "get", codes(405, 405, 405, 405, 405, 405), team_url=True),
    Case("team-availability", "post", codes(LOGIN, 404, 404, 302, 302, 403), team_url=True,
         body={"available": "0"}, effect={"teams_membership": CHANGED}),
    # --- the knowledge base's writer and reviewer pages (knowledge/views.py), IT's articles ---
    # An article the user may read but not write is a 403; a draft of another team a 404.
    Case("kb-article-edit", "get", codes(LOGIN, 403, 403, 200, 200, 200), obj="kb_article"),
    Case("kb-article-edit", "post", codes(LOGIN, 403, 403, 302, 302, 302), obj="kb_article",
         body=lambda world, objects: {"language": "en", "title": "VPN steps", "body": "Reconnect twice.",
                                      "team": world.it.pk, "visibility": "everyone"},
         effect={"knowledge_article": CHANGED, "knowledge_articlerevision": 1}),
    Case("kb-article-history", "get", codes(LOGIN, 403, 403, 200, 200, 200), obj="kb_article"),
    Case("kb-article-history", "post", codes(405, 405, 405, 405, 405, 405), obj="kb_article"),
    Case("kb-article-diff", "get", codes(LOGIN, 404, 404, 200, 200, 200), obj="kb_review"),
    Case("kb-article-diff", "post", codes(405, 405, 405, 405, 405, 405), obj="kb_review"),
    Case("kb-review-queue", "get", codes(LOGIN, 404, 200, 200, 200, 200)),
    Case("kb-review-queue", "post", codes(405, 405, 405, 405, 405, 405)),
    Case("kb-article-lifecycle", "get", codes(405, 405, 405, 405, 405, 405), obj="kb_review", action="publish"),
    Case("kb-article-lifecycle", "post", codes(LOGIN, 404, 404, 403, 302, 302), obj="kb_review", action="publish",
         effect={"knowledge_article": CHANGED, "knowledge_articlerevision": CHANGED}),
]
# The knowledge base's pages in the matrix: those that write or review (its readers' pages
# are in tests/knowledge/test_visibility.py).
KB_PAGES = {"kb-article-edit", "kb-article-history", "kb-article-diff", "kb-review-queue", "kb-article-lifecycle"}


@pytest.fixture
def personas(world):
    users = {persona: getattr(world, name) for persona, name in WORLD_NAMES.items()}
    users["anonymous"] = None
    users["superuser"] = UserFactory(username="root", is_superuser=True, is_staff=True)
    return users


@pytest.fixture
def objects(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    calendar = calendar_save(
        actor=world.admin, name="Shanghai office", timezone="Asia/Shanghai",
        working_hours=[{"weekday": d, "start": dt.time(9), "end": dt.time(18)} for d in range(5)],
        holidays=[], extra_working_days=[],
    )
    chain = chain_save(actor=world.admin, name="Standard escalation", levels=[
        {"order": 1, "trigger": "after_breach", "delay_minutes": 0, "notify_lead": True}])
    standard = standard_save(actor=world.admin, name="IT default", team=world.it, calendar=calendar,
                             first_response_minutes=60, resolution_minutes=480, escalation_chain=chain)
    canned = canned_response_save(team=world.it, title="Greeting", body="Hello {requester_name}.")
    kb_article = kb.article_create(actor=world.it_agent, team=world.it, language="en", title="VPN steps",
                                   body="Reconnect.")
    kb.article_submit(article=kb_article, actor=world.it_agent)
    kb.article_publish(article=kb_article, actor=world.it_lead)
    kb_review = kb.article_create(actor=world.it_agent, team=world.it, language="en", title="Printer", body="Jam.")
    kb.article_edit(article=kb_review, actor=world.it_agent, body="Open tray 2.")
    kb.article_submit(article=kb_review, actor=world.it_agent)
    return {"calendar": calendar, "chain": chain, "standard": standard, "canned": canned, "kb_article": kb_article,
            "kb_review": kb_review}


def _url(case: Case, world, objects) -> str:
    args = [world.it.slug] if case.team_url else []
    if case.obj:
        args.append(objects[case.obj].pk)
    if case.action:
        args.append(case.action)
    return reverse(case.url_name, args=args)


def _attempt(case: Case, persona: str, client: Client, url: str, body, baseline) -> list[str]:
    with transaction.atomic():
        writes = write_counters()
        response = getattr(client, case.method)(url, body)
        changed = changed_since(baseline, writes)
        transaction.set_rollback(True)
    versions.clear()  # nothing of the rolled-back writes stays in this process's reference cache
    problems = []
    if response.status_code != case.expected[persona]:
        problems.append(f"{persona}: {response.status_code}, expected {case.expected[persona]}")
    if response.status_code == LOGIN and persona == "anonymous":
        if reverse("login") not in response["Location"]:
            problems.append(f"anonymous: sent to {response['Location']}, not to sign in")
    elif case.method == "post" and case.effect is not None and response.status_code < 400:
        problems += [f"{persona}: {problem}" for problem in effect_problems(case.effect, changed)]
    if changed and (case.method == "get" or case.effect is None or response.status_code >= 400
                    or persona == "anonymous"):
        problems.append(f"{persona}: {response.status_code} but the database changed: {changed}")
    return problems


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.url_name}")
def test_every_page_for_every_persona(case, world, objects, personas):
    # Given one world for the case, every persona signed in (which writes its last login)
    clients = {}
    for persona, user in personas.items():
        clients[persona] = Client()
        if user is not None:
            clients[persona].force_login(user)
    url = _url(case, world, objects)
    body = case.body(world, objects) if callable(case.body) else case.body
    baseline = db_fingerprint()

    # When each persona opens or sends the page, each in its own savepoint
    problems = [problem for persona in PERSONAS
                for problem in _attempt(case, persona, clients[persona], url, body or {}, baseline)]

    # Then each got the answer of the matrix, and the database changed only as allowed
    assert not problems, "\n".join(problems)


def _page_names() -> set[str]:
    """Every page of sla/urls.py and of the team settings views, by URL name."""
    names = set()
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "namespace", None) == "sla":
            names |= {f"sla:{p.name}" for p in pattern.url_patterns}
        elif hasattr(pattern, "url_patterns"):
            names |= {p.name for p in pattern.url_patterns
                      if isinstance(p, URLPattern) and p.callback.__module__ == team_settings.__name__}
            names |= {p.name for p in pattern.url_patterns if isinstance(p, URLPattern) and p.name in KB_PAGES}
    return names


def test_the_matrix_covers_every_page():
    pages = _page_names()
    covered = {case.url_name for case in CASES}

    assert len(pages) > 15
    assert sorted(pages - covered) == [], "a page without its cases in the matrix"
    assert sorted(covered - pages) == [], "a case for a page that does not exist"
    # Both a GET and a POST for every page
    assert {(name, method) for name in pages for method in ("get", "post")} == {
        (case.url_name, case.method) for case in CASES}
