"""The deadline scanner: warnings, breaches and escalation levels, each exactly once,
with their actions and outbox notifications written in the same transaction."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from notifications.models import OutboxMessage
from notifications.services import deliver_outbox
from sla.models import Escalation, EscalationChain, EscalationLevel, SLAClock
from sla.scanner import sla_scan
from tests.factories import ServiceStandardFactory
from tests.threads import run_together
from tickets.constants import EventKind, Status

NOW = timezone.now


@pytest.fixture
def chain(world):
    chain = EscalationChain.objects.create(name="Standard escalation")
    EscalationLevel.objects.create(chain=chain, order=1, trigger="after_breach", delay_minutes=0,
                                   notify_assignee=True, notify_lead=True)
    manager = world.admin
    level2 = EscalationLevel.objects.create(chain=chain, order=2, trigger="after_breach", delay_minutes=60,
                                            raise_priority=True, applies_to="resolution")
    level2.notify_users.add(manager)
    return chain


@pytest.fixture
def standard(world, chain):
    return ServiceStandardFactory(team=world.it, name="IT default", first_response_minutes=60,
                                  resolution_minutes=480, escalation_chain=chain)


def _steps(ticket):
    return sorted(Escalation.objects.filter(clock__ticket=ticket).values_list("clock__kind", "step"))


def test_nothing_due_records_nothing(world, standard, file_ticket):
    file_ticket()

    result = sla_scan()

    assert (result.claimed, result.escalations) == (0, 0)


def test_warning_then_breach_then_levels_in_order(world, standard, file_ticket):
    ticket = file_ticket()
    start = ticket.created_at

    sla_scan(now=start + dt.timedelta(minutes=50))
    assert _steps(ticket) == [("first_response", "warning")]

    sla_scan(now=start + dt.timedelta(minutes=61))
    assert ("first_response", "breach") in _steps(ticket)
    assert ("first_response", "level:1") in _steps(ticket)
    fr = SLAClock.objects.get(ticket=ticket, kind="first_response")
    assert fr.state == SLAClock.State.BREACHED
    # Level 2 only applies to resolution; first response has nothing left to watch.
    assert fr.next_check_at is None

    sla_scan(now=start + dt.timedelta(minutes=481 + 60))
    ticket.refresh_from_db()
    assert ("resolution", "level:2") in _steps(ticket)
    assert ticket.priority == "P2"  # raised from P3 by level 2
    # One history entry per clock and cycle, listing every step it recorded.
    entries = ticket.events.filter(kind=EventKind.ESCALATION)
    assert entries.count() == 3
    listed = sorted((e.data["clock"], step) for e in entries for step in e.data["steps"])
    assert listed == _steps(ticket)


def test_running_the_scan_twice_records_each_step_once(world, standard, file_ticket):
    ticket = file_ticket()
    later = ticket.created_at + dt.timedelta(days=1)

    first = sla_scan(now=later)
    second = sla_scan(now=later)

    assert first.escalations == len(_steps(ticket)) > 0
    assert second.escalations == 0
    assert OutboxMessage.objects.filter(event__startswith="sla").count() == OutboxMessage.objects.filter(
        event__startswith="sla").values("dedupe_key").distinct().count()


def test_breach_notifies_assignee_and_lead_through_the_outbox(world, standard, file_ticket):
    from tickets import services

    ticket = file_ticket()
    services.ticket_assign(ticket=ticket, assignee=world.it_agent, actor=world.it_lead)

    sla_scan(now=ticket.created_at + dt.timedelta(minutes=61))
    deliver_outbox(now=timezone.now() + dt.timedelta(seconds=1))

    breach_recipients = set(
        OutboxMessage.objects.filter(event="sla_escalation", channel="in_app").values_list(
            "recipient__username", flat=True)
    )
    assert {"it.agent", "it.lead"} <= breach_recipients
    assert world.it_agent.notifications.filter(event="sla_escalation").exists()
    assert not world.alice.notifications.filter(event__startswith="sla").exists()


def test_paused_clock_is_not_escalated(world, standard, file_ticket):
    from tickets import services

    ticket = file_ticket()
    services.comment_create(ticket=ticket, author=world.it_agent, body="Need the asset tag photo")
    services.ticket_transition(ticket=ticket, to=Status.PENDING, actor=world.it_agent)

    result = sla_scan(now=ticket.created_at + dt.timedelta(days=3))

    assert result.escalations == 0


def test_met_clock_is_not_escalated(world, standard, file_ticket):
    from tickets import services

    ticket = file_ticket()
    services.comment_create(ticket=ticket, author=world.it_agent, body="Hi")

    sla_scan(now=ticket.created_at + dt.timedelta(minutes=70))

    assert ("first_response", "breach") not in _steps(ticket)


def test_statements_per_batch_do_not_grow_with_the_number_of_due_clocks(world, standard, file_ticket):
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        file_ticket()
    later = timezone.now() + dt.timedelta(minutes=61)
    sla_scan(now=later - dt.timedelta(minutes=20))  # warnings out of the way; calendar cached
    with CaptureQueriesContext(connection) as few:
        sla_scan(now=later)
    for _ in range(12):
        file_ticket()
    sla_scan(now=later - dt.timedelta(minutes=20))
    with CaptureQueriesContext(connection) as many:
        sla_scan(now=later + dt.timedelta(seconds=1))

    assert len(many) == len(few)


@pytest.mark.django_db(transaction=True)
def test_two_scanners_at_once_record_each_step_exactly_once(world, standard, file_ticket):
    tickets = [file_ticket() for _ in range(30)]
    later = timezone.now() + dt.timedelta(days=1)

    results = run_together(lambda: sla_scan(now=later, batch_size=5), 2)

    expected = sum(len(_steps(t)) for t in tickets)
    assert sum(r.escalations for r in results) == expected
    assert Escalation.objects.count() == expected
    # First response: warning, breach, level 1; resolution: warning, breach, levels 1 and 2.
    assert all(len(_steps(t)) == 7 for t in tickets)


def test_breach_marks_the_ticket_breached_for_queues(world, standard, file_ticket):
    from tickets.models import Ticket

    ticket = file_ticket()

    sla_scan(now=ticket.created_at + dt.timedelta(minutes=61))

    assert Ticket.objects.get(pk=ticket.pk).sla_breached is True
