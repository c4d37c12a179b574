"""Folding the raw rows into the daily rollups (reports.models), incrementally and idempotently.

A day's rows of one source are always rebuilt as a whole from the raw rows of that day, in one
transaction: so running a fold twice changes nothing, and a late row (an outcome written
today for a cycle decided yesterday, a ticket moved to another team) lands in its day the next
time that day is folded. Which days to fold is found from what was written since the last run
(`RollupState.as_of`, less `REPORT_ROLLUP_LAG_SECONDS` for transactions that committed late):

- outcomes: the decided day of every row written since (`SLAOutcome.written_at`: inserted or
  given its completion);
- tickets: every day a ticket changed since counts in (the day it was filed, the days it was
  resolved or reopened), found through its events (`TicketEvent.created_at`);
- surveys: the days of invites sent and responses answered since.

Runs hold the `RollupState` row locked, so two runs (two beats) never fold at once; the second
waits and then finds nothing new.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from sla.models import SLAOutcome
from surveys.models import SurveyInvite, SurveyResponse
from tickets.constants import Status
from tickets.models import Comment, Ticket, TicketEvent

from . import definitions as d
from . import sql, totals
from .models import OutcomeBucket, OutcomeRollup, RollupState, SurveyRollup, TicketRollup

STATE_NAME = "daily"
CHUNK = 5_000
Dims = tuple  # (team_id, service_item_id, priority, department_id, assignee_id)


def report_zone() -> ZoneInfo:
    """The time zone report days are cut in."""
    return ZoneInfo(settings.REPORT_TIME_ZONE)


def _chunks(values: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _days_of(instants: Iterable[dt.datetime], zone: ZoneInfo) -> set[dt.date]:
    return {d.local_day(instant, zone) for instant in instants if instant is not None}


# ---------------------------------------------------------------------------------------------
# Tickets


def _public_team_replies(tickets: dict[int, tuple]) -> dict[int, int]:
    """Public replies by anyone but the requester, per ticket."""
    counts: dict[int, int] = defaultdict(int)
    for chunk in _chunks(list(tickets)):
        rows = (Comment.objects.filter(ticket_id__in=chunk, is_internal=False)
                .values_list("ticket_id", "author_id"))
        for ticket_id, author_id in rows:
            if author_id != tickets[ticket_id][-1]:
                counts[ticket_id] += 1
    return counts


# A ticket's dimensions, its resolution cycle and its requester, read through a status event.
_EVENT_TICKET = ("ticket__team_id", "ticket__service_item_id", "ticket__priority", "ticket__requester_department_id",
                 "ticket__assignee_id", "ticket__resolution_cycle", "ticket__requester_id")


def _status_events(start: dt.datetime, end: dt.datetime):
    """Resolutions and reopens in [start, end): (ticket, at, data, *the ticket's dims, cycle,
    requester), the ticket as it stands now (one query, the ticket joined)."""
    return (TicketEvent.objects.filter(kind="status", created_at__gte=start, created_at__lt=end)
            .filter(Q(data__new=Status.RESOLVED) | Q(data__old=Status.RESOLVED, data__new=Status.OPEN))
            .values_list("ticket_id", "created_at", "data", *_EVENT_TICKET))


# Days folded together in one statement (reports/sql.py) when many are folded (a rebuild).
READ_WINDOW_DAYS = 31


@dataclass(slots=True)
class TicketCounts:
    """The counts of one ticket rollup row while its day is folded (plain objects: building a
    model instance per row cost more than the rest of the fold)."""

    created: int = 0
    resolved: int = 0
    reopened: int = 0
    first_contact: int = 0


@dataclass(slots=True)
class SurveyCounts:
    """The counts of one survey rollup row while its day is folded."""

    sent: int = 0
    responses: int = 0
    positive: int = 0
    score_sum: int = 0


def fold_tickets(day: dt.date, zone: ZoneInfo) -> dict[Dims, TicketCounts]:
    """The ticket rollup rows of one day: {dimensions: counts} (on PostgreSQL the rollup runs
    the same fold in SQL, `sql.tickets_fold_days`; this is its reference)."""
    start, end = d.day_range(day, day, zone)
    rows: dict[Dims, TicketCounts] = defaultdict(TicketCounts)

    created = (Ticket.objects.filter(created_at__gte=start, created_at__lt=end)
               .values_list("team_id", "service_item_id", "priority", "requester_department_id", "assignee_id")
               .annotate(n=Count("pk")).order_by())
    status_events = list(_status_events(start, end))
    for *dims, n in created:
        rows[tuple(dims)].created += n

    tickets = {event[0]: tuple(event[3:]) for event in status_events}
    resolved = [(tid, at) for tid, at, data, *_ in status_events if data.get("new") == Status.RESOLVED]
    reopens = [(tid, at) for tid, at, data, *_ in status_events if data.get("new") == Status.OPEN]

    once = {tid: dims for tid, dims in tickets.items() if dims[5] == 1}
    replies = _public_team_replies({tid: tickets[tid] for tid, _ in resolved if tid in once})
    for tid, _at in resolved:
        dims = tickets[tid]
        target = rows[dims[:5]]
        target.resolved += 1
        if d.is_first_contact(public_team_replies=replies.get(tid, 0), cycles=dims[5]):
            target.first_contact += 1

    if reopens:
        # The resolution each reopen undid: the ticket's last resolution before it.
        earlier = defaultdict(list)
        for chunk in _chunks(sorted({tid for tid, _ in reopens})):
            for tid, at in (TicketEvent.objects.filter(ticket_id__in=chunk, kind="status", data__new=Status.RESOLVED,
                                                       created_at__lt=end)
                            .values_list("ticket_id", "created_at")):
                earlier[tid].append(at)
        for tid, at in reopens:
            before = [r for r in earlier[tid] if r <= at]
            if d.reopened_in_window(max(before) if before else None, at):
                rows[tickets[tid][:5]].reopened += 1
    return dict(rows)


def ticket_days_touched(since: dt.datetime, zone: ZoneInfo) -> set[dt.date]:
    """Every day that a ticket changed since `since` counts in."""
    ticket_ids = list(TicketEvent.objects.filter(created_at__gte=since).values_list("ticket_id", flat=True).distinct())
    days: set[dt.date] = set()
    for chunk in _chunks(ticket_ids):
        days |= _days_of(Ticket.objects.filter(pk__in=chunk).values_list("created_at", flat=True), zone)
        days |= _days_of(TicketEvent.objects.filter(ticket_id__in=chunk, kind="status")
                         .values_list("created_at", flat=True), zone)
    return days


# ---------------------------------------------------------------------------------------------
# SLA outcomes


@dataclass
class _OutcomeAcc:
    row: OutcomeRollup
    business: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    wall: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def fold_outcomes(day: dt.date, zone: ZoneInfo) -> list[_OutcomeAcc]:
    """The outcome rollup rows of one day with their histograms (unsaved)."""
    start, end = d.day_range(day, day, zone)
    rows: dict[tuple, _OutcomeAcc] = {}
    outcomes = (SLAOutcome.objects.in_force()
                .filter(kind__in=d.TARGET_KINDS, decided_at__gte=start, decided_at__lt=end)
                .values_list("kind", "team_id", "service_item_id", "priority", "requester_department_id",
                             "assignee_id", "met", "business_seconds", "wall_seconds")
                .order_by())
    for kind, team, item, priority, dept, assignee, met, business, wall in outcomes.iterator(chunk_size=CHUNK):
        key = (kind, team, item, priority, dept, assignee)
        acc = rows.get(key)
        if acc is None:
            acc = rows[key] = _OutcomeAcc(OutcomeRollup(day=day, kind=kind, team_id=team, service_item_id=item,
                                                        priority=priority, department_id=dept, assignee_id=assignee))
        acc.row.decided += 1
        acc.row.met += bool(met)
        if business is not None and wall is not None:
            acc.row.timed += 1
            acc.row.business_seconds += business
            acc.row.wall_seconds += wall
            acc.business[d.duration_bucket(business)] += 1
            acc.wall[d.duration_bucket(wall)] += 1
    return list(rows.values())


def outcome_days_touched(since: dt.datetime, zone: ZoneInfo) -> set[dt.date]:
    """The decided days of the rows written since, and of the rows those correct: a
    correction takes the row it corrects out of force, and that row's day may be another."""
    written = SLAOutcome.objects.filter(written_at__gte=since)
    return (_days_of(written.values_list("decided_at", flat=True).distinct(), zone)
            | _days_of(written.filter(corrects__isnull=False).values_list("corrects__decided_at", flat=True)
                       .distinct(), zone))


