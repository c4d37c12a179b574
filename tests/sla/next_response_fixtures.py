"""What the next-response page and API tests share: a pinned clock from Monday 2026-09-21
08:00 UTC (`now.at = …` moves it) and IT's standard owing a next response within 30 minutes."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import ServiceStandardFactory

T0 = dt.datetime(2026, 9, 21, 8, 0, tzinfo=dt.UTC)  # Monday


@pytest.fixture
def now(monkeypatch, settings):
    """`timezone.now()` pinned; `now.at = …` moves it."""
    settings.TIME_ZONE = "UTC"

    class Pinned:
        at = T0

        def __call__(self):
            return self.at

    pinned = Pinned()
    monkeypatch.setattr(timezone, "now", pinned)
    return pinned


@pytest.fixture
def nr_standard(world):
    return ServiceStandardFactory(team=world.it, first_response_minutes=60, next_response_minutes=30,
                                  resolution_minutes=480)
