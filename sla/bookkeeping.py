"""Clock bookkeeping of each ticket: the SLA side of a ticket change, done inside the
ticket's own transaction.

`tickets.services` calls these functions when a ticket is filed, answered by the team,
replied to by its requester, changes status or is re-matched (priority, team or service),
so that its first-response, next-response and resolution clocks, and the SLA summary
copied onto the ticket row (`sla_due_at`, `sla_warn_at`, `sla_breached`, `sla_paused`),
change together with the ticket. It also re-plans the running clocks after a calendar or
escalation-chain edit (`clocks_replan_request`, then `clocks_replan_pending` from the scan
task).

This module sits below the ticket services and the deadline scanner (`sla.scanner`): it
never imports them, nor notifications or webhooks.
"""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tickets.constants import OPEN_STATUSES, EventKind, Status
from tickets.models import Ticket, TicketEvent

from . import clocks as clk
from . import outcomes, states
from .models import ClockReplan, Escalation, EscalationLevel, ServiceStandard, SLAClock
from .selectors import chain_levels, standard_and_levels_for
from .sql import clocks_update

KINDS = (SLAClock.Kind.FIRST_RESPONSE, SLAClock.Kind.RESOLUTION)
# What a public reply of the team answers: the first response, then each next response.
ANSWERED_BY_REPLY = (SLAClock.Kind.FIRST_RESPONSE, SLAClock.Kind.NEXT_RESPONSE)


def _levels_for(standard: ServiceStandard) -> list[EscalationLevel]:
    if not standard.escalation_chain_id:
        return []
    return chain_levels(chain_ids=[standard.escalation_chain_id]).get(standard.escalation_chain_id, [])


def _done_steps(clock: SLAClock) -> set[str]:
    if clock.pk is None:
        return set()
    return set(Escalation.objects.filter(clock=clock).values_list("step", flat=True))


def _locked_clocks(ticket, *, live_only: bool = False) -> list[SLAClock]:
    """The ticket's clocks under a row lock; `live_only`: those not stopped (all the summary
    needs), so that a reply does not read every answered next-response cycle of the ticket."""
    qs = SLAClock.objects.select_for_update().filter(ticket_id=ticket.pk)
    if live_only:
        qs = qs.filter(stopped_at__isnull=True)
    clocks = list(qs.select_related("standard__calendar").order_by("kind", "cycle"))
    for clock in clocks:
        clock.ticket = ticket  # the caller's row, as this change leaves it (no query)
    return clocks


def _save_clock(clock: SLAClock) -> None:
    """Write a changed clock and, in the same transaction, the SLA outcome its cycle
    decided if it did (met, breached, or breached and now done): every clock of every kind
    goes through here, so that none is missed."""
    clock.save(update_fields=[
        "standard", "cycle", "state", "target_minutes", "started_at", "run_started_at", "consumed_seconds",
        "warn_at", "due_at", "paused_at", "paused_seconds", "breached_at", "stopped_at", "next_check_at",
    ])
    outcomes.clock_outcome_record(clock=clock, ticket=clock.ticket, at=timezone.now())


def _summarise(ticket, clocks: list[SLAClock]) -> bool:
    """Set the clocks' summary on the ticket (queues filter and sort by it through an
    index; sla.states says what it means); True when it changed."""
    summary = states.ticket_summary(clocks)
    if (ticket.sla_due_at, ticket.sla_warn_at, ticket.sla_breached, ticket.sla_paused) == summary:
        return False
    ticket.sla_due_at, ticket.sla_warn_at, ticket.sla_breached, ticket.sla_paused = summary
    return True


def _store_summary(ticket) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(
        sla_due_at=ticket.sla_due_at, sla_warn_at=ticket.sla_warn_at, sla_breached=ticket.sla_breached,
        sla_paused=ticket.sla_paused,
    )


def _sync_ticket(ticket, clocks: list[SLAClock]) -> None:
    """Copy the clocks' summary onto the ticket row when it changed."""
    if _summarise(ticket, clocks):
        _store_summary(ticket)


