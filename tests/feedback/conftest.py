"""Fixtures of the feedback tests: an HR lead (the world has IT's only), a pinned clock,
uploads in a temporary folder, and a way to send feedback as someone."""

import datetime as dt

import pytest
from django.utils import timezone

from feedback import services
from teams.models import Membership
from tests.factories import MembershipFactory, UserFactory

NOW = dt.datetime(2026, 11, 18, 10, 30, tzinfo=dt.UTC)


class PinnedClock:
    def __init__(self, at: dt.datetime):
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **delta) -> None:
        self.at += dt.timedelta(**delta)


@pytest.fixture(autouse=True)
def clock(monkeypatch, settings, tmp_path):
    """Every feedback test on its own clock and zone, whatever the date it runs on; its
    uploads in a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    pinned = PinnedClock(NOW)
    monkeypatch.setattr(timezone, "now", pinned)
    with timezone.override("Asia/Shanghai"):
        yield pinned


@pytest.fixture
def hr_lead(world):
    lead = UserFactory(username="hr.lead")
    MembershipFactory(user=lead, team=world.hr, role=Membership.Role.LEAD)
    return lead


@pytest.fixture
def send(world):
    """`send(sender, team, kind=…, text=…, anonymous=…)` → feedback sent through the service."""

    def _send(sender=None, team=None, *, kind="complaint", text="Onboarding took three weeks.", **kwargs):
        return services.feedback_create(sender=sender or world.bob, team=team or world.it, kind=kind, text=text,
                                        **kwargs)

    return _send
