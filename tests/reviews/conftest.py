"""Fixtures of the quarterly review tests: a pinned clock before the reviewed quarter (the third
quarter of 2026, days cut in Asia/Shanghai), service standards, and outcomes built directly
(`decided`)."""

import datetime as dt

import pytest

from sla.models import SLAOutcome
from tests.factories import ServiceStandardFactory
from tests.sla.outcome_drivers import PinnedClock
from tickets.constants import Priority

QUARTER = dt.date(2026, 7, 1)
ZONE = dt.timezone(dt.timedelta(hours=8))
BEFORE = dt.datetime(2026, 6, 20, 9, 0, tzinfo=dt.UTC)  # the standards are made then
IN_QUARTER = dt.datetime(2026, 8, 10, 9, 0, tzinfo=dt.UTC)
AFTER = dt.datetime(2026, 10, 2, 9, 0, tzinfo=dt.UTC)  # the review is opened then


@pytest.fixture
def clock(monkeypatch, settings):
    from django.utils import timezone

    settings.TIME_ZONE = "UTC"
    settings.REPORT_TIME_ZONE = "Asia/Shanghai"
    pinned = PinnedClock(BEFORE)
    monkeypatch.setattr(timezone, "now", pinned)
    yield pinned


@pytest.fixture
def p2_standard(world, clock):
    """IT's P2 standard: 4 h to the first response, 8 h to the resolution (round the clock)."""
    return ServiceStandardFactory(team=world.it, name="IT P2", priority=Priority.P2, first_response_minutes=240,
                                  next_response_minutes=None, resolution_minutes=480)


@pytest.fixture
def decided(world):
    """decided(standard, ticket, n=…, breached=…, seconds=…): n first-response outcomes of `ticket`
    under `standard`, decided in the quarter, the first `breached` of them breached."""
    cycles: dict[int, int] = {}

    def _decided(standard, ticket, *, n, breached=0, seconds=600, kind="first_response", at=IN_QUARTER):
        target = {"first_response": standard.first_response_minutes,
                  "resolution": standard.resolution_minutes}[kind]
        rows = []
        for index in range(n):
            cycles[ticket.pk] = cycles.get(ticket.pk, 0) + 1
            met = index >= breached
            used = seconds if met else target * 60 + 600
            rows.append(SLAOutcome(
                ticket=ticket, kind=kind, cycle=cycles[ticket.pk], standard=standard,
                standard_version=standard.version, team=standard.team, priority=standard.priority or "P3",
                started_at=at - dt.timedelta(seconds=used), stopped_at=at,
                due_at=at - dt.timedelta(seconds=used) + dt.timedelta(minutes=target), target_minutes=target,
                business_seconds=used, wall_seconds=used, paused_seconds=0, met=met,
                breached_by_seconds=0 if met else used - target * 60, decided_at=at))
        SLAOutcome.objects.bulk_create(rows)
        return rows

    return _decided
