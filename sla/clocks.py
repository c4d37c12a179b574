"""Per-ticket SLA clocks: start, pause, resume, stop and re-match, and the schedule of
steps (warning, breach, escalation levels) the deadline scanner acts on.

Arithmetic is delegated to `sla.business_time`; this module turns a clock row into the
instants that matter and keeps `next_check_at` right after every change.
"""

import datetime as dt
from dataclasses import dataclass

from . import business_time as bt
from .models import BusinessCalendar, EscalationLevel, ServiceStandard, SLAClock

_calendar_cache: dict[int, tuple[dt.datetime, bt.BusinessCalendar]] = {}


def calendar_value(calendar: BusinessCalendar) -> bt.BusinessCalendar:
    """The pure calendar for a calendar row, cached per process until the row changes
    (every edit goes through sla.standards, which bumps `updated_at`)."""
    cached = _calendar_cache.get(calendar.pk)
    if cached and cached[0] == calendar.updated_at:
        return cached[1]
    weekly: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for hours in calendar.working_hours.all():
        start = hours.start.hour * 60 + hours.start.minute
        end = hours.end.hour * 60 + hours.end.minute or 1440
        weekly[hours.weekday].append((start, end))
    holidays = set()
    for holiday in calendar.holidays.all():
        day = holiday.date
        while day <= (holiday.end_date or holiday.date):
            holidays.add(day)
            day += dt.timedelta(days=1)
    value = bt.BusinessCalendar(
        timezone=calendar.timezone,
        weekly=tuple(tuple(sorted(day)) for day in weekly),
        holidays=frozenset(holidays),
        extra_working_days=frozenset(d.date for d in calendar.extra_working_days.all()),
        extra_day_hours=tuple(sorted(weekly[calendar.extra_day_weekday])) or ((540, 1080),),
    )
    _calendar_cache[calendar.pk] = (calendar.updated_at, value)
    return value


@dataclass(frozen=True)
class Step:
    """Something the scanner must do on a clock at `at`: the warning, the breach or a level."""

    key: str
    at: dt.datetime
    level: EscalationLevel | None = None


def target_for(standard: ServiceStandard, kind: str) -> int:
    """The standard's target for a kind of clock, in business minutes (a next-response clock
    exists only under a standard that tracks next responses)."""
    if kind == SLAClock.Kind.FIRST_RESPONSE:
        return standard.first_response_minutes
    if kind == SLAClock.Kind.NEXT_RESPONSE:
        assert standard.next_response_minutes is not None, "the standard does not track next responses"
        return standard.next_response_minutes
    return standard.resolution_minutes


def _at_consumed(clock: SLAClock, cal: bt.BusinessCalendar, seconds: float) -> dt.datetime:
    """The instant the clock will have consumed `seconds` of business time (running from
    `run_started_at`); a threshold already passed while running earlier is due at once."""
    return bt.add_business_seconds(cal, clock.run_started_at, max(0.0, seconds - clock.consumed_seconds))


def clock_steps(clock: SLAClock, cal: bt.BusinessCalendar, levels: list[EscalationLevel]) -> list[Step]:
    """All steps of a running clock, in time order."""
    target = clock.target_minutes * 60.0
    steps = [
        Step("warning", _at_consumed(clock, cal, target * clock.standard.warning_percent / 100)),
        Step("breach", _at_consumed(clock, cal, target)),
    ]
    for level in levels:
        if level.applies_to not in (EscalationLevel.AppliesTo.EVERY_TARGET, clock.kind):
            continue
        if level.trigger == EscalationLevel.Trigger.PERCENT and level.percent:
            amount = target * level.percent / 100
        else:
            amount = target + level.delay_minutes * 60
        steps.append(Step(f"level:{level.order}", _at_consumed(clock, cal, amount), level))
    steps.sort(key=lambda s: (s.at, s.key))
    return steps


def refresh_schedule(clock: SLAClock, cal: bt.BusinessCalendar, levels: list[EscalationLevel],
                     done: set[str]) -> None:
    """Recompute due, warning and next check of a running clock (in memory)."""
    if clock.run_started_at is None or clock.paused_at is not None or clock.stopped_at is not None:
        clock.next_check_at = None
        return
    steps = clock_steps(clock, cal, levels)
    by_key = {s.key: s for s in steps}
    clock.due_at = by_key["breach"].at
    clock.warn_at = by_key["warning"].at
    pending = [s.at for s in steps if s.key not in done]
    clock.next_check_at = min(pending) if pending else None


