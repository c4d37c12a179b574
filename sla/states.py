"""The SLA vocabulary, defined once: where a clock stands, where a ticket stands, and the
same as queryset filters. Every page, the API, the dashboard, the leads' digest and the
reports ask this module; none of them decides "at risk" or "breached" on its own.

A *clock* (one target of one ticket) is

- **on track**: running, before its warning time;
- **at risk**: running, past its warning time, before its due time;
- **breached** (shown as "overdue"): still owed and past its due time, running or paused;
- **paused**: waiting on the requester, not past its due time;
- **met**: stopped in time; **met late**: stopped after its due time (history, not a live
  state); **stopped**: cancelled (the ticket was closed or cancelled unresolved).

A ticket has a first-response clock, a resolution clock and, when its standard tracks
next responses, one next-response clock per reply of the requester the team owes an
answer to (`current_clocks` picks what a page shows).

A *ticket's* live state is the worst live state of its clocks — breached, then at risk,
then on track, then paused — and **done** when no clock is live. The queue's *Breached*
tab and the API's `sla_state=breached` hold tickets with something overdue now; *At risk*
those at risk with nothing overdue.

The ticket filters read the summary that `sla.bookkeeping` keeps on each ticket row in the
same transaction as its clocks (`sla_due_at`, `sla_warn_at`: earliest of the running
clocks; `sla_breached`: a live clock is past its due time as recorded; `sla_paused`: a
live clock is paused), so that a queue of 200,000 tickets filters through its indexes.
`tests/sla/test_states_agree.py` checks that the filters and the per-object functions agree
(and that every page and the API say the same).

Pure: no queries, only attribute reads on clock rows (model instances or named tuples
with `state`, `due_at`, `warn_at`, `paused_at` and `stopped_at`; `kind` and `cycle` for
`current_clocks`).
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol

from django.db.models import Q, TextChoices
from django.utils.translation import gettext_lazy as _


class ClockState(TextChoices):
    ON_TRACK = "on_track", _("on track")
    AT_RISK = "at_risk", _("at risk")
    BREACHED = "breached", _("overdue")
    PAUSED = "paused", _("paused")
    MET = "met", _("met")
    MET_LATE = "met_late", _("met late")
    STOPPED = "stopped", _("stopped")


class TicketState(TextChoices):
    BREACHED = "breached", _("breached")
    AT_RISK = "at_risk", _("at risk")
    ON_TRACK = "on_track", _("on track")
    PAUSED = "paused", _("paused")
    DONE = "done", _("no live target")


# Worst first: a ticket takes the first of these that one of its clocks is in.
LIVE_ORDER = (ClockState.BREACHED, ClockState.AT_RISK, ClockState.ON_TRACK, ClockState.PAUSED)
LIVE_STATES = frozenset(LIVE_ORDER)


class ClockRow(Protocol):
    state: str
    due_at: dt.datetime | None
    warn_at: dt.datetime | None
    paused_at: dt.datetime | None
    stopped_at: dt.datetime | None


# The stored `SLAClock.state` values this module reads (sla.models.SLAClock.State).
_STORED_MET = "met"
_STORED_BREACHED = "breached"


def clock_state(clock: ClockRow, now: dt.datetime) -> ClockState:
    """Where one clock stands at `now`."""
    if clock.stopped_at is not None:
        if clock.state == _STORED_MET:
            return ClockState.MET
        if clock.state == _STORED_BREACHED:
            return ClockState.MET_LATE
        return ClockState.STOPPED
    if clock.state == _STORED_BREACHED or (
        clock.paused_at is None and clock.due_at is not None and clock.due_at <= now
    ):
        return ClockState.BREACHED
    if clock.paused_at is not None:
        return ClockState.PAUSED
    if clock.warn_at is not None and clock.warn_at <= now:
        return ClockState.AT_RISK
    return ClockState.ON_TRACK


def deciding_clock(clocks: Iterable[Any], now: dt.datetime) -> Any | None:
    """The live clock that gives the ticket its state (the worst; of two equally bad, the
    one due first); None when no clock is live."""
    live = [(LIVE_ORDER.index(state), clock) for clock in clocks
            if (state := clock_state(clock, now)) in LIVE_STATES]
    if not live:
        return None
    return min(live, key=lambda pair: (pair[0], pair[1].due_at is None, pair[1].due_at or now))[1]


def ticket_state(clocks: Iterable[Any], now: dt.datetime) -> TicketState:
    """A ticket's live state from its clocks: the worst live clock's, or done."""
    clock = deciding_clock(clocks, now)
    return TicketState.DONE if clock is None else TicketState(clock_state(clock, now).value)


def ticket_state_q(state: str, now: dt.datetime, prefix: str = "") -> Q:
    """The tickets in `state` at `now`, as a filter on the ticket summary columns
    (`prefix` names the relation when filtering from another model, e.g. "ticket__")."""
    f = {name: f"{prefix}sla_{name}" for name in ("due_at", "warn_at", "breached", "paused")}
    breached = Q(**{f["breached"]: True}) | Q(**{f"{f['due_at']}__lte": now})
    not_breached = Q(**{f["breached"]: False})
    if state == TicketState.BREACHED:
        return breached
    if state == TicketState.AT_RISK:
        return not_breached & Q(**{f"{f['due_at']}__gt": now, f"{f['warn_at']}__lte": now})
    if state == TicketState.ON_TRACK:
        return not_breached & Q(**{f"{f['due_at']}__gt": now}) & (
            Q(**{f"{f['warn_at']}__gt": now}) | Q(**{f"{f['warn_at']}__isnull": True}))
    no_running = not_breached & Q(**{f"{f['due_at']}__isnull": True})
    if state == TicketState.PAUSED:
        return no_running & Q(**{f["paused"]: True})
    if state == TicketState.DONE:
        return no_running & Q(**{f["paused"]: False})
    raise ValueError(f"Unknown ticket SLA state: {state!r}")


_NEXT_RESPONSE = "next_response"  # sla.models.SLAClock.Kind.NEXT_RESPONSE


def current_clocks(clocks: Iterable[Any]) -> list[Any]:
    """The clocks a ticket shows now, in the order first response, next response,
    resolution: one per kind, its latest cycle; the next response only while one is owed
    (live). Answered next-response cycles are history (their outcomes record them)."""
    latest: dict[str, Any] = {}
    for clock in clocks:
        if clock.kind not in latest or clock.cycle > latest[clock.kind].cycle:
            latest[clock.kind] = clock
    nr = latest.get(_NEXT_RESPONSE)
    if nr is not None and nr.stopped_at is not None:
        del latest[_NEXT_RESPONSE]
    return [latest[kind] for kind in sorted(latest)]


def ticket_summary(clocks: Iterable[Any]) -> tuple[dt.datetime | None, dt.datetime | None, bool, bool]:
    """The summary a ticket row keeps of its clocks: (sla_due_at, sla_warn_at,
    sla_breached, sla_paused). Computed from stored facts only, never from `now`."""
    live = [c for c in clocks if c.stopped_at is None]
    running = [c for c in live if c.paused_at is None and c.due_at is not None]
    due = min((c.due_at for c in running), default=None)
    warn = min((c.warn_at for c in running if c.warn_at is not None), default=None)
    breached = any(c.state == _STORED_BREACHED for c in live)
    paused = any(c.paused_at is not None for c in live)
    return due, warn, breached, paused


def remaining_seconds(clock: ClockRow, now: dt.datetime) -> float | None:
    """Wall-clock seconds until a running clock is due (negative when overdue); None when
    it is paused or stopped."""
    if clock.due_at is None or clock.stopped_at is not None or clock.paused_at is not None:
        return None
    return (clock.due_at - now).total_seconds()


def seconds_late(clock: ClockRow) -> float | None:
    """How long after its due time a met-late clock was stopped (wall time)."""
    if clock.stopped_at is None or clock.due_at is None or clock.state != _STORED_BREACHED:
        return None
    return max(0.0, (clock.stopped_at - clock.due_at).total_seconds())