# ---------------------------------------------------------------------------------------------
# Surveys


def fold_surveys(day: dt.date, zone: ZoneInfo) -> dict[Dims, SurveyCounts]:
    """The survey rollup rows of one day: {dimensions: counts}."""
    start, end = d.day_range(day, day, zone)
    rows: dict[Dims, SurveyCounts] = defaultdict(SurveyCounts)

    sent = (SurveyInvite.objects.filter(sent_at__gte=start, sent_at__lt=end)
            .values_list("team_id", "ticket__service_item_id", "ticket__priority", "ticket__requester_department_id",
                         "ticket__assignee_id")
            .annotate(n=Count("pk")).order_by())
    for *dims, n in sent:
        rows[tuple(dims)].sent += n
    answered = (SurveyResponse.objects.filter(answered_at__gte=start, answered_at__lt=end)
                .values_list("team_id", "service_item_id", "priority", "ticket__requester_department_id",
                             "assignee_id", "score"))
    for *dims, score in answered:
        target = rows[tuple(dims)]
        target.responses += 1
        target.score_sum += score
        target.positive += score >= d.POSITIVE_SCORE
    return dict(rows)


def survey_days_touched(since: dt.datetime, zone: ZoneInfo) -> set[dt.date]:
    """The days of invites sent and responses answered since, and the days of the surveys of
    every ticket changed since: an invite is cut by its ticket as it stands (its assignee,
    service item, priority, department), so a ticket reassigned after its survey went out
    moves that survey in its day's rollup."""
    touched = TicketEvent.objects.filter(created_at__gte=since).values("ticket_id")
    return (_days_of(SurveyInvite.objects.filter(sent_at__gte=since).values_list("sent_at", flat=True), zone)
            | _days_of(SurveyResponse.objects.filter(answered_at__gte=since).values_list("answered_at", flat=True),
                       zone)
            | _days_of(SurveyInvite.objects.filter(ticket_id__in=touched, sent_at__isnull=False)
                       .values_list("sent_at", flat=True), zone)
            | _days_of(SurveyResponse.objects.filter(ticket_id__in=touched).values_list("answered_at", flat=True),
                       zone))