def _sla_event(ticket, actor, **data) -> None:
    TicketEvent.objects.create(ticket=ticket, actor=actor, kind=EventKind.SLA, data=data)


def iso_or_none(value: dt.datetime | None) -> str | None:
    """An instant as it is written in a ticket event's data (None stays None)."""
    return value.isoformat() if value else None


# --- clocks of one ticket ---------------------------------------------------------------


def ticket_clocks_plan(*, ticket) -> list[SLAClock]:
    """The first-response and resolution clocks of a ticket under the standard that
    matches it (none when no standard covers its team), counted from its `created_at`,
    and the ticket's SLA summary set from them. Nothing is written: a new ticket is
    inserted with its summary instead of updated right after (every index of the
    ticket table would be written twice)."""
    match = standard_and_levels_for(team_id=ticket.team_id, service_item=ticket.service_item,
                                    priority=ticket.priority)
    if match is None:
        return []
    standard, levels = match
    cal = clk.calendar_value(standard.calendar)
    start = ticket.created_at
    clocks = []
    for kind in KINDS:
        clock = SLAClock(
            ticket=ticket, kind=kind, standard=standard, target_minutes=clk.target_for(standard, kind),
            started_at=start, run_started_at=start,
        )
        clk.refresh_schedule(clock, cal, levels, set())
        clocks.append(clock)
    _summarise(ticket, clocks)
    return clocks


def ticket_clocks_write(*, ticket, clocks: list[SLAClock]) -> TicketEvent | None:
    """Write the planned clocks of a ticket that is now stored; returns their history
    entry, unsaved, for the caller to write with its own."""
    if not clocks:
        return None
    SLAClock.objects.bulk_create(clocks)
    standard = clocks[0].standard
    return TicketEvent(
        ticket=ticket, actor=None, kind=EventKind.SLA,
        data={"standard": standard.name, "standard_id": standard.pk, "version": standard.version,
              "first_response_due": iso_or_none(clocks[0].due_at),
              "resolution_due": iso_or_none(clocks[1].due_at)},
    )


def ticket_clocks_start(*, ticket) -> list[SLAClock]:
    """Start the clocks of a ticket filed before any standard covered it."""
    clocks = ticket_clocks_plan(ticket=ticket)
    event = ticket_clocks_write(ticket=ticket, clocks=clocks)
    if event is not None:
        _store_summary(ticket)
        event.save()
    return clocks


def ticket_clocks_on_team_reply(*, ticket, at: dt.datetime) -> None:
    """A public reply of the team answers the requester: it meets (or meets late) the first
    response the first time, and the next response owed since the requester's last reply."""
    clocks = _locked_clocks(ticket, live_only=True)
    for clock in clocks:
        if clock.kind in ANSWERED_BY_REPLY and clock.stopped_at is None:
            clk.stop(clock, clk.calendar_value(clock.standard.calendar), at, fulfilled=True)
            _save_clock(clock)
    _sync_ticket(ticket, clocks)


