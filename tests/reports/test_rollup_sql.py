"""The outcome fold said in SQL (reports/sql.py, PostgreSQL) writes what the Python fold
(`fold_outcomes`, the reference) computes: the same rows, counts, sums and histogram buckets."""

import datetime as dt

import pytest
from django.db import connection

from reports import definitions as d
from reports.models import OutcomeBucket, OutcomeRollup
from reports.rollup import fold_outcomes, report_zone, rollup_days, rollup_pending
from tests.reports.test_rollup_vs_raw import random_world  # noqa: F401 - a fixture
from tests.sla.outcome_drivers import MINUTE, T0, fresh
from tickets import services
from tickets.constants import Status

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL fold is PostgreSQL's")


def test_width_bucket_is_duration_bucket(db):
    seconds = sorted({0, 1, 59, 60, 61, 599, 600, 601, 3599, 3600, 3601, 10**9}
                     | {e + k for e in d.BUCKET_EDGES for k in (-1, 0, 1)})
    with connection.cursor() as cursor:
        cursor.execute("SELECT s, width_bucket(s - 1, %s::bigint[]) FROM unnest(%s::bigint[]) s",
                       [list(d.BUCKET_EDGES), seconds])
        assert {s: b for s, b in cursor.fetchall()} == {s: d.duration_bucket(s) for s in seconds}


def _stored(day):
    rows = {}
    for row in OutcomeRollup.objects.filter(day=day):
        key = (row.kind, row.team_id, row.service_item_id, row.priority, row.department_id, row.assignee_id)
        buckets = {(b.measure, b.bucket): b.count for b in OutcomeBucket.objects.filter(rollup=row)}
        rows[key] = (row.met, row.decided, row.timed, row.business_seconds, row.wall_seconds, buckets)
    return rows


def _reference(day, zone):
    rows = {}
    for acc in fold_outcomes(day, zone):
        row = acc.row
        key = (row.kind, row.team_id, row.service_item_id, row.priority, row.department_id, row.assignee_id)
        buckets = {**{("b", k): n for k, n in acc.business.items()}, **{("w", k): n for k, n in acc.wall.items()}}
        rows[key] = (row.met, row.decided, row.timed, row.business_seconds, row.wall_seconds, buckets)
    return rows


def test_the_sql_fold_writes_what_the_python_fold_computes(world, file_ticket, clock, standard, settings):
    settings.REPORT_TIME_ZONE = "Asia/Shanghai"
    first, second = file_ticket(), file_ticket()
    clock.set(T0 + 10 * MINUTE)
    services.comment_create(ticket=fresh(first), author=world.it_agent, body="Try again")
    clock.set(T0 + 25 * MINUTE)
    services.comment_create(ticket=fresh(second), author=world.it_agent, body="Looking")
    clock.set(T0 + 30 * MINUTE)
    services.ticket_transition(ticket=fresh(first), to=Status.RESOLVED, actor=world.it_agent)
    clock.set(T0 + 90 * MINUTE)
    services.ticket_transition(ticket=fresh(second), to=Status.RESOLVED, actor=world.it_agent)
    clock.set(T0 + 120 * MINUTE)
    rollup_pending()
    zone = report_zone()
    day = d.local_day(T0, zone)
    expected = _reference(day, zone)
    assert expected and _stored(day) == expected
    rollup_days(first=day, last=day)  # again: the same rows
    assert _stored(day) == expected


def _ticket_rows():
    from reports.models import TicketRollup

    return sorted((r.day, r.team_id, r.service_item_id, r.priority, r.department_id, r.assignee_id, r.created,
                   r.resolved, r.reopened, r.first_contact) for r in TicketRollup.objects.all())


def test_many_days_read_at_once_fold_as_one_day_at_a_time(world, file_ticket, clock, standard, settings):
    """A rebuild reads the filed tickets and status events of a month at once
    (reports.rollup._ticket_reads); the rows are those of the days folded one by one."""
    settings.REPORT_TIME_ZONE = "Asia/Shanghai"
    for n in range(3):
        clock.set(T0 + dt.timedelta(days=n))
        ticket = file_ticket()
        clock.set(T0 + dt.timedelta(days=n, minutes=20))
        services.ticket_transition(ticket=fresh(ticket), to=Status.RESOLVED, actor=world.it_agent)
        if n == 1:
            clock.set(T0 + dt.timedelta(days=n + 1, minutes=30))
            services.ticket_transition(ticket=fresh(ticket), to=Status.OPEN, actor=ticket.requester)
    zone = report_zone()
    first, last = d.local_day(T0, zone), d.local_day(T0 + dt.timedelta(days=3), zone)
    rollup_days(first=first, last=last)
    together = _ticket_rows()
    assert sum(r[6] for r in together) == 3 and sum(r[7] for r in together) == 3 and sum(r[8] for r in together) == 1
    day = first
    while day <= last:
        rollup_days(first=day, last=day)
        day += dt.timedelta(days=1)
    assert _ticket_rows() == together


