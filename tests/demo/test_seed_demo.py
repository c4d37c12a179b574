"""`manage.py seed_demo`: the demo company, seeded once however often the command runs."""

import datetime as dt
from collections import Counter
from io import StringIO

import holidays
import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.authtoken.models import Token

from demo import data as demo
from feedback.models import Feedback
from sla.models import BusinessCalendar, EscalationChain, ServiceStandard, SLAClock, StandardChange
from sla.scanner import sla_scan
from teams.models import Department, Membership, Team, User
from tickets.constants import FieldKind, Priority, Status
from tickets.models import CannedResponse, ServiceItem, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

DEMO_LOGINS = ["admin", "it.lead", "it.agent", "hr.agent", "alice", "bob"]


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_second_run_changes_no_row_count_of_any_model():
    # Given a seeded database
    seed()
    first = row_counts()
    tickets_before = list(Ticket.objects.order_by("pk").values_list("pk", "status", "version", "updated_at"))
    passwords_before = dict(User.objects.values_list("username", "password"))

    # When the command runs again
    output = seed()

    # Then nothing was added, and the tickets and passwords are untouched
    assert first["tickets.Ticket"] >= 24
    assert row_counts() == first
    assert list(Ticket.objects.order_by("pk").values_list("pk", "status", "version", "updated_at")) == tickets_before
    assert dict(User.objects.values_list("username", "password")) == passwords_before
    assert "nothing to add" in output


def test_a_missing_demo_ticket_is_filed_again_and_only_that_one():
    # Given a seeded database where one demo ticket was deleted
    seed()
    count = Ticket.objects.count()
    Ticket.objects.get(title="Install Docker Desktop").delete()

    # When the command runs again
    seed()

    # Then that ticket is back, and no other ticket was filed twice
    assert Ticket.objects.count() == count
    assert Ticket.objects.filter(title="Install Docker Desktop").count() == 1


@pytest.mark.parametrize("username", DEMO_LOGINS)
def test_demo_users_sign_in_with_the_demo_password(username):
    seed()

    # django-axes needs the request a sign-in comes with.
    request = RequestFactory().post("/accounts/login/")

    assert authenticate(request=request, username=username, password=demo.PASSWORD) is not None


def test_demo_roles():
    seed()
    it = Team.objects.get(slug="it")
    hr = Team.objects.get(slug="hr")
    admin = User.objects.get(username="admin")
    alice = User.objects.get(username="alice")
    bob = User.objects.get(username="bob")

    assert admin.is_service_admin and admin.is_superuser and admin.is_staff
    assert it.lead.username == "it.lead"
    assert Membership.objects.get(user__username="it.lead", team=it).role == Membership.Role.LEAD
    assert Membership.objects.get(user__username="it.agent", team=it).role == Membership.Role.AGENT
    assert Membership.objects.get(user__username="hr.agent", team=hr).role == Membership.Role.AGENT
    assert not alice.memberships.exists() and not alice.is_service_admin
    assert alice.department and bob.department and alice.department != bob.department
    for team in Team.objects.all():
        roles = set(team.memberships.values_list("role", flat=True))
        assert roles == {Membership.Role.LEAD, Membership.Role.AGENT}, team
        assert team.lead is not None and team.email


def test_the_five_service_teams():
    seed()

    assert set(Team.objects.values_list("slug", flat=True)) == {"it", "ops", "hr", "pmo", "training"}


def test_catalog_is_translated_and_asks_for_extra_fields():
    seed()
    items = ServiceItem.objects.all()

    assert items.count() >= 15
    assert len({item.category_id for item in items}) >= 3
    for item in items:
        for lang in ("zh-hans", "zh-hant"):
            assert item.translations[lang]["name"] and item.translations[lang]["description"], item
    laptop = {f.key: f for f in ServiceItem.objects.get(name="Laptop repair").fields.all()}
    assert laptop["asset_tag"].kind == FieldKind.TEXT and laptop["asset_tag"].required
    assert laptop["impact"].kind == FieldKind.CHOICE and laptop["impact"].choices
    assert laptop["asset_tag"].translations["zh-hans"]["label"] == "资产编号"
    assert ServiceItem.objects.get(name="New starter").fields.get(key="start_date").kind == FieldKind.DATE
    assert ServiceItem.objects.get(name="Training course").fields.get(key="seats").kind == FieldKind.NUMBER