def ticket_clocks_on_requester_reply(*, ticket, at: dt.datetime) -> SLAClock | None:
    """A public reply of the requester that follows the team's last public reply: the team
    owes the next response within the standard's next-response target, a new cycle. Nothing
    starts while the first-response clock runs (it covers the wait; once the team answered,
    or resolved the ticket, it is stopped), while the ticket is not open (resolved: the
    reply does not reopen it), when the standard does not track next responses, or while a
    next response is already owed (a second reply before the team answered is the same
    cycle). Returns the new clock, if any."""
    if ticket.status not in OPEN_STATUSES:
        return None
    # The caller holds the ticket's row lock: no other reply of this ticket runs meanwhile.
    clocks = _locked_clocks(ticket, live_only=True)
    if any(c.kind in ANSWERED_BY_REPLY for c in clocks):  # first response still owed, or a next one
        return None
    first = SLAClock.objects.filter(ticket_id=ticket.pk, kind=SLAClock.Kind.FIRST_RESPONSE).select_related(
        "standard__calendar").first()
    if first is None:  # no standard covers the ticket
        return None
    standard = first.standard
    if standard.next_response_minutes is None:
        return None
    last = SLAClock.objects.filter(ticket_id=ticket.pk, kind=SLAClock.Kind.NEXT_RESPONSE).aggregate(
        last=Max("cycle"))["last"]
    clock = SLAClock(
        ticket=ticket, kind=SLAClock.Kind.NEXT_RESPONSE, cycle=(last or 0) + 1,
        standard=standard, target_minutes=standard.next_response_minutes, started_at=at, run_started_at=at,
    )
    clk.refresh_schedule(clock, clk.calendar_value(standard.calendar), _levels_for(standard), set())
    clock.save(force_insert=True)
    _sync_ticket(ticket, [*clocks, clock])
    return clock


def ticket_clocks_on_status(*, ticket, old: str, new: str, at: dt.datetime) -> None:
    """Pause while waiting on the requester, resume when back, stop on resolution,
    run again on reopen."""
    clocks = _locked_clocks(ticket)
    for clock in clocks:
        cal = clk.calendar_value(clock.standard.calendar)
        before = (clock.state, clock.paused_at, clock.stopped_at, clock.next_check_at)
        if new == Status.RESOLVED:
            clk.stop(clock, cal, at, fulfilled=True)
        elif new in (Status.CLOSED, Status.CANCELLED):
            clk.stop(clock, cal, at, fulfilled=False)
        elif new == Status.PENDING:
            if clock.standard.pause_on_pending:
                clk.pause(clock, cal, at)
        elif old == Status.PENDING and clock.stopped_at is None:  # answered cycles stay as they are
            clk.resume(clock, at)
            clk.refresh_schedule(clock, cal, _levels_for(clock.standard), _done_steps(clock))
        elif old == Status.RESOLVED and new == Status.OPEN and clock.kind == SLAClock.Kind.RESOLUTION:
            clk.restart(clock, at)
            clock.cycle = ticket.resolution_cycle  # a reopen starts a new resolution cycle
            clk.refresh_schedule(clock, cal, _levels_for(clock.standard), _done_steps(clock))
        if (clock.state, clock.paused_at, clock.stopped_at, clock.next_check_at) != before:
            _save_clock(clock)
    _sync_ticket(ticket, clocks)


def ticket_clocks_rematch(*, ticket, actor, reason: str) -> None:
    """A change of priority, team or service item matches the standard again; the clocks
    keep the business time already used and take the new targets."""
    match = standard_and_levels_for(team_id=ticket.team_id, service_item=ticket.service_item,
                                    priority=ticket.priority)
    standard, levels = match if match else (None, [])
    clocks = _locked_clocks(ticket)
    if not clocks:
        if standard is not None and ticket.status in OPEN_STATUSES:
            ticket_clocks_start(ticket=ticket)
            if ticket.status == Status.PENDING and standard.pause_on_pending:
                # Filed while no standard covered it and waiting on the requester now: the
                # new standard's pause rule applies from the start, as for any re-match.
                ticket_clocks_on_status(ticket=ticket, old=Status.OPEN, new=Status.PENDING, at=timezone.now())
        return
    by_kind = {clock.kind: clock for clock in clocks if clock.kind in KINDS}
    old = by_kind[SLAClock.Kind.FIRST_RESPONSE].standard
    if standard is None or standard.pk == old.pk:
        return
    at = timezone.now()
    cal = clk.calendar_value(standard.calendar)
    next_response = None
    for clock in clocks:
        if clock.kind == SLAClock.Kind.NEXT_RESPONSE:
            if clock.stopped_at is not None:
                continue  # an answered cycle is history: it keeps the standard that measured it
            if standard.next_response_minutes is None:
                # The new standard does not track next responses: the owed one is no longer a target.
                clk.stop(clock, clk.calendar_value(clock.standard.calendar), at, fulfilled=False)
                _save_clock(clock)
                continue
            next_response = clock
        clk.retarget(clock, standard, clk.calendar_value(old.calendar), at,
                     waiting_on_requester=ticket.status == Status.PENDING)
        clk.refresh_schedule(clock, cal, levels, _done_steps(clock))
        _save_clock(clock)
    _sync_ticket(ticket, clocks)
    _sla_event(
        ticket, actor, reason=reason, old_standard=f"{old.name} v{old.version}",
        standard=standard.name, standard_id=standard.pk, version=standard.version,
        first_response_due=iso_or_none(by_kind[SLAClock.Kind.FIRST_RESPONSE].due_at),
        resolution_due=iso_or_none(by_kind[SLAClock.Kind.RESOLUTION].due_at),
        **({"next_response_due": iso_or_none(next_response.due_at)} if next_response else {}),
    )