def test_scattered_days_are_not_read_as_one_range():
    from reports.rollup import READ_WINDOW_DAYS, _windows

    day = dt.date(2026, 1, 1)
    assert list(_windows({day, day + dt.timedelta(days=1), day + dt.timedelta(days=200)})) == [
        [day, day + dt.timedelta(days=1)], [day + dt.timedelta(days=200)]]
    year = {day + dt.timedelta(days=n) for n in range(366)}
    assert all(len(w) <= READ_WINDOW_DAYS for w in _windows(year)) and sum(map(len, _windows(year))) == 366


# --- tickets and surveys: the SQL folds of a run of days (reports/sql.py) against the Python folds


def _stored_counts(model, day):
    from reports.models import RollupDims

    names = [f.name for f in model._meta.concrete_fields if f.model is model and f.name not in ("id",)]
    names = [n for n in names if n not in {f.name for f in RollupDims._meta.fields}]
    return {tuple(r[:5]): tuple(r[5:]) for r in model.objects.filter(day=day).values_list(*model.DIMENSIONS, *names)}


def _folded(rows):
    import dataclasses

    return {dims: dataclasses.astuple(counts) for dims, counts in rows.items()}


def _assert_days_fold_as_python(first, last, zone):
    from reports.models import SurveyRollup, TicketRollup
    from reports.rollup import fold_surveys, fold_tickets

    day, seen = first, 0
    while day <= last:
        tickets, surveys = _folded(fold_tickets(day, zone)), _folded(fold_surveys(day, zone))
        assert _stored_counts(TicketRollup, day) == tickets, day
        assert _stored_counts(SurveyRollup, day) == surveys, day
        seen += len(tickets) + len(surveys)
        day += dt.timedelta(days=1)
    return seen


@pytest.mark.usefixtures("random_world")
def test_the_sql_ticket_and_survey_folds_write_what_the_python_folds_compute():
    """Ten days of tickets filed, answered, resolved, reopened within and past 7 days and
    resolved again, surveys sent and answered, steps close to midnight (test_rollup_vs_raw's
    world): every day's ticket and survey rows, as a rebuild writes them (a window of days
    per statement), are those the Python folds compute day by day."""
    from tests.reports.test_rollup_vs_raw import DAYS, FIRST_DAY

    zone = report_zone()
    last = FIRST_DAY + dt.timedelta(days=DAYS + 11)
    assert _assert_days_fold_as_python(FIRST_DAY - dt.timedelta(days=1), last, zone) > 40
    rollup_days(first=FIRST_DAY + dt.timedelta(days=3), last=FIRST_DAY + dt.timedelta(days=3))  # one day alone
    assert _assert_days_fold_as_python(FIRST_DAY + dt.timedelta(days=2), FIRST_DAY + dt.timedelta(days=4), zone)


def test_first_contact_and_reopen_edges_fold_alike(world, file_ticket, clock, standard, settings):
    """The cases the random world may miss: an internal note and the requester's own reply
    are not team replies, a second team reply is; a reopen with no resolution before it
    counts, one 8 days after its resolution does not; a ticket moved to another team after
    its resolution counts in the team it stands in now."""
    from reports.models import TicketRollup
    from tickets.models import TicketEvent

    settings.REPORT_TIME_ZONE = "America/Bogota"
    noted, chatty, late, moved, orphan = (file_ticket(title=f"Case {n}") for n in range(5))
    clock.set(T0 + 10 * MINUTE)
    services.comment_create(ticket=fresh(noted), author=world.it_agent, body="Note", internal=True)
    services.comment_create(ticket=fresh(noted), author=world.alice, body="Still broken")
    services.comment_create(ticket=fresh(noted), author=world.it_agent, body="Fixed")
    for body in ("One", "Two"):
        services.comment_create(ticket=fresh(chatty), author=world.it_agent, body=body)
    clock.set(T0 + 30 * MINUTE)
    for ticket in (noted, chatty, late, moved):
        services.ticket_transition(ticket=fresh(ticket), to=Status.RESOLVED, actor=world.it_agent)
    TicketEvent.objects.create(ticket=fresh(orphan), kind="status", data={"old": "resolved", "new": "open"},
                               created_at=T0 + 40 * MINUTE)
    clock.set(T0 + dt.timedelta(days=8, hours=1))
    services.ticket_transition(ticket=fresh(late), to=Status.OPEN, actor=world.it_agent)
    services.ticket_transfer(ticket=fresh(moved), team=world.hr, actor=world.it_lead, reason="HR's case")
    rollup_pending()
    zone = report_zone()
    first, last = d.local_day(T0, zone), d.local_day(T0 + dt.timedelta(days=9), zone)
    rollup_days(first=first, last=last)
    assert _assert_days_fold_as_python(first, last, zone)
    rows = TicketRollup.objects.filter(day__gte=first, day__lte=last)
    assert sum(r.resolved for r in rows) == 4
    assert {r.team_id for r in rows if r.resolved} == {world.it.pk, world.hr.pk}
    assert sum(r.first_contact for r in rows) == 2  # noted and moved: chatty had two replies, late is in cycle 2
    assert sum(r.reopened for r in rows) == 1  # the orphan's: late's came 8 days after its resolution
