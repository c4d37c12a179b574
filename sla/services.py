"""SLA writes: the clocks of each ticket (called by tickets.services inside the ticket's
transaction) and the deadline scanner that escalates warnings and breaches exactly once."""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from notifications import services as notify
from tickets.constants import EventKind, Priority, Status
from tickets.models import Ticket, TicketEvent
from webhooks import services as webhooks

from . import clocks as clk
from . import states
from .models import Escalation, EscalationLevel, ServiceStandard, SLAClock
from .selectors import chain_levels, standard_and_levels_for
from .sql import escalations_record

logger = logging.getLogger(__name__)

KINDS = (SLAClock.Kind.FIRST_RESPONSE, SLAClock.Kind.RESOLUTION)


def _levels_for(standard: ServiceStandard) -> list[EscalationLevel]:
    if not standard.escalation_chain_id:
        return []
    return chain_levels(chain_ids=[standard.escalation_chain_id]).get(standard.escalation_chain_id, [])


def _done_steps(clock: SLAClock) -> set[str]:
    if clock.pk is None:
        return set()
    return set(Escalation.objects.filter(clock=clock).values_list("step", flat=True))


def _locked_clocks(ticket) -> list[SLAClock]:
    return list(
        SLAClock.objects.select_for_update()
        .filter(ticket_id=ticket.pk)
        .select_related("standard__calendar")
        .order_by("kind")
    )


def _save_clock(clock: SLAClock) -> None:
    clock.save(update_fields=[
        "standard", "state", "target_minutes", "run_started_at", "consumed_seconds", "warn_at", "due_at",
        "paused_at", "paused_seconds", "breached_at", "stopped_at", "next_check_at",
    ])


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


def _iso(value: dt.datetime | None) -> str | None:
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
              "first_response_due": _iso(clocks[0].due_at), "resolution_due": _iso(clocks[1].due_at)},
    )


def ticket_clocks_start(*, ticket) -> list[SLAClock]:
    """Start the clocks of a ticket filed before any standard covered it."""
    clocks = ticket_clocks_plan(ticket=ticket)
    event = ticket_clocks_write(ticket=ticket, clocks=clocks)
    if event is not None:
        _store_summary(ticket)
        event.save()
    return clocks


def ticket_clocks_on_first_response(*, ticket, at: dt.datetime) -> None:
    clocks = _locked_clocks(ticket)
    for clock in clocks:
        if clock.kind == SLAClock.Kind.FIRST_RESPONSE and clock.stopped_at is None:
            clk.stop(clock, clk.calendar_value(clock.standard.calendar), at, fulfilled=True)
            _save_clock(clock)
    _sync_ticket(ticket, clocks)


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
        elif old == Status.PENDING:
            clk.resume(clock, at)
            clk.refresh_schedule(clock, cal, _levels_for(clock.standard), _done_steps(clock))
        elif old == Status.RESOLVED and new == Status.OPEN and clock.kind == SLAClock.Kind.RESOLUTION:
            clk.restart(clock, at)
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
        if standard is not None and ticket.status in (Status.NEW, Status.OPEN, Status.PENDING):
            ticket_clocks_start(ticket=ticket)
        return
    old = clocks[0].standard
    if standard is None or standard.pk == old.pk:
        return
    at = timezone.now()
    cal = clk.calendar_value(standard.calendar)
    for clock in clocks:
        clk.retarget(clock, standard, clk.calendar_value(old.calendar), at,
                     waiting_on_requester=ticket.status == Status.PENDING)
        clk.refresh_schedule(clock, cal, levels, _done_steps(clock))
        _save_clock(clock)
    _sync_ticket(ticket, clocks)
    _sla_event(
        ticket, actor, reason=reason, old_standard=f"{old.name} v{old.version}",
        standard=standard.name, standard_id=standard.pk, version=standard.version,
        first_response_due=_iso(clocks[0].due_at), resolution_due=_iso(clocks[1].due_at),
    )


# --- the deadline scanner ---------------------------------------------------------------


@dataclass
class ScanResult:
    claimed: int = 0
    escalations: int = 0
    batches: int = 0
    actions: list[str] = field(default_factory=list)


