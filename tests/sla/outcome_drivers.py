"""How the SLA outcome tests drive a ticket: a pinned clock, IT's round-the-clock standard
(60 minutes to the first response, 120 to each next response, 480 to the resolution:
business time is wall time), and
per target kind how a cycle starts and how its work is done (`DRIVERS`). The met and
breached cases of tests/sla/test_outcomes.py run for every kind listed in `DRIVERS`: a new
kind of clock (next response) adds its driver here."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone

from sla.models import SLAClock, SLAOutcome
from tests.factories import ServiceStandardFactory
from tickets import services
from tickets.constants import Status
from tickets.models import Ticket

T0 = dt.datetime(2026, 9, 24, 9, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


class PinnedClock:
    def __init__(self, at: dt.datetime):
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at

    def set(self, at: dt.datetime) -> None:
        self.at = at


@pytest.fixture
def clock(monkeypatch, settings):
    settings.TIME_ZONE = "UTC"
    pinned = PinnedClock(T0)
    monkeypatch.setattr(timezone, "now", pinned)
    with timezone.override("America/New_York"):
        yield pinned


@pytest.fixture
def standard(world):
    return ServiceStandardFactory(team=world.it, name="IT round the clock", first_response_minutes=60,
                                  next_response_minutes=120, resolution_minutes=480)


def fresh(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def outcome_rows(ticket, kind=None):
    qs = SLAOutcome.objects.filter(ticket=ticket).order_by("kind", "cycle", "id")
    return list(qs.filter(kind=kind) if kind else qs)


# --- how a cycle of each kind starts and is fulfilled ---------------------------------------


def fulfil_first_response(world, ticket):
    services.comment_create(ticket=fresh(ticket), author=world.it_agent, body="Looking into it")


def fulfil_resolution(world, ticket):
    ticket = fresh(ticket)
    if ticket.first_response_at is None:
        services.comment_create(ticket=ticket, author=world.it_agent, body="Looking into it")
    services.ticket_transition(ticket=fresh(ticket), to=Status.RESOLVED, actor=world.it_agent)


@dataclass(frozen=True)
class Driver:
    """How a test starts a cycle of one target kind (`start`, returning the instant it
    started), and fulfils it (`fulfil`), and the target in minutes."""

    start: Callable
    fulfil: Callable
    target_minutes: int


def _filed(world, ticket):
    return ticket.created_at


def _requester_replied(world, ticket):
    """The team answers first (its first response), a minute later the requester replies:
    that reply starts a next-response cycle, whose instant is returned."""
    services.comment_create(ticket=fresh(ticket), author=world.it_agent, body="Please try a restart")
    clock = timezone.now
    clock.set(clock() + MINUTE)
    services.comment_create(ticket=fresh(ticket), author=ticket.requester, body="Still broken")
    return clock()


def fulfil_next_response(world, ticket):
    services.comment_create(ticket=fresh(ticket), author=world.it_agent, body="Replacing the disk")


DRIVERS = {
    SLAClock.Kind.FIRST_RESPONSE: Driver(_filed, fulfil_first_response, 60),
    SLAClock.Kind.NEXT_RESPONSE: Driver(_requester_replied, fulfil_next_response, 120),
    SLAClock.Kind.RESOLUTION: Driver(_filed, fulfil_resolution, 480),
}
KINDS = sorted(DRIVERS)


