"""Fixtures of the survey tests: a pinned clock, the survey settings a test wants, and
resolving a ticket as the IT agent."""

import datetime as dt
import functools

import pytest
from django.utils import timezone

from tests.factories import survey_defaults_row
from tickets import services
from tickets.constants import Status
from tickets.models import Ticket

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
    return survey_defaults_row


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
    from tests.api.conftest import token_client

    return functools.partial(token_client, world)


@pytest.fixture
def sent_invite(world, file_ticket, clock, survey_defaults, resolve):
    """Alice's laptop ticket, assigned to it.agent and resolved: its survey went out at once."""
    from surveys.models import SurveyInvite

    survey_defaults(delay_minutes=0, low_score=2)
    ticket = file_ticket()
    services.ticket_assign(ticket=ticket, assignee=world.it_agent, actor=world.it_lead)
    resolve(ticket)
    return SurveyInvite.objects.select_related("ticket").get(ticket=ticket)