# ---------------------------------------------------------------------------------------------
# Writing days


def _windows(days: set[dt.date]) -> Iterator[list[dt.date]]:
    """The days in runs of consecutive days, at most READ_WINDOW_DAYS each (an incremental run's
    days are scattered: reading everything between them at once would read far more)."""
    window: list[dt.date] = []
    for day in sorted(days):
        if window and (day - window[-1] > dt.timedelta(days=1) or len(window) == READ_WINDOW_DAYS):
            yield window
            window = []
        window.append(day)
    if window:
        yield window


def _write_tickets(days: set[dt.date], zone: ZoneInfo) -> int:
    return _write_counts(TicketRollup, sql.tickets_fold_days, fold_tickets, days, zone)


def _write_window(model, fold, window: list[dt.date], zone: ZoneInfo) -> int:
    """Rebuild the `model` rows of a run of consecutive days with one statement (`fold`, from
    reports/sql.py)."""
    first, last = window[0], window[-1]
    model.objects.filter(day__gte=first, day__lte=last).delete()
    start, end = d.day_range(first, last, zone)
    return fold(first=first, last=last, start=start, end=end, zone=str(zone))


def _insert_rollups(model, day: dt.date, rows: dict[Dims, TicketCounts | SurveyCounts]) -> int:
    """Write a day's rollup rows folded in Python (databases other than PostgreSQL)."""
    model.objects.bulk_create(
        [model(day=day, **dict(zip(model.DIMENSIONS, dims, strict=True)), **dataclasses.asdict(counts))
         for dims, counts in rows.items()], batch_size=1000)
    return len(rows)


def _write_outcomes(days: set[dt.date], zone: ZoneInfo) -> int:
    written = 0
    for day in sorted(days):
        OutcomeBucket.objects.filter(rollup__day=day).delete()
        OutcomeRollup.objects.filter(day=day).delete()
        if connection.vendor == "postgresql":
            # The same fold as fold_outcomes, where the rows are (reports/sql.py says why).
            start, end = d.day_range(day, day, zone)
            written += sql.outcomes_fold_day(day=day, start=start, end=end)
            continue
        accs = fold_outcomes(day, zone)
        saved = OutcomeRollup.objects.bulk_create([acc.row for acc in accs], batch_size=1000)
        buckets = []
        for acc, row in zip(accs, saved, strict=True):
            for measure, histogram in ((OutcomeBucket.Measure.BUSINESS, acc.business),
                                       (OutcomeBucket.Measure.WALL, acc.wall)):
                buckets += [OutcomeBucket(rollup_id=row.pk, measure=measure, bucket=b, count=n)
                            for b, n in histogram.items()]
        OutcomeBucket.objects.bulk_create(buckets, batch_size=2000)
        written += len(accs)
    return written