def test_tickets_in_every_state_with_history_and_sla_clocks():
    seed()
    statuses = Counter(Ticket.objects.values_list("status", flat=True))

    assert set(statuses) == set(Status.values)
    assert statuses[Status.CANCELLED] == 1
    assert Ticket.objects.filter(status=Status.OPEN, comments__isnull=False).exists()
    # Filed through the services: every ticket has its history and its first-response and
    # resolution clocks (and a next-response clock per reply of its requester after the team's).
    for ticket in Ticket.objects.all():
        assert ticket.events.filter(kind="created").exists(), ticket
        kinds = Counter(ticket.sla_clocks.values_list("kind", flat=True))
        assert (kinds["first_response"], kinds["resolution"]) == (1, 1), ticket
    assert TicketEvent.objects.filter(kind="first_response").exists()
    assert SLAClock.objects.filter(state=SLAClock.State.PAUSED).exists()


def test_china_office_hours_follow_the_2026_national_day_schedule():
    seed()
    china = BusinessCalendar.objects.get(name=demo.CALENDAR_CHINA)
    official = holidays.China(years=2026)
    national_day = {day for day, name in official.items() if day.month == 10 and day.day <= 8}
    holiday = china.holidays.get()
    seeded = {holiday.date + dt.timedelta(days=n) for n in range((holiday.end_date - holiday.date).days + 1)}
    make_up = {day for day in official.weekend_workdays if day.year == 2026 and day.month in (9, 10)}

    assert china.timezone == "Asia/Shanghai"
    # The package lists the weekdays off; the seeded range also covers the weekend inside.
    assert national_day <= seeded and min(seeded) == min(national_day) and max(seeded) == max(national_day)
    assert set(china.extra_working_days.values_list("date", flat=True)) == make_up
    hours = set(china.working_hours.values_list("weekday", "start", "end"))
    assert hours == {(d, dt.time(h1), dt.time(h2)) for d in range(5) for h1, h2 in ((9, 12), (13, 18))}
    always = BusinessCalendar.objects.get(name=demo.CALENDAR_24X7)
    assert always.timezone == "UTC"
    assert set(always.working_hours.values_list("weekday", "start", "end")) == {
        (d, dt.time(0), dt.time(0)) for d in range(7)
    }


def test_standards_and_escalation_chain():
    seed()
    chain = EscalationChain.objects.get(name=demo.CHAIN_NAME)
    first, second = chain.levels.order_by("order")
    standards = ServiceStandard.objects.filter(is_current=True)

    assert first.notify_assignee and first.notify_lead and first.delay_minutes == 0
    assert second.notify_admins and second.raise_priority and second.delay_minutes == 60
    for team in Team.objects.all():
        default = standards.get(team=team, priority="", category=None, service_item=None)
        assert (default.first_response_minutes, default.next_response_minutes, default.resolution_minutes) == (
            240, 240, 2400)
        assert default.calendar.name == demo.CALENDAR_CHINA
    p1 = standards.get(team__slug="it", priority=Priority.P1)
    assert (p1.first_response_minutes, p1.next_response_minutes, p1.resolution_minutes) == (30, 60, 240)
    assert p1.calendar.name == demo.CALENDAR_24X7 and p1.escalation_chain == chain
    # Written through sla.standards, like an admin's edit: each one is in the audit log.
    audited = Counter(StandardChange.objects.filter(action="created").values_list("object_type", flat=True))
    assert audited == {"calendar": 2, "chain": 1, "standard": 6}


def test_the_tour_ticket_owes_alice_a_next_response():
    # "Laptop does not start after the update": it.agent answered, alice replied
    seed()
    ticket = Ticket.objects.get(title="Laptop does not start after the update")

    [clock] = SLAClock.objects.filter(ticket=ticket, kind=SLAClock.Kind.NEXT_RESPONSE)

    assert (clock.cycle, clock.stopped_at, clock.target_minutes) == (1, None, 240)
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == clock.due_at