STEP_TEXT = {
    "warning": (
        gettext_lazy("[%(reference)s] At risk: %(title)s"),
        gettext_lazy("%(reference)s %(title)s is close to its due time."),
    ),
    "breach": (
        gettext_lazy("[%(reference)s] Overdue: %(title)s"),
        gettext_lazy("%(reference)s %(title)s has passed its due time."),
    ),
    "level": (
        gettext_lazy("[%(reference)s] Escalated: %(title)s"),
        gettext_lazy("%(reference)s %(title)s was escalated because its target is at risk or breached."),
    ),
}

RAISED = {Priority.P4: Priority.P3, Priority.P3: Priority.P2, Priority.P2: Priority.P1}


def sla_scan(*, now: dt.datetime | None = None, batch_size: int | None = None) -> ScanResult:
    """One cycle of the scanner: claim due clocks in batches (SKIP LOCKED, so that
    several workers share the work and none takes a clock another holds), record each
    step once, apply its actions and write its notifications to the outbox, all in the
    batch's transaction. Running it twice, or twice at once, records nothing twice."""
    now = now or timezone.now()
    batch_size = batch_size or settings.SLA_SCAN_BATCH_SIZE
    result = ScanResult()
    while True:
        claimed = _scan_batch(now, batch_size, result)
        result.batches += 1
        if claimed < batch_size:
            return result


def _scan_batch(now: dt.datetime, batch_size: int, result: ScanResult) -> int:
    from teams.models import Membership, User

    with transaction.atomic():
        clocks = list(
            SLAClock.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(next_check_at__lte=now)
            .select_related("ticket__assignee")
            .order_by("next_check_at")[:batch_size]
        )
        if not clocks:
            return 0
        # A handful of standards serve thousands of clocks: load each once, not per row.
        standards = ServiceStandard.objects.select_related("calendar").in_bulk({c.standard_id for c in clocks})
        for clock in clocks:
            clock.standard = standards[clock.standard_id]
        result.claimed += len(clocks)
        done: dict[int, set[str]] = defaultdict(set)
        for clock_id, step in Escalation.objects.filter(clock_id__in=[c.pk for c in clocks]).values_list(
            "clock_id", "step"
        ):
            done[clock_id].add(step)
        levels_by_chain = chain_levels(chain_ids={c.standard.escalation_chain_id for c in clocks} - {None})

        fired: list[tuple[SLAClock, clk.Step]] = []
        for clock in clocks:
            cal = clk.calendar_value(clock.standard.calendar)
            levels = levels_by_chain.get(clock.standard.escalation_chain_id, [])
            steps = clk.clock_steps(clock, cal, levels)
            for step in steps:
                if step.at <= now and step.key not in done[clock.pk]:
                    fired.append((clock, step))
                    done[clock.pk].add(step.key)
                    if step.key == "breach" and clock.state == SLAClock.State.RUNNING:
                        clock.state = SLAClock.State.BREACHED
                        clock.breached_at = step.at
            clk.refresh_schedule(clock, cal, levels, done[clock.pk])

        recorded = escalations_record(
            [(c.pk, s.key, s.level.pk if s.level else None, s.at, now) for c, s in fired]
        )
        fired = [(c, s) for c, s in fired if (c.pk, s.key) in recorded]
        SLAClock.objects.bulk_update(clocks, ["state", "breached_at", "next_check_at", "due_at", "warn_at"])
        newly_breached = {c.ticket_id for c, s in fired if s.key == "breach"} - {
            c.ticket_id for c in clocks if c.ticket.sla_breached}
        if newly_breached:
            Ticket.objects.filter(pk__in=newly_breached).update(sla_breached=True)
        if not fired:
            return len(clocks)

        team_ids = {c.ticket.team_id for c, _s in fired}
        leads: dict[int, list] = defaultdict(list)
        for m in Membership.objects.filter(team_id__in=team_ids, role=Membership.Role.LEAD).select_related("user"):
            leads[m.team_id].append(m.user)
        admins = None
        level_users: dict[int, list] = {}
        recorded_at = timezone.now()
        follow_ups = []
        # One history entry and one notification per clock and cycle: when a late scan
        # fires the warning, the breach and a level at once, the entry lists every step
        # and people hear of the most severe one, sent to everybody any of them names.
        per_clock: dict[int, dict] = {}
        for clock, step in fired:
            ticket = clock.ticket
            recipients: list = []
            actions: list[str] = []
            kind = step.key.split(":")[0]
            level = step.level
            if kind == "warning":
                recipients = [ticket.assignee] if ticket.assignee else leads[ticket.team_id]
            elif kind == "breach":
                recipients = [ticket.assignee, *leads[ticket.team_id]]
            else:
                if level.notify_assignee and ticket.assignee:
                    recipients.append(ticket.assignee)
                if level.notify_lead:
                    recipients.extend(leads[ticket.team_id])
                if level.notify_admins:
                    if admins is None:
                        admins = list(User.objects.filter(Q(is_service_admin=True) | Q(is_superuser=True),
                                                          is_active=True))
                    recipients.extend(admins)
                if level.pk not in level_users:
                    level_users[level.pk] = list(level.notify_users.all())
                recipients.extend(level_users[level.pk])
                if level.raise_priority:
                    follow_ups.append(("raise_priority", ticket, level))
                    actions.append("raise_priority")
                if level.reassign:
                    follow_ups.append((f"reassign_{level.reassign}", ticket, level))
                    actions.append(f"reassign_{level.reassign}")
            entry = per_clock.setdefault(clock.pk, {"clock": clock, "steps": [], "recipients": {}, "actions": []})
            entry["steps"].append(step)  # in time order: the last is the most severe
            entry["recipients"].update({u.pk: u for u in recipients if u is not None})
            entry["actions"].extend(actions)
        events, messages = [], []
        for entry in per_clock.values():
            clock, step, recipients = entry["clock"], entry["steps"][-1], entry["recipients"]
            events.append(TicketEvent(
                ticket_id=clock.ticket_id, kind=EventKind.ESCALATION, created_at=recorded_at,
                data={"clock": clock.kind, "step": step.key, "steps": [s.key for s in entry["steps"]],
                      "due_at": _iso(clock.due_at), "at": _iso(step.at),
                      "notified": sorted(u.username for u in recipients.values()), "actions": entry["actions"]},
            ))
            kind = step.key.split(":")[0]
            subject, body = STEP_TEXT[kind]
            messages.append(notify.Message(
                recipients=list(recipients.values()),
                event=notify.SLA_WARNING if kind == "warning" else notify.SLA_ESCALATION,
                ticket=clock.ticket, key=f"sla:{clock.pk}:{step.key}", subject=subject, body=body,
            ))
        TicketEvent.objects.bulk_create(events)
        webhooks.webhook_events(events=[
            ("ticket.escalated", c.ticket, {"clock": c.kind, "step": s.key, "due_at": _iso(c.due_at), "at": _iso(s.at)})
            for c, s in fired
        ])
        notify.enqueue_many(messages)
        for action, ticket, level in follow_ups:
            _apply_action(action, ticket, level, leads)
            result.actions.append(action)
        result.escalations += len(fired)
        return len(clocks)


