"""How the rollup cuts and keeps its days: a step at 23:30 and one at 00:30 local land on
their own days in +08:00 (Asia/Shanghai) and -05:00 (America/Bogota, no DST); an outcome
completed today for a cycle decided yesterday lands in yesterday on the next run; a run
twice changes nothing; incremental runs after late changes equal a rebuild; and two runs at
once fold each day once and lose nothing."""

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from reports import definitions as d
from reports.models import OutcomeBucket, OutcomeRollup, RollupState, SurveyRollup, TicketRollup
from reports.rollup import rollup_days, rollup_pending, rollup_rebuild
from reports.selectors import ReportScope, report_summary
from sla.models import SLAOutcome
from sla.scanner import sla_scan
from tests.reports.known_answers import EXPECTED, NOW, WEEK, ZONE, seed_known_week
from tests.sla.outcome_drivers import MINUTE, fresh
from tests.threads import run_together
from tickets import services
from tickets.constants import Status

DIMS = ("team_id", "service_item_id", "priority", "department_id", "assignee_id")
HOUR = 60 * MINUTE


def rollup_rows() -> Counter:
    """Every rollup row's content (not its id), as a multiset."""
    rows = Counter()
    rows.update(("ticket", *r) for r in TicketRollup.objects.values_list(
        "day", *DIMS, "created", "resolved", "reopened", "first_contact"))
    rows.update(("outcome", *r) for r in OutcomeRollup.objects.values_list(
        "day", *DIMS, "kind", "met", "decided", "timed", "business_seconds", "wall_seconds"))
    rows.update(("bucket", *r) for r in OutcomeBucket.objects.values_list(
        "rollup__day", *(f"rollup__{name}" for name in DIMS), "rollup__kind", "measure", "bucket", "count"))
    rows.update(("survey", *r) for r in SurveyRollup.objects.values_list(
        "day", *DIMS, "sent", "responses", "positive", "score_sum"))
    return rows


def local(zone: str, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(zone))


DAY = dt.date(2026, 9, 24)
NEXT = DAY + dt.timedelta(days=1)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/Bogota"])
def test_steps_at_23_30_and_00_30_local_land_on_their_own_days(zone, world, file_ticket, clock, standard, settings):
    settings.REPORT_TIME_ZONE = zone
    late, early = local(zone, DAY, 23, 30), local(zone, NEXT, 0, 30)
    # The point of the zones: in UTC these two are not on the local dates
    assert {late.astimezone(dt.UTC).date(), early.astimezone(dt.UTC).date()} != {DAY, NEXT}
    for filed in (late, early):
        clock.set(filed)
        ticket = file_ticket()
        clock.set(filed + 10 * MINUTE)
        services.comment_create(ticket=fresh(ticket), author=world.it_agent, body="On it")
        clock.set(filed + 20 * MINUTE)
        services.ticket_transition(ticket=fresh(ticket), to=Status.RESOLVED, actor=world.it_agent)

    rollup_pending(now=early + HOUR)

    assert sorted(TicketRollup.objects.values_list("day", "created", "resolved")) == [(DAY, 1, 1), (NEXT, 1, 1)]
    assert sorted(OutcomeRollup.objects.filter(kind="first_response").values_list("day", "decided")) == [
        (DAY, 1), (NEXT, 1)]
    for day in (DAY, NEXT):
        summary = report_summary(scope=ReportScope(), period=d.Period(day, day), now=early + HOUR)
        assert (summary["created"], summary["resolved"], summary["sla"]["resolution"]["met"]) == (1, 1, 1)
        assert summary["period"]["time_zone"] == zone