def test_refuses_outside_demo_mode_and_writes_nothing(settings):
    settings.DEMO_MODE = False
    before = row_counts()

    with pytest.raises(CommandError, match="DEMO_MODE"):
        call_command("seed_demo")

    assert row_counts() == before


def test_the_demo_starts_with_overdue_and_at_risk_work_that_the_scanner_escalates(client):
    # Given the demo, seeded just now
    seed()
    it = Team.objects.get(slug="it")
    vpn = Ticket.objects.get(title="Shenzhen office cannot reach the VPN")
    keyboard = Ticket.objects.get(title="Keyboard keys stuck after a coffee spill")
    mailbox = Ticket.objects.get(title="CEO's mailbox receives no new email")
    assert timezone.now() - vpn.created_at > dt.timedelta(hours=5)
    assert vpn.events.get(kind="created").created_at == vpn.created_at

    # Then the IT lead's API lists them as breached and at risk
    token = Token.objects.create(user=User.objects.get(username="it.lead")).key

    def listed(sla_state: str) -> set[str]:
        response = client.get(f"/api/v1/tickets/?team={it.pk}&sla_state={sla_state}",
                              HTTP_AUTHORIZATION=f"Token {token}")
        assert response.status_code == 200
        return {row["title"] for row in response.json()["results"]}

    assert {vpn.title, keyboard.title} <= listed("breached")
    assert mailbox.title in listed("at_risk")

    # And the scanner's first cycle records their breaches and escalates them, once
    first = sla_scan()
    assert first.escalations > 0
    assert vpn.events.filter(kind="escalation").exists()
    assert keyboard.events.filter(kind="escalation").exists()
    assert SLAClock.objects.get(ticket=vpn, kind="resolution").state == SLAClock.State.BREACHED
    assert sla_scan().escalations == 0


def test_every_team_gets_two_canned_responses_in_each_language():
    seed()
    for team in Team.objects.all():
        languages = Counter(team.canned_responses.values_list("language", flat=True))
        assert languages == {"en": 2, "zh-hans": 2, "zh-hant": 2}, team.slug
    for canned in CannedResponse.objects.all():
        assert "{detail}" not in canned.body and "{done}" not in canned.body
        assert "{requester_name}" in canned.body and "{reference}" in canned.body


def test_names_that_admins_type_are_seeded_in_three_languages():
    seed()
    for model in (Team, Department, BusinessCalendar, EscalationChain, ServiceStandard):
        for obj in model.objects.all():
            assert obj.translations.get("zh-hans", {}).get("name"), (model.__name__, obj.name)
            assert obj.translations.get("zh-hant", {}).get("name"), (model.__name__, obj.name)
    assert Team.objects.get(slug="it").translations["zh-hans"]["name"] == "IT 支持"


def test_bobs_complaint_to_hr_waits_for_the_hr_lead_and_a_praise_was_acted_on():
    seed()

    complaint = Feedback.objects.get(sender__username="bob", team__slug="hr")
    praise = Feedback.objects.get(kind="praise")
    assert (complaint.kind, complaint.status, complaint.answer) == ("complaint", "new", "")
    assert praise.status == "acted_on" and praise.answer
    assert [e.new_value for e in praise.events.filter(kind="status")] == ["acknowledged", "acted_on"]


def test_the_mail_outage_is_one_known_error_with_three_incidents_told_its_workaround():
    from problems.models import Problem

    seed()

    problem = Problem.objects.get(title=demo.MAIL_OUTAGE.title)
    assert problem.status == "known_error"
    incidents = list(problem.incidents.select_related("ticket__requester"))
    assert sorted(i.ticket.requester.username for i in incidents) == ["alice", "bob", "carol"]
    for incident in incidents:
        reply = incident.ticket.comments.get(is_internal=False)
        assert demo.MAIL_OUTAGE.workaround in reply.body
    carols = next(i.ticket for i in incidents if i.ticket.requester.username == "carol")
    assert carols.comments.get().body.startswith("我们已知道这个问题")