def _apply_action(action: str, ticket, level: EscalationLevel, leads) -> None:
    """Actions that change the ticket go through the ticket services like any other change."""
    from tickets import services as tickets

    if ticket.status not in (Status.NEW, Status.OPEN, Status.PENDING):
        return
    if action == "raise_priority" and ticket.priority in RAISED:
        tickets.ticket_set_priority(ticket=ticket, priority=RAISED[ticket.priority], actor=None)
    elif action == "reassign_lead" and leads[ticket.team_id]:
        tickets.ticket_assign(ticket=ticket, assignee=leads[ticket.team_id][0], actor=None)
    elif action == "reassign_team" and level.reassign_team_id and level.reassign_team_id != ticket.team_id:
        tickets.ticket_transfer(ticket=ticket, team=level.reassign_team, actor=None,
                                 reason=str(gettext_lazy("Escalation level %(n)d") % {"n": level.order}))


# --- re-planning after a calendar or chain edit -----------------------------------------


def clocks_replan_request(*, calendar=None, chain=None) -> None:
    """Ask for the running clocks on this calendar or chain to be re-planned; the scan
    task does it in batches (see `clocks_replan_pending`)."""
    from .models import ClockReplan

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
    from .models import ClockReplan

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
            SLAClock.objects.bulk_update(clocks, ["due_at", "warn_at", "next_check_at"])
            ticket_summaries_refresh(ticket_ids={c.ticket_id for c in clocks})
            replanned += len(clocks)
            if len(clocks) < batch_size:
                request.delete()
            else:
                request.after_id = clocks[-1].pk
                request.save(update_fields=["after_id"])
    return replanned