# --- re-planning after a calendar or chain edit -----------------------------------------


def clocks_replan_request(*, calendar=None, chain=None) -> None:
    """Ask for the running clocks on this calendar or chain to be re-planned; the scan
    task does it in batches (see `clocks_replan_pending`)."""
    ClockReplan.objects.create(calendar=calendar, chain=chain)


def ticket_summaries_refresh(*, ticket_ids) -> None:
    """Recompute the SLA summary of these tickets' rows from their clocks (after clocks
    were changed in bulk, as a re-plan does)."""
    clocks_by_ticket: dict[int, list[SLAClock]] = defaultdict(list)
    for clock in SLAClock.objects.filter(ticket_id__in=list(ticket_ids)).only(
        "ticket_id", "state", "due_at", "warn_at", "paused_at", "stopped_at"
    ):
        clocks_by_ticket[clock.ticket_id].append(clock)
    tickets = list(Ticket.objects.filter(pk__in=list(ticket_ids)).only(
        "sla_due_at", "sla_warn_at", "sla_breached", "sla_paused"))
    changed = [t for t in tickets if _summarise(t, clocks_by_ticket[t.pk])]
    Ticket.objects.bulk_update(changed, ["sla_due_at", "sla_warn_at", "sla_breached", "sla_paused"])


def clocks_replan_pending(*, batch_size: int = 500, max_batches: int = 20) -> int:
    """Work through pending re-plan requests: recompute due, warning and next check of the
    running clocks concerned, a batch per transaction, remembering how far it got."""
    replanned = 0
    for _ in range(max_batches):
        with transaction.atomic():
            request = ClockReplan.objects.select_for_update(skip_locked=True).order_by("id").first()
            if request is None:
                return replanned
            qs = SLAClock.objects.filter(stopped_at__isnull=True, paused_at__isnull=True, pk__gt=request.after_id)
            if request.calendar_id:
                qs = qs.filter(standard__calendar_id=request.calendar_id)
            else:
                qs = qs.filter(standard__escalation_chain_id=request.chain_id)
            clocks = list(
                qs.select_for_update(of=("self",)).select_related("standard__calendar").order_by("pk")[:batch_size]
            )
            done: dict[int, set[str]] = defaultdict(set)
            for clock_id, step in Escalation.objects.filter(clock__in=clocks).values_list("clock_id", "step"):
                done[clock_id].add(step)
            levels = chain_levels(chain_ids={c.standard.escalation_chain_id for c in clocks} - {None})
            for clock in clocks:
                clk.refresh_schedule(clock, clk.calendar_value(clock.standard.calendar),
                                     levels.get(clock.standard.escalation_chain_id, []), done[clock.pk])
            clocks_update(clocks, ["due_at", "warn_at", "next_check_at"])
            ticket_summaries_refresh(ticket_ids={c.ticket_id for c in clocks})
            replanned += len(clocks)
            if len(clocks) < batch_size:
                request.delete()
            else:
                request.after_id = clocks[-1].pk
                request.save(update_fields=["after_id"])
    return replanned
