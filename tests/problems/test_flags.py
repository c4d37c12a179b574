"""Hard problems are flagged to the service admins by the beat sweep: once per threshold
crossed (many linked incidents, open too long), in each admin's language."""

import pytest
from django.urls import reverse

from notifications.models import OutboxMessage
from problems import services
from problems.models import ProblemChange, ProblemFlag, ProblemStatus
from problems.selectors import problem_list
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def thresholds(settings):
    settings.PROBLEM_FLAG_INCIDENTS = [3, 4]
    settings.PROBLEM_FLAG_DAYS = [14]


def _flags(problem):
    return list(ProblemFlag.objects.filter(problem=problem).values_list("threshold", flat=True))


def test_a_problem_is_flagged_once_however_often_the_sweep_runs(world, outage):
    assert services.problems_flag_sweep() == 1

    assert services.problems_flag_sweep() == 0

    assert _flags(outage.problem) == ["incidents:3"]
    assert OutboxMessage.objects.filter(event="problem_flagged", recipient=world.admin, channel="in_app").count() == 1
    assert outage.problem.changes.filter(kind=ProblemChange.Kind.FLAGGED).count() == 1


def test_crossing_a_second_threshold_flags_again(world, outage, file_ticket):
    services.problems_flag_sweep()
    services.problem_link_incident(problem=outage.problem, ticket=file_ticket(title="Mail again"),
                                   actor=world.it_agent)

    assert services.problems_flag_sweep() == 1
    assert services.problems_flag_sweep() == 0

    assert _flags(outage.problem) == ["incidents:3", "incidents:4"]
    assert OutboxMessage.objects.filter(event="problem_flagged", recipient=world.admin, channel="in_app").count() == 2


def test_a_problem_open_too_long_is_flagged(world, clock):
    problem = services.problem_create(actor=world.it_lead, team=world.it, title="Slow file share")
    clock.advance(days=13, hours=23)
    assert services.problems_flag_sweep() == 0

    clock.advance(hours=1)

    assert services.problems_flag_sweep() == 1
    assert _flags(problem) == ["days:14"]


def test_a_problem_below_every_threshold_or_no_longer_open_is_not_flagged(world, outage, file_ticket, clock):
    quiet = services.problem_create(actor=world.it_lead, team=world.it, title="One printer")
    services.problem_update(problem=outage.problem, actor=world.it_lead, status=ProblemStatus.RESOLVED)

    assert services.problems_flag_sweep() == 0

    assert not ProblemFlag.objects.filter(problem__in=[quiet, outage.problem]).exists()


def test_the_flag_reaches_each_service_admin_in_their_language(world, outage):
    chinese_admin = UserFactory(username="admin.zh", is_service_admin=True, language="zh-hant")

    services.problems_flag_sweep()

    english = OutboxMessage.objects.get(recipient=world.admin, event="problem_flagged", channel="in_app")
    chinese = OutboxMessage.objects.get(recipient=chinese_admin, event="problem_flagged", channel="in_app")
    assert "Hard problem flagged" in english.subject and outage.problem.title in english.subject
    assert "3 linked incidents" in english.body
    assert "疑難問題" in chinese.subject and "3 個關聯事件" in chinese.body
    assert english.url == reverse("problem-detail", args=[outage.problem.pk])
    assert not OutboxMessage.objects.filter(event="problem_flagged", recipient=world.it_lead).exists()


def test_flagged_problems_come_first_in_the_list(world, outage, clock):
    clock.advance(minutes=5)
    newer = services.problem_create(actor=world.it_lead, team=world.it, title="Newer, urgent", priority="P1")
    assert [p.pk for p in problem_list(user=world.it_lead)][0] == newer.pk

    services.problems_flag_sweep()

    rows = list(problem_list(user=world.it_lead))
    assert [p.pk for p in rows] == [outage.problem.pk, newer.pk]
    assert rows[0].flagged and not rows[1].flagged


def test_the_beat_schedule_runs_the_sweep(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["flag-hard-problems"]
    assert entry["task"] == "problems.tasks.flag_hard_problems"


def test_the_beat_task_runs_the_sweep(world, outage):
    from problems.tasks import flag_hard_problems

    assert flag_hard_problems.apply().get() == 1
    assert _flags(outage.problem) == ["incidents:3"]
