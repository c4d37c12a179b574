"""The deadline scanner: one cycle finds the clocks due for a warning, the breach or an
escalation level, records each step exactly once, notifies the people concerned through
the outbox, sends the webhook events, and applies the levels' actions (raise the priority,
reassign) through the ticket services like any other change.

It sits above the ticket services (`tickets.services`), notifications and webhooks; the
per-ticket clock bookkeeping (`sla.bookkeeping`) sits below all of them.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from notifications import services as notify
from teams.models import Membership, User
from tickets import services as tickets
from tickets.constants import OPEN_STATUSES, EventKind, Priority
from tickets.models import Ticket, TicketEvent
from webhooks import services as webhooks

from . import clocks as clk
from . import outcomes
from .bookkeeping import iso_or_none
from .models import Escalation, EscalationLevel, ScannerHeartbeat, ServiceStandard, SLAClock
from .selectors import chain_levels
from .sql import clocks_update, escalations_record


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
            _heartbeat_record(now)
            return result


def _heartbeat_record(now: dt.datetime) -> None:
    """The cycle got through every due clock: say so (one upsert), for the readiness check."""
    ScannerHeartbeat.objects.bulk_create(
        [ScannerHeartbeat(name=ScannerHeartbeat.DEADLINE_SCANNER, last_success_at=now)],
        update_conflicts=True, unique_fields=["name"], update_fields=["last_success_at"],
    )


def _scan_batch(now: dt.datetime, batch_size: int, result: ScanResult) -> int:
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
        clocks_update(clocks, ["state", "breached_at", "next_check_at", "due_at", "warn_at"])
        # The breach decides the cycle: its outcome row, for the whole batch in one insert.
        outcomes.outcomes_breached_record(clocks=[c for c, s in fired if s.key == "breach"], at=now)
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
                      "due_at": iso_or_none(clock.due_at), "at": iso_or_none(step.at),
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
            ("ticket.escalated", c.ticket,
             {"clock": c.kind, "step": s.key, "due_at": iso_or_none(c.due_at), "at": iso_or_none(s.at)})
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
    if ticket.status not in OPEN_STATUSES:
        return
    if action == "raise_priority" and ticket.priority in RAISED:
        tickets.ticket_set_priority(ticket=ticket, priority=RAISED[ticket.priority], actor=None)
    elif action == "reassign_lead" and leads[ticket.team_id]:
        tickets.ticket_assign(ticket=ticket, assignee=leads[ticket.team_id][0], actor=None)
    elif action == "reassign_team" and level.reassign_team_id and level.reassign_team_id != ticket.team_id:
        # The scanner has no reader: the stored reason is English (for the API), the
        # history words it in each reader's language from `escalation_level`.
        with translation.override("en"):
            reason = str(gettext_lazy("Escalation level %(n)d") % {"n": level.order})
        tickets.ticket_transfer(ticket=ticket, team=level.reassign_team, actor=None, reason=reason,
                                 escalation_level=level.order)