def _write_surveys(days: set[dt.date], zone: ZoneInfo) -> int:
    return _write_counts(SurveyRollup, sql.surveys_fold_days, fold_surveys, days, zone)


def _write_counts(model, sql_fold, python_fold, days: set[dt.date], zone: ZoneInfo) -> int:
    """The ticket or survey rollup rows of `days`: on PostgreSQL a window of days per statement
    (`sql_fold`, where the rows are), elsewhere day by day with the Python fold (the reference)."""
    written = 0
    if connection.vendor == "postgresql":
        for window in _windows(days):
            written += _write_window(model, sql_fold, window, zone)
        return written
    for day in sorted(days):
        rows = python_fold(day, zone)
        model.objects.filter(day=day).delete()
        written += _insert_rollups(model, day, rows)
    return written


@dataclass
class RollupRun:
    """What one run folded: the days per source and the rows written."""

    ticket_days: set[dt.date] = field(default_factory=set)
    outcome_days: set[dt.date] = field(default_factory=set)
    survey_days: set[dt.date] = field(default_factory=set)
    rows: int = 0
    as_of: dt.datetime | None = None


def _locked_state() -> RollupState:
    """The state row, locked for the run's transaction (which every fold runs in)."""
    if connection.vendor == "postgresql":
        sql.folds_without_jit()
    RollupState.objects.get_or_create(name=STATE_NAME)
    return RollupState.objects.select_for_update().get(name=STATE_NAME)


def _first_day(zone: ZoneInfo) -> dt.date | None:
    first = Ticket.objects.aggregate(first=Min("created_at"))["first"]
    return d.local_day(first, zone) if first else None


def _all_days(zone: ZoneInfo, until: dt.datetime) -> set[dt.date]:
    first = _first_day(zone)
    if first is None:
        return set()
    last = d.local_day(until, zone)
    return {first + dt.timedelta(days=n) for n in range((last - first).days + 1)}


@transaction.atomic
def rollup_pending(*, now: dt.datetime | None = None) -> RollupRun:
    """Fold everything written since the last run (the beat's task). The first run, or a run
    after REPORT_TIME_ZONE changed, rebuilds every day."""
    now = now or timezone.now()
    zone = report_zone()
    state = _locked_state()
    run = RollupRun(as_of=now)
    if state.as_of is None or state.time_zone != str(zone):
        days = _all_days(zone, now)
        run.ticket_days = run.outcome_days = run.survey_days = days
        _clear_all()
    else:
        since = state.as_of - dt.timedelta(seconds=settings.REPORT_ROLLUP_LAG_SECONDS)
        run.ticket_days = ticket_days_touched(since, zone)
        run.outcome_days = outcome_days_touched(since, zone)
        run.survey_days = survey_days_touched(since, zone)
    run.rows = (_write_tickets(run.ticket_days, zone) + _write_outcomes(run.outcome_days, zone)
                + _write_surveys(run.survey_days, zone))
    total_days = run.ticket_days | run.outcome_days | run.survey_days
    if totals.totals_missing():
        total_days |= _all_days(zone, now)
    totals.write_totals(total_days)
    state.as_of, state.time_zone = now, str(zone)
    state.save(update_fields=["as_of", "time_zone", "updated_at"])
    return run


@transaction.atomic
def rollup_days(*, first: dt.date, last: dt.date, now: dt.datetime | None = None) -> RollupRun:
    """Fold the days first … last again from the raw rows (all sources): the nightly safety
    net over the last days, and `manage.py reports_rebuild --from --to`."""
    zone = report_zone()
    _locked_state()
    days = {first + dt.timedelta(days=n) for n in range((last - first).days + 1)}
    run = RollupRun(ticket_days=days, outcome_days=days, survey_days=days)
    run.rows = _write_tickets(days, zone) + _write_outcomes(days, zone) + _write_surveys(days, zone)
    totals.write_totals(days)
    return run


def _clear_all() -> None:
    totals.clear_totals()
    OutcomeBucket.objects.all().delete()
    for model in (OutcomeRollup, TicketRollup, SurveyRollup):
        model.objects.all().delete()


@transaction.atomic
def rollup_rebuild(*, now: dt.datetime | None = None) -> RollupRun:
    """Every day again from the raw rows (after a change of REPORT_TIME_ZONE, or to check)."""
    state = _locked_state()
    state.as_of = None
    state.save(update_fields=["as_of", "updated_at"])
    return rollup_pending(now=now)


def rollup_as_of() -> dt.datetime | None:
    """Up to when the rollups are complete (None before the first run)."""
    return RollupState.objects.filter(name=STATE_NAME).values_list("as_of", flat=True).first()
