"""Writing SLA outcomes: the one place that decides what row a decided clock cycle gets.

Called in the transaction of the change that decides the cycle, at the clock level so that
every kind of clock (first response, next response, resolution) is covered by the same code:

- the clock bookkeeping (`sla.bookkeeping`) calls `clock_outcome_record` for every clock it
  saves: a clock stopped fulfilled before its due time gets its met row; a clock stopped
  fulfilled late gets its breached row completed (or written complete when no scan got to
  it first); a live clock found past its due time (paused, re-matched or reopened already
  overdue) gets its breached row;
- the deadline scanner (`sla.scanner`) calls `outcomes_breached_record` once per batch for
  the breach steps it recorded.

Every insert is `INSERT … ON CONFLICT DO NOTHING` (`bulk_create(ignore_conflicts=True)`)
against the partial unique constraint on (ticket, kind, cycle) of original rows, so that
writing the same decision twice, or from two transactions at once, leaves one row; the
completion is one UPDATE guarded by `stopped_at IS NULL`, so it happens once. Corrections
are new rows (`sla_outcome_correct`). Nothing here sends anything or touches the clock.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from .models import SLAClock, SLAOutcome
from .sql import outcomes_breached_insert

DECIDING_STATES = (SLAClock.State.MET, SLAClock.State.BREACHED)


def _seconds(value: float) -> int:
    return max(0, round(value))


def _completion(clock: SLAClock) -> dict:
    """The fields a stopped clock's cycle knows once its work is done."""
    business = _seconds(clock.consumed_seconds)
    return {
        "stopped_at": clock.stopped_at,
        "business_seconds": business,
        "wall_seconds": _seconds((clock.stopped_at - clock.started_at).total_seconds()),
        "paused_seconds": _seconds(clock.paused_seconds),
        "breached_by_seconds": 0 if clock.state == SLAClock.State.MET else max(0, business - clock.target_minutes * 60),
        "written_at": timezone.now(),
    }


def outcome_of(clock: SLAClock, ticket, *, at: dt.datetime) -> SLAOutcome:
    """The original outcome row (unsaved) of the clock's current cycle as it stands: met when
    stopped in time, breached otherwise; with its completion when the clock is stopped."""
    outcome = SLAOutcome(
        ticket_id=ticket.pk, kind=clock.kind, cycle=clock.cycle, standard_id=clock.standard_id,
        standard_version=clock.standard.version, team_id=ticket.team_id, service_item_id=ticket.service_item_id,
        priority=ticket.priority, requester_department_id=ticket.requester_department_id,
        assignee_id=ticket.assignee_id, started_at=clock.started_at, due_at=clock.due_at,
        target_minutes=clock.target_minutes, met=clock.state == SLAClock.State.MET, decided_at=at,
        written_at=timezone.now(),
    )
    if clock.stopped_at is not None:
        for name, value in _completion(clock).items():
            setattr(outcome, name, value)
    return outcome


def outcomes_insert(outcomes: Iterable[SLAOutcome]) -> None:
    """Insert original rows, skipping those whose cycle already has one (in one statement)."""
    outcomes = list(outcomes)
    if outcomes:
        SLAOutcome.objects.bulk_create(outcomes, ignore_conflicts=True)


def outcome_complete(clock: SLAClock, *, ticket_id: int) -> int:
    """Give a breached cycle its completion once (1 when this call did it, else 0). By how
    much it was breached is measured against the row's own target, the one it was decided
    under (a later re-match may have moved the clock's)."""
    completion = _completion(clock)
    completion["breached_by_seconds"] = Greatest(Value(0), Value(completion["business_seconds"])
                                                 - F("target_minutes") * 60)
    return SLAOutcome.objects.filter(
        ticket_id=ticket_id, kind=clock.kind, cycle=clock.cycle, corrects__isnull=True, met=False,
        stopped_at__isnull=True,
    ).update(**completion)


def clock_outcome_record(*, clock: SLAClock, ticket, at: dt.datetime) -> None:
    """Record what the clock's current cycle decided, if anything; harmless to repeat.

    A met clock writes its met row; a breached clock its breached row (with its completion
    when it is stopped, i.e. fulfilled late); a clock stopped unfulfilled (closed or
    cancelled) or still running in time decides nothing."""
    if clock.state not in DECIDING_STATES:
        return
    if clock.state == SLAClock.State.MET and clock.stopped_at is None:
        return
    outcomes_insert([outcome_of(clock, ticket, at=at)])
    if clock.stopped_at is not None:
        # Written complete just now (nothing left to do), or breached earlier: by the
        # scanner, or before a re-match onto a looser standard took the clock back under
        # its target (the breach stands, and the work is done now): complete that row.
        outcome_complete(clock, ticket_id=ticket.pk)


def outcomes_breached_record(*, clocks: Iterable[SLAClock], at: dt.datetime) -> None:
    """The scanner's breach step for a batch: one breached row per clock's current cycle, in
    one statement, from the clock rows as the batch just wrote them (on PostgreSQL an
    `INSERT … SELECT`, see `sla.sql`; elsewhere from the clocks in memory, each with its
    ticket loaded)."""
    clocks = list(clocks)
    if connection.vendor == "postgresql":
        outcomes_breached_insert([clock.pk for clock in clocks], at)
    else:
        outcomes_insert(outcome_of(clock, clock.ticket, at=at) for clock in clocks)


@transaction.atomic
def sla_outcome_correct(*, outcome: SLAOutcome, actor, reason: str, **changes) -> SLAOutcome:
    """Correct an outcome: a new row with the corrected values that names the row it
    corrects (the row itself never changes). `changes` may set `met`, the times and the
    seconds."""
    allowed = {"met", "started_at", "stopped_at", "due_at", "business_seconds", "wall_seconds", "paused_seconds",
               "breached_by_seconds", "target_minutes", "decided_at"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot correct {sorted(unknown)}")
    if outcome.corrections.exists():
        raise ValueError("correct the row in force: this one was corrected already")
    values = {f.attname: getattr(outcome, f.attname) for f in SLAOutcome._meta.concrete_fields if not f.primary_key}
    values.update(changes, corrects_id=outcome.pk, reason=reason, recorded_by_id=actor.pk if actor else None,
                  written_at=timezone.now())
    return SLAOutcome.objects.create(**values)