def test_an_outcome_completed_today_lands_in_yesterday_on_the_next_run(world, file_ticket, clock, standard,
                                                                      settings):
    settings.REPORT_TIME_ZONE = "America/Bogota"
    zone = "America/Bogota"
    clock.set(local(zone, DAY, 22))
    ticket = file_ticket()
    sla_scan(now=local(zone, DAY, 23, 5))  # the first response breached, decided yesterday
    rollup_pending(now=local(zone, NEXT, 0, 30))
    [before] = OutcomeRollup.objects.filter(kind="first_response")
    assert (before.day, before.met, before.decided, before.timed) == (DAY, 0, 1, 0)

    # The late reply, today: the breached row gets its completion (written now, decided yesterday)
    clock.set(local(zone, NEXT, 1))
    services.comment_create(ticket=fresh(ticket), author=world.it_agent, body="Sorry for the wait")
    run = rollup_pending(now=local(zone, NEXT, 2))

    assert DAY in run.outcome_days
    [after] = OutcomeRollup.objects.filter(kind="first_response")
    assert (after.day, after.decided, after.timed, after.business_seconds) == (DAY, 1, 1, 3 * 3600)
    summary = report_summary(scope=ReportScope(), period=d.Period(DAY, DAY), now=local(zone, NEXT, 2))
    assert summary["sla"]["first_response"]["p50_business_seconds"] == d.bucket_bounds(d.duration_bucket(10800))[1]
    assert report_summary(scope=ReportScope(), period=d.Period(NEXT, NEXT))["sla"]["first_response"]["decided"] == 0


@pytest.fixture
def known_week(world, clock, settings):
    settings.REPORT_TIME_ZONE = ZONE
    tickets = seed_known_week(world, clock)
    rollup_pending(now=NOW)
    return tickets


def test_a_second_run_a_range_run_and_a_rebuild_change_nothing(known_week, clock):
    rows = rollup_rows()
    assert sum(rows.values()) > 20

    clock.set(NOW + HOUR)
    rollup_pending(now=NOW + HOUR)
    assert rollup_rows() == rows
    rollup_days(first=WEEK.first - dt.timedelta(days=14), last=WEEK.last)
    assert rollup_rows() == rows
    rollup_rebuild(now=NOW + HOUR)
    assert rollup_rows() == rows


def test_incremental_runs_after_late_changes_equal_a_rebuild(world, known_week, clock):
    # Given, after the first run: A (resolved Monday, surveyed) given to the lead, G assigned,
    # and E's breached first response corrected to met, decided on Tuesday
    clock.set(NOW + HOUR)
    services.ticket_assign(ticket=known_week["A"], assignee=world.it_lead, actor=world.it_lead)
    services.ticket_assign(ticket=known_week["G"], assignee=world.it_agent, actor=world.it_lead)
    original = SLAOutcome.objects.get(ticket=known_week["E"], kind="first_response")
    correction = SLAOutcome.objects.get(pk=original.pk)
    correction.pk, correction.corrects, correction.met, correction.breached_by_seconds = None, original, True, 0
    correction.decided_at, correction.written_at = original.decided_at + dt.timedelta(days=1), NOW + HOUR
    correction.save()

    # When the rollup runs incrementally
    rollup_pending(now=NOW + 2 * HOUR)
    incremental = rollup_rows()

    # Then its rows are those of a rebuild from scratch
    rollup_rebuild(now=NOW + 2 * HOUR)
    assert incremental == rollup_rows()
    it_lead = ReportScope(team_ids=(world.it.pk,), assignee_id=world.it_lead.pk)
    assert report_summary(scope=it_lead, period=WEEK)["satisfaction"]["sent"] == 2  # A's and C's surveys
    hr = report_summary(scope=ReportScope(team_ids=(world.hr.pk,)), period=WEEK)["sla"]["first_response"]
    assert (hr["met"], hr["decided"]) == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_fold_each_day_once_and_lose_nothing(world, known_week, clock, file_ticket):
    # Given the known week folded by a single run (its rows are what both runs must leave)
    rows = rollup_rows()
    RollupState.objects.update(as_of=None)  # both next runs rebuild everything
    TicketRollup.objects.all().delete()

    # When two runs start at the same instant
    runs = run_together(lambda: rollup_pending(now=NOW), 2)

    # Then one rebuilt every day and the other, after waiting for it, refolded what was new
    assert rollup_rows() == rows
    assert sorted(len(run.ticket_days) for run in runs)[1] > 7
    figures = report_summary(scope=ReportScope(team_ids=(world.it.pk,)), period=WEEK, now=NOW)
    assert figures["created"] == EXPECTED["it"]["created"] and figures["sla"] == EXPECTED["it"]["sla"]

    # And two incremental runs at once after a new ticket count it once
    clock.set(NOW + 10 * MINUTE)
    file_ticket(requester=world.bob)
    run_together(lambda: rollup_pending(now=NOW + HOUR), 2)
    today = d.local_day(NOW, ZoneInfo(ZONE))
    assert list(TicketRollup.objects.filter(day=today).values_list("created", flat=True)) == [1]
