"""The delayed sending with a real Celery worker, embedded beat and Redis: a ticket resolved
with a one-minute delay gets its survey mail and in-app notification from the worker's
sweep after the delay, not before, and once."""

import time

import pytest
from django.utils import timezone

from notifications.models import Notification, OutboxMessage
from surveys.models import SurveyInvite
from tests.factories import survey_defaults_row
from tests.integration.test_celery_worker import _wait_for
from tests.integration.test_celery_worker import worker as worker  # noqa: F401 - the fixture
from tickets import services
from tickets.constants import Status

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fast_sweeps(monkeypatch):
    # Read by the worker's settings (it inherits this environment): sweep every 2 s.
    monkeypatch.setenv("SURVEY_SWEEP_INTERVAL_SECONDS", "2")


def test_the_worker_sends_the_survey_after_the_delay(world, file_ticket, fast_sweeps, worker):  # noqa: F811
    # Given surveys one minute after resolution
    survey_defaults_row(delay_minutes=1)
    ticket = file_ticket()

    # When the agent resolves the ticket
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, actor=world.it_agent)
    invite = SurveyInvite.objects.get(ticket=ticket)
    assert invite.state == "scheduled"

    # Then for most of the minute the worker (sweeping every 2 s) leaves it alone …
    time.sleep(max(0.0, (invite.send_at - timezone.now()).total_seconds() - 15))
    invite.refresh_from_db()
    assert invite.state == "scheduled"
    # … and after it the invite goes out, by mail and in the app, once
    sent = _wait_for(lambda: SurveyInvite.objects.filter(pk=invite.pk, state="sent").first(), timeout=90,
                     what="the survey to be sent")
    assert sent.sent_at >= invite.send_at
    _wait_for(lambda: OutboxMessage.objects.filter(recipient=world.alice, event="survey_invite", channel="email",
                                                   state="sent").exists(), timeout=30, what="the survey email")
    _wait_for(lambda: Notification.objects.filter(user=world.alice, event="survey_invite").exists(), timeout=30,
              what="the in-app notification")
    assert OutboxMessage.objects.filter(event="survey_invite").count() == 2
    assert worker.poll() is None
