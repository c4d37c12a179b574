"""How tickets read on the pages: durations, SLA badges (in the words of sla.states) and
the history's lines. Presentation only: no queries, no decisions about state."""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from sla import states
from sla.models import SLAClock

from .constants import EventKind, Priority, Status
from .models import TicketEvent


def format_duration(seconds: float) -> str:
    """A short, human duration: "2 d 3 h", "4 h 10 min", "12 min"."""
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": mins}
    return _("%(minutes)d min") % {"minutes": mins}


def format_business_minutes(minutes: int | None) -> str:
    """A target in business minutes, in the same words as format_duration but never in
    days (a business day is not 24 hours): "30 min", "4 h", "1 h 30 min", "40 h"."""
    if minutes is None:
        return ""
    hours, mins = divmod(int(minutes), 60)
    if hours and mins:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": mins}
    if hours:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(minutes)d min") % {"minutes": mins}


# The targets a reply of the team meets (the others are met by resolving).
_ANSWERS = (SLAClock.Kind.FIRST_RESPONSE, SLAClock.Kind.NEXT_RESPONSE)


def _clock_text(clock: Any, state: states.ClockState, now: dt.datetime) -> str:
    """The short text beside a clock's colour: time left, how overdue, how late."""
    if state in (states.ClockState.ON_TRACK, states.ClockState.AT_RISK):
        return _("%(duration)s left") % {"duration": format_duration(states.remaining_seconds(clock, now) or 0)}
    if state == states.ClockState.BREACHED:
        seconds = states.remaining_seconds(clock, now)
        if seconds is None:  # paused past its due time
            return _("overdue, paused")
        return _("overdue by %(duration)s") % {"duration": format_duration(seconds)}
    if state == states.ClockState.MET_LATE:
        late = format_duration(states.seconds_late(clock) or 0)
        if clock.kind in _ANSWERS:
            return _("answered %(duration)s late") % {"duration": late}
        return _("resolved %(duration)s late") % {"duration": late}
    return ""


def _state_label(clock: Any, state: states.ClockState) -> str:
    """The state's words; a target met late says which: answered late or resolved late."""
    if state == states.ClockState.MET_LATE:
        return _("answered late") if clock.kind in _ANSWERS else _("resolved late")
    return str(state.label)


@dataclass(frozen=True)
class ClockBadge:
    """One SLA clock as the pages show it: its state's colour and words."""

    kind: str
    label: str
    due_at: dt.datetime | None
    state: str
    state_label: str
    remaining: str

    @classmethod
    def of(cls, clock: Any, now: dt.datetime) -> "ClockBadge":
        state = states.clock_state(clock, now)
        return cls(
            kind=clock.kind, label=str(SLAClock.Kind(clock.kind).label), due_at=clock.due_at, state=state.value,
            state_label=_state_label(clock, state), remaining=_clock_text(clock, state, now),
        )


def ticket_badge(clocks: Iterable[Any], now: dt.datetime) -> ClockBadge | None:
    """A ticket's live SLA state, shown by the clock that decides it; None when no target
    is live."""
    clock = states.deciding_clock(clocks, now)
    return None if clock is None else ClockBadge.of(clock, now)


@dataclass(frozen=True)
class OutcomeLine:
    """One SLA outcome as the ticket page's SLA panel lists it: which target and cycle,
    met or breached, and by how much."""

    label: str
    cycle: int
    met: bool
    text: str
    corrected: bool

    @classmethod
    def of(cls, outcome: Any) -> "OutcomeLine":
        if outcome.met:
            text = str(SLAClock.State.MET.label)
        elif outcome.breached_by_seconds is None:  # the late work is not done (or never was)
            text = _("breached, not done in time")
        else:
            text = _("breached by %(duration)s") % {"duration": format_duration(outcome.breached_by_seconds)}
        return cls(label=str(SLAClock.Kind(outcome.kind).label), cycle=outcome.cycle, met=outcome.met, text=text,
                   corrected=outcome.corrects_id is not None)


@dataclass(frozen=True)
class Promise:
    """What the requester is told of one target: when the team aims to answer or resolve
    (no internal detail: no at-risk, no escalation, no standard's name)."""

    text: str
    at: dt.datetime | None


