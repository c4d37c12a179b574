"""Fixtures of the problem library tests: a pinned clock, signed-in page clients, and the
mail-outage story (three employees' incidents and one IT problem)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from problems import services
from tests.factories import UserFactory


class PinnedClock:
    """`timezone.now()` for the code under test: the instant the test last set."""

    def __init__(self, at: dt.datetime):
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **delta) -> None:
        self.at = self.at + dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch, settings):
    settings.TIME_ZONE = "UTC"
    pinned = PinnedClock(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC))
    monkeypatch.setattr(timezone, "now", pinned)
    with timezone.override("Asia/Shanghai"):
        yield pinned


@pytest.fixture
def page_for(world):
    """`page_for("it_agent")` → a Django test client signed in as that person."""

    def _client(who):
        client = Client()
        user = getattr(world, who) if isinstance(who, str) else who
        client.force_login(user)
        return client

    return _client


@pytest.fixture
def carol(world):
    """A third employee, who reads Chinese."""
    return UserFactory(username="carol", department=world.sales, language="zh-hans")


@pytest.fixture
def outage(world, file_ticket, carol, clock):
    """The mail outage: alice, bob and carol each file a ticket; it.lead raises a problem
    with a workaround and links the three."""

    class Outage:
        pass

    o = Outage()
    o.tickets = [file_ticket(requester=who, title=f"Mail does not arrive ({who.username})")
                 for who in (world.alice, world.bob, carol)]
    o.problem = services.problem_create(
        actor=world.it_lead, team=world.it, title="Mail server rejects outgoing mail",
        symptoms="Outlook shows 'sending failed'.", root_cause="",
        workaround="Use webmail at https://mail.example.com until the fix.", priority="P2")
    outcomes = services.problem_link_incidents(problem=o.problem, tickets=o.tickets, actor=world.it_lead)
    assert [x.outcome for x in outcomes] == ["linked"] * 3
    o.problem.refresh_from_db()
    return o
