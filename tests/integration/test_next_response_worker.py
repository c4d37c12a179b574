"""End to end with a real Celery worker, embedded beat and Redis: a next response left
owed breaches, and its escalation reaches the lead, without anyone calling the scanner."""

import pytest

from notifications.models import Notification
from sla.models import Escalation, SLAClock
from tests.factories import ServiceStandardFactory
from tests.integration.test_celery_worker import _wait_for, worker  # noqa: F401 - the worker fixture
from tickets import services

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_an_owed_next_response_breaches_and_the_lead_is_notified_by_the_worker(world, file_ticket, worker):  # noqa: F811
    # Given a 1-minute next-response target on a 24x7 calendar, and a ticket the team
    # answered and alice replied to
    ServiceStandardFactory(team=world.it, name="IT fast", first_response_minutes=30, next_response_minutes=1,
                           resolution_minutes=600)
    ticket = file_ticket()
    services.comment_create(ticket=ticket, author=world.it_agent, body="Which model?")
    services.comment_create(ticket=ticket, author=world.alice, body="An X1.")
    owed = SLAClock.objects.get(ticket=ticket, kind="next_response")

    # Then the worker's beat-driven scan records its breach within about a minute …
    breach = _wait_for(lambda: Escalation.objects.filter(clock=owed, step="breach").first(), timeout=120,
                       what="the next response's breach")
    assert breach.recorded_at >= breach.due_at == owed.due_at
    assert SLAClock.objects.get(pk=owed.pk).state == SLAClock.State.BREACHED
    # … and the lead hears of it in the app.
    _wait_for(
        lambda: Notification.objects.filter(user=world.it_lead, ticket=ticket, event="sla_escalation").exists(),
        timeout=30, what="the lead's in-app notification",
    )