def _overdue(clock: SLAClock) -> bool:
    return clock.consumed_seconds > clock.target_minutes * 60 + 1e-6


def _mark_overdue(clock: SLAClock, at: dt.datetime) -> None:
    clock.state = SLAClock.State.BREACHED
    if clock.breached_at is None:
        clock.breached_at = clock.due_at or at


def pause(clock: SLAClock, cal: bt.BusinessCalendar, at: dt.datetime) -> None:
    """Stop counting at `at` (waiting on the requester). A clock already past its due time
    stays breached while paused: it is still owed."""
    if clock.paused_at is not None or clock.stopped_at is not None:
        return
    clock.consumed_seconds += max(0.0, bt.business_seconds_between(cal, clock.run_started_at, at))
    clock.paused_at = at
    clock.run_started_at = None
    clock.next_check_at = None
    if _overdue(clock):
        _mark_overdue(clock, at)
    elif clock.state == SLAClock.State.RUNNING:
        clock.state = SLAClock.State.PAUSED


def resume(clock: SLAClock, at: dt.datetime) -> None:
    """Run again from `at`; the caller refreshes the schedule."""
    if clock.paused_at is None:
        return
    clock.paused_seconds += max(0.0, (at - clock.paused_at).total_seconds())
    clock.paused_at = None
    clock.run_started_at = at
    if clock.state == SLAClock.State.PAUSED:
        clock.state = SLAClock.State.RUNNING


def stop(clock: SLAClock, cal: bt.BusinessCalendar, at: dt.datetime, *, fulfilled: bool) -> None:
    """Stop the clock: met if fulfilled in time, breached (met late) if fulfilled after
    its due time, stopped if the ticket ended unfulfilled (closed or cancelled; a breach
    recorded before stays in `breached_at`)."""
    if clock.stopped_at is not None:
        return
    if clock.paused_at is None and clock.run_started_at is not None:
        clock.consumed_seconds += max(0.0, bt.business_seconds_between(cal, clock.run_started_at, at))
    elif clock.paused_at is not None:
        clock.paused_seconds += max(0.0, (at - clock.paused_at).total_seconds())
    clock.paused_at = None
    clock.run_started_at = None
    clock.stopped_at = at
    clock.next_check_at = None
    if not fulfilled:
        clock.state = SLAClock.State.STOPPED
    elif _overdue(clock):
        _mark_overdue(clock, at)
    else:
        clock.state = SLAClock.State.MET


def restart(clock: SLAClock, at: dt.datetime) -> None:
    """Run a stopped clock again for its next cycle (a reopened ticket), which starts at
    `at`: the business time already used counts, so a clock stopped late runs on as
    breached."""
    clock.started_at = at
    clock.stopped_at = None
    clock.paused_at = None
    clock.run_started_at = at
    clock.state = SLAClock.State.BREACHED if _overdue(clock) else SLAClock.State.RUNNING


def retarget(clock: SLAClock, standard: ServiceStandard, old_cal: bt.BusinessCalendar, at: dt.datetime, *,
             waiting_on_requester: bool) -> None:
    """Put a live clock under another standard at `at` (a re-match after a change of
    priority, team or service item): the business time already used counts against the new
    target, and the new standard's pause rule applies at once while the ticket waits on
    the requester. The caller refreshes the schedule."""
    if clock.stopped_at is not None:  # kept for a reopen: it runs on under the new targets
        clock.standard = standard
        clock.target_minutes = target_for(standard, clock.kind)
        return
    if clock.paused_at is None and clock.run_started_at is not None:
        # Count up to `at` on the old calendar, then go on from `at` on the new one.
        clock.consumed_seconds += max(0.0, bt.business_seconds_between(old_cal, clock.run_started_at, at))
        clock.run_started_at = at
    clock.standard = standard
    clock.target_minutes = target_for(standard, clock.kind)
    if waiting_on_requester and standard.pause_on_pending and clock.paused_at is None:
        clock.paused_at = at
        clock.run_started_at = None
        clock.next_check_at = None
    elif clock.paused_at is not None and not (waiting_on_requester and standard.pause_on_pending):
        resume(clock, at)
    if _overdue(clock):
        _mark_overdue(clock, at)
    else:
        clock.state = SLAClock.State.PAUSED if clock.paused_at is not None else SLAClock.State.RUNNING
        clock.breached_at = None