def requester_promises(clocks: Iterable[Any], now: dt.datetime) -> list[Promise]:
    """The live targets of a ticket in the requester's words, from the same clocks as the
    team's view: "We aim to reply by Mon 2026-09-28 09:15" (in the viewer's time zone),
    "We aimed to resolve it by …" once overdue, or paused while the team waits for the
    requester. A next response owed since the requester's last reply is a reply like the
    first. Met or stopped targets say nothing."""
    promises = []
    for clock in sorted(clocks, key=lambda c: c.kind):
        state = states.clock_state(clock, now)
        first = clock.kind in _ANSWERS
        when = {"when": date_format(localtime(clock.due_at), "D Y-m-d H:i")} if clock.due_at else {}
        if state == states.ClockState.PAUSED:
            promises.append(Promise(_("Paused while the team waits for your reply."), None))
        elif state in (states.ClockState.ON_TRACK, states.ClockState.AT_RISK):
            text = _("We aim to reply by %(when)s.") if first else _("We aim to resolve it by %(when)s.")
            promises.append(Promise(text % when, clock.due_at))
        elif state == states.ClockState.BREACHED:
            text = _("We aimed to reply by %(when)s.") if first else _("We aimed to resolve it by %(when)s.")
            promises.append(Promise(text % when, clock.due_at))
    return list(dict.fromkeys(promises))


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


# What the scanner stored as the reason of a transfer by an escalation level before it
# stored the level's number (`escalation_level`) as well.
_LEVEL_REASON = re.compile(r"Escalation level (\d+)")


def _transfer_reason(data: dict) -> str:
    """A transfer's reason: the agent's words as typed; an escalation level's in the reader's language."""
    level = data.get("escalation_level")
    if level is None and (match := _LEVEL_REASON.fullmatch(str(data.get("reason", "")))):
        level = int(match.group(1))
    if level is not None:
        return _("Escalation level %(n)d") % {"n": int(level)}
    return str(data.get("reason", ""))


def describe_event(event: TicketEvent, *, teams: dict | None = None, standards: dict | None = None) -> str:
    """One line of a ticket's history, in words. `teams` and `standards` (by id, fetched
    by the caller) name a transfer's team and an applied service standard in the reader's
    language; without them, the name stored with the event."""
    data = event.data or {}
    kind = event.kind
    if kind == EventKind.CREATED:
        return _("Filed the request")
    if kind == EventKind.STATUS:
        return _("Changed the status from %(old)s to %(new)s") % {
            "old": _label(Status, data.get("old")), "new": _label(Status, data.get("new"))}
    if kind == EventKind.PRIORITY:
        return _("Changed the priority from %(old)s to %(new)s") % {
            "old": _label(Priority, data.get("old")), "new": _label(Priority, data.get("new"))}
    if kind == EventKind.ASSIGNED:
        if data.get("new_name"):
            return _("Assigned to %(name)s") % {"name": data["new_name"]}
        return _("Unassigned")
    if kind == EventKind.TEAM:
        team = (teams or {}).get(data.get("new"))
        name = team.tr("name") if team is not None else data.get("new_name", "?")
        return _("Transferred to %(team)s: %(reason)s") % {"team": name, "reason": _transfer_reason(data)}
    if kind == EventKind.SERVICE_ITEM:
        return _("Changed the service")
    if kind == EventKind.COMMENT:
        return _("Replied")
    if kind == EventKind.NOTE:
        return _("Added an internal note")
    if kind == EventKind.ATTACHMENT:
        return _("Attached %(name)s") % {"name": data.get("name", "")}
    if kind == EventKind.FIRST_RESPONSE:
        return _("First response")
    if kind == EventKind.SLA:
        standard = (standards or {}).get(data.get("standard_id"))
        name = standard.tr("name") if standard is not None else data.get("standard", "?")
        if data.get("old_standard"):
            return _("Service standard changed from %(old)s to %(new)s") % {"old": data["old_standard"], "new": name}
        return _("Service standard applied: %(name)s") % {"name": name}
    if kind == EventKind.COLLABORATOR:
        return _("Added %(name)s as a collaborator") % {"name": data.get("name", "?")}
    if kind == EventKind.LINK:
        return _("Linked to %(ref)s") % {"ref": data.get("other_ref", "?")}
    if kind == EventKind.MERGED:
        if data.get("target_ref"):
            return _("Merged into %(ref)s") % {"ref": data["target_ref"]}
        return _("Merged %(ref)s into this ticket") % {"ref": data.get("source_ref", "?")}
    if kind == EventKind.PROBLEM:
        values = {"ref": data.get("ref", "?"), "title": data.get("title", "")}
        if data.get("action") == "unlinked":
            return _("Unlinked from problem %(ref)s %(title)s") % values
        return _("Linked to problem %(ref)s %(title)s") % values
    if kind == EventKind.ESCALATION:
        step = str(data.get("step", ""))
        clock = _label(SLAClock.Kind, data.get("clock"))
        if step == "warning":
            return _("%(clock)s target at risk") % {"clock": clock}
        if step == "breach":
            return _("%(clock)s target breached") % {"clock": clock}
        return _("Escalation %(step)s on the %(clock)s target") % {"step": step.replace("level:", "L"), "clock": clock}
    return _label(EventKind, kind)


