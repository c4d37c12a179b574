"""End to end with a real Celery worker, embedded beat and Redis: a problem that crosses a
threshold is flagged to the service admins by the beat sweep, once, without anyone calling
the sweep by hand."""

import time

import pytest

from notifications.models import Notification
from problems import services as problems
from problems.models import ProblemFlag
from tests.integration.test_celery_worker import _wait_for, worker  # noqa: F401 - the worker fixture

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def flag_worker(monkeypatch):
    """The worker (started after these are set) sweeps every 2 s and flags at 2 incidents."""
    monkeypatch.setenv("PROBLEM_FLAG_INTERVAL_SECONDS", "2")
    monkeypatch.setenv("PROBLEM_FLAG_INCIDENTS", "2")
    monkeypatch.setenv("PROBLEM_FLAG_DAYS", "30")


def test_a_problem_with_enough_incidents_is_flagged_once_by_the_worker(world, file_ticket, flag_worker, worker):  # noqa: F811
    # Given a problem with two linked incidents, committed
    problem = problems.problem_create(actor=world.it_lead, team=world.it, title="Mail relay rejects mail")
    problems.problem_link_incidents(problem=problem, tickets=[file_ticket(), file_ticket(title="Mail")],
                                    actor=world.it_lead)

    # Then the beat-driven sweep flags it and the admin finds it in the app …
    flag = _wait_for(lambda: ProblemFlag.objects.filter(problem=problem).first(), timeout=120, what="the flag")
    assert flag.threshold == "incidents:2"
    _wait_for(lambda: Notification.objects.filter(user=world.admin, event="problem_flagged").exists(),
              timeout=60, what="the admin's in-app notification")
    # … and later sweeps (every 2 s) flag nothing more
    time.sleep(6)
    assert ProblemFlag.objects.filter(problem=problem).count() == 1
    assert Notification.objects.filter(user=world.admin, event="problem_flagged").count() == 1
    assert worker.poll() is None
