"""Fixtures of the survey tests: a pinned clock, the survey settings a test wants, and
resolving a ticket as the IT agent."""

import datetime as dt

import pytest
from django.utils import timezone

from surveys.models import SurveyReason, SurveySettings
from tickets import services
from tickets.constants import Status
from tickets.models import Ticket

REASONS = [
    ("slow", "It took too long", "处理太慢", "處理太慢"),
    ("not-solved", "The problem is not really solved", "问题没有真正解决", "問題沒有真正解決"),
]
START = dt.datetime(2026, 9, 14, 9, 0, tzinfo=dt.UTC)  # a Monday


class PinnedClock:
    """`timezone.now()` for the code under test: the instant the test last set."""

    def __init__(self, at: dt.datetime):
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **delta) -> dt.datetime:
        self.at = self.at + dt.timedelta(**delta)
        return self.at


@pytest.fixture
def clock(monkeypatch, settings):
    settings.TIME_ZONE = "UTC"
    pinned = PinnedClock(START)
    monkeypatch.setattr(timezone, "now", pinned)
    with timezone.override("UTC"):
        yield pinned


@pytest.fixture
def survey_defaults(db):
    """Set the defaults row for all teams: `survey_defaults(delay_minutes=0, ...)`."""

    def _set(**values) -> SurveySettings:
        row, _created = SurveySettings.objects.get_or_create(team=None)
        base = {"enabled": True, "delay_minutes": 0, "sample_percent": 100, "cooldown_days": 0, "expiry_days": 7,
                "low_score": 2, "anonymous": False}
        for field, value in {**base, **values}.items():
            setattr(row, field, value)
        row.save()
        # The reasons the migration gives the defaults (a transactional test elsewhere may
        # have flushed them).
        for order, (key, en, hans, hant) in enumerate(REASONS):
            SurveyReason.objects.get_or_create(settings=row, key=key, defaults={
                "name": en, "order": order, "translations": {"zh-hans": {"name": hans}, "zh-hant": {"name": hant}}})
        return row

    return _set


@pytest.fixture
def resolve(world):
    def _resolve(ticket: Ticket, actor=None) -> Ticket:
        return services.ticket_transition(ticket=Ticket.objects.get(pk=ticket.pk), to=Status.RESOLVED,
                                          actor=actor or world.it_agent)

    return _resolve


@pytest.fixture
def reopen(world):
    def _reopen(ticket: Ticket, actor=None) -> Ticket:
        return services.ticket_transition(ticket=Ticket.objects.get(pk=ticket.pk), to=Status.OPEN,
                                          actor=actor or world.alice)

    return _reopen


@pytest.fixture
def api_for(world):
    """`api_for("alice")` → an APIClient with alice's token; "anonymous" sends none."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def _client(role):
        client = APIClient()
        if role != "anonymous":
            user = getattr(world, role) if isinstance(role, str) else role
            token, _created = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return _client


@pytest.fixture
def sent_invite(world, file_ticket, clock, survey_defaults, resolve):
    """Alice's laptop ticket, assigned to it.agent and resolved: its survey went out at once."""
    from surveys.models import SurveyInvite

    survey_defaults(delay_minutes=0, low_score=2)
    ticket = file_ticket()
    services.ticket_assign(ticket=ticket, assignee=world.it_agent, actor=world.it_lead)
    resolve(ticket)
    return SurveyInvite.objects.select_related("ticket").get(ticket=ticket)
