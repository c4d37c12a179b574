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
    (every edit goes through sla.services, which bumps `updated_at`)."""
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
    if kind == SLAClock.Kind.FIRST_RESPONSE:
        return standard.first_response_minutes
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
        if level.applies_to not in ("both", clock.kind):
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


def pause(clock: SLAClock, cal: bt.BusinessCalendar, at: dt.datetime) -> None:
    if clock.paused_at is not None or clock.stopped_at is not None:
        return
    clock.consumed_seconds += max(0.0, bt.business_seconds_between(cal, clock.run_started_at, at))
    clock.paused_at = at
    clock.run_started_at = None
    clock.next_check_at = None
    if clock.state == SLAClock.State.RUNNING:
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
    """Stop the clock: met if fulfilled in time, breached if its due time had passed."""
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
    if clock.consumed_seconds > clock.target_minutes * 60 + 1e-6:
        clock.state = SLAClock.State.BREACHED
        if clock.breached_at is None:
            clock.breached_at = clock.due_at or at
    elif fulfilled:
        clock.state = SLAClock.State.MET


def restart(clock: SLAClock, at: dt.datetime) -> None:
    """Run a stopped clock again (a reopened ticket): the business time already used counts."""
    clock.stopped_at = None
    clock.paused_at = None
    clock.run_started_at = at
    if clock.state == SLAClock.State.MET:
        clock.state = SLAClock.State.RUNNING


def remaining_seconds(clock: SLAClock, now: dt.datetime) -> float | None:
    """Wall-clock seconds until due (negative when overdue); None when nothing is due."""
    if clock.due_at is None or clock.stopped_at is not None:
        return None
    if clock.paused_at is not None:
        return None
    return (clock.due_at - now).total_seconds()


def display_state(clock: SLAClock, now: dt.datetime) -> str:
    """on_track, at_risk, breached, paused, met or stopped: what the pages colour."""
    if clock.state == SLAClock.State.BREACHED or (
        clock.stopped_at is None and clock.paused_at is None and clock.due_at and clock.due_at <= now
    ):
        return "breached"
    if clock.state == SLAClock.State.MET:
        return "met"
    if clock.stopped_at is not None:
        return "stopped"
    if clock.paused_at is not None:
        return "paused"
    if clock.warn_at and clock.warn_at <= now:
        return "at_risk"
    return "on_track"
