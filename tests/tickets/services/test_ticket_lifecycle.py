"""The ticket lifecycle: every legal transition, every illegal one refused, and the
side effects of replies (first response, pending → open)."""

import datetime as dt

import pytest
from django.utils import timezone

from servicedesk.exceptions import ApplicationError, ConflictError
from tickets import services
from tickets.constants import ALLOWED_TRANSITIONS, EventKind, Status
from tickets.models import Ticket, TicketEvent

ALL = list(Status.values)


def _ticket_in(world, file_ticket, status: str) -> Ticket:
    """Bring a fresh ticket to `status` through legal moves only."""
    ticket = file_ticket()
    path = {
        Status.NEW: [],
        Status.OPEN: [Status.OPEN],
        Status.PENDING: [Status.OPEN, Status.PENDING],
        Status.RESOLVED: [Status.OPEN, Status.RESOLVED],
        Status.CLOSED: [Status.OPEN, Status.RESOLVED, Status.CLOSED],
        Status.CANCELLED: [Status.CANCELLED],
    }[status]
    for step in path:
        actor = world.alice if step == Status.CANCELLED else world.it_agent
        ticket = services.ticket_transition(ticket=ticket, to=step, actor=actor)
    return ticket


LEGAL = [(old, new) for old, targets in ALLOWED_TRANSITIONS.items() for new in targets]
ILLEGAL = [(old, new) for old in ALL for new in ALL if new != old and new not in ALLOWED_TRANSITIONS[old]]


@pytest.mark.parametrize(("old", "new"), LEGAL)
def test_every_legal_transition_is_applied_and_recorded(world, file_ticket, old, new):
    ticket = _ticket_in(world, file_ticket, old)
    actor = world.alice if new == Status.CANCELLED else world.it_agent

    ticket = services.ticket_transition(ticket=ticket, to=new, actor=actor)

    ticket.refresh_from_db()
    assert ticket.status == new
    last = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS).last()
    assert (last.data["old"], last.data["new"], last.actor) == (old, new, actor)


@pytest.mark.parametrize(("old", "new"), ILLEGAL)
def test_every_illegal_transition_is_refused_and_changes_nothing(world, file_ticket, old, new):
    ticket = _ticket_in(world, file_ticket, old)
    events_before = ticket.events.count()

    with pytest.raises(ApplicationError) as excinfo:
        services.ticket_transition(ticket=ticket, to=new, actor=world.it_agent)

    assert "Allowed" in excinfo.value.message
    ticket.refresh_from_db()
    assert ticket.status == old
    assert ticket.events.count() == events_before


def test_moving_to_the_current_status_is_a_no_op(world, file_ticket):
    ticket = _ticket_in(world, file_ticket, Status.OPEN)
    version, events = ticket.version, ticket.events.count()

    services.ticket_transition(ticket=ticket, to=Status.OPEN, actor=world.it_agent)

    ticket.refresh_from_db()
    assert (ticket.version, ticket.events.count()) == (version, events)


def test_requester_may_cancel_only_while_new(world, file_ticket):
    ticket = _ticket_in(world, file_ticket, Status.OPEN)

    with pytest.raises(ApplicationError):
        services.ticket_transition(ticket=ticket, to=Status.RESOLVED, actor=world.alice)
    with pytest.raises(ApplicationError):
        services.ticket_transition(ticket=ticket, to=Status.CANCELLED, actor=world.alice)


def test_requester_cannot_resolve_their_own_new_ticket(world, file_ticket):
    ticket = file_ticket()

    with pytest.raises(ApplicationError):
        services.ticket_transition(ticket=ticket, to=Status.RESOLVED, actor=world.alice)


def test_other_requester_cannot_touch_the_ticket(world, file_ticket):
    ticket = file_ticket()

    with pytest.raises(ApplicationError):
        services.ticket_transition(ticket=ticket, to=Status.CANCELLED, actor=world.bob)


def test_agent_of_another_team_cannot_change_the_ticket(world, file_ticket):
    ticket = file_ticket()

    with pytest.raises(ApplicationError):
        services.ticket_transition(ticket=ticket, to=Status.OPEN, actor=world.hr_agent)


def test_first_public_reply_by_an_agent_records_the_first_response_and_opens(world, file_ticket):
    ticket = file_ticket()

    services.comment_create(ticket=ticket, author=world.it_agent, body="On it.")

    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    assert ticket.status == Status.OPEN
    assert ticket.events.filter(kind=EventKind.FIRST_RESPONSE).count() == 1


def test_internal_note_is_not_a_first_response(world, file_ticket):
    ticket = file_ticket()

    services.comment_create(ticket=ticket, author=world.it_agent, body="Check the warranty.", internal=True)

    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    assert ticket.status == Status.NEW


def test_second_reply_keeps_the_first_response_time(world, file_ticket):
    ticket = file_ticket()
    services.comment_create(ticket=ticket, author=world.it_agent, body="One")
    ticket.refresh_from_db()
    first = ticket.first_response_at

    services.comment_create(ticket=ticket, author=world.it_lead, body="Two")

    ticket.refresh_from_db()
    assert ticket.first_response_at == first
    assert ticket.events.filter(kind=EventKind.FIRST_RESPONSE).count() == 1


def test_requester_reply_while_pending_returns_the_ticket_to_open(world, file_ticket):
    ticket = _ticket_in(world, file_ticket, Status.PENDING)

    services.comment_create(ticket=ticket, author=world.alice, body="Here is the serial number.")

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_requester_cannot_write_internal_notes(world, file_ticket):
    ticket = file_ticket()

    with pytest.raises(ApplicationError):
        services.comment_create(ticket=ticket, author=world.alice, body="psst", internal=True)
    assert ticket.comments.count() == 0


def test_no_replies_on_a_closed_ticket(world, file_ticket):
    ticket = _ticket_in(world, file_ticket, Status.CLOSED)

    with pytest.raises(ApplicationError):
        services.comment_create(ticket=ticket, author=world.alice, body="Still broken")


def test_requester_may_reopen_within_the_window(world, file_ticket, settings):
    settings.TICKET_REOPEN_DAYS = 7
    ticket = _ticket_in(world, file_ticket, Status.RESOLVED)

    services.ticket_transition(ticket=ticket, to=Status.OPEN, actor=world.alice)

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.resolved_at is None


def test_requester_may_not_reopen_after_the_window(world, file_ticket, settings):
    settings.TICKET_REOPEN_DAYS = 7
    ticket = _ticket_in(world, file_ticket, Status.RESOLVED)
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - dt.timedelta(days=8))

    with pytest.raises(ApplicationError) as excinfo:
        services.ticket_transition(ticket=ticket, to=Status.OPEN, actor=world.alice)

    assert "7 days" in excinfo.value.message
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED


def test_stale_version_is_refused_with_a_conflict(world, file_ticket):
    ticket = file_ticket()
    seen = ticket.version
    services.ticket_transition(ticket=ticket, to=Status.OPEN, actor=world.it_agent)

    with pytest.raises(ConflictError):
        services.ticket_transition(ticket=ticket, to=Status.PENDING, actor=world.it_lead, expected_version=seen)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_assign_to_a_non_member_is_refused(world, file_ticket):
    ticket = file_ticket()

    with pytest.raises(ApplicationError) as excinfo:
        services.ticket_assign(ticket=ticket, assignee=world.hr_agent, actor=world.it_lead)

    assert "assignee" in excinfo.value.field_errors
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_assign_records_old_and_new(world, file_ticket):
    ticket = file_ticket()

    services.ticket_assign(ticket=ticket, assignee=world.it_agent, actor=world.it_lead)

    event = ticket.events.get(kind=EventKind.ASSIGNED)
    assert (event.data["old"], event.data["new"]) == (None, world.it_agent.pk)


def test_move_team_requires_a_reason_and_drops_a_foreign_assignee(world, file_ticket):
    ticket = file_ticket()
    services.ticket_assign(ticket=ticket, assignee=world.it_agent, actor=world.it_lead)
    with pytest.raises(ApplicationError):
        services.ticket_transfer(ticket=ticket, team=world.hr, actor=world.it_lead, reason="  ")

    services.ticket_transfer(ticket=ticket, team=world.hr, actor=world.it_lead, reason="Payroll matter")

    ticket.refresh_from_db()
    assert ticket.team == world.hr and ticket.assignee is None
    assert ticket.events.get(kind=EventKind.TEAM).data["reason"] == "Payroll matter"


def test_auto_close_closes_only_tickets_resolved_long_enough_ago(world, file_ticket, settings):
    settings.TICKET_AUTOCLOSE_DAYS = 5
    old = _ticket_in(world, file_ticket, Status.RESOLVED)
    recent = _ticket_in(world, file_ticket, Status.RESOLVED)
    Ticket.objects.filter(pk=old.pk).update(resolved_at=timezone.now() - dt.timedelta(days=6))

    closed = services.tickets_close_resolved()
    again = services.tickets_close_resolved()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (closed, again) == (1, 0)
    assert old.status == Status.CLOSED and old.closed_at is not None
    assert recent.status == Status.RESOLVED
    assert old.events.filter(kind=EventKind.STATUS, actor__isnull=True).count() == 1


def test_auto_close_task_runs_the_sweep(world, file_ticket, settings):
    from tickets.tasks import close_resolved_tickets

    settings.TICKET_AUTOCLOSE_DAYS = 5
    old = _ticket_in(world, file_ticket, Status.RESOLVED)
    Ticket.objects.filter(pk=old.pk).update(resolved_at=timezone.now() - dt.timedelta(days=6))

    assert close_resolved_tickets.apply().get() == 1
    old.refresh_from_db()
    assert old.status == Status.CLOSED


def test_a_reopen_after_resolution_starts_a_new_resolution_cycle_of_ticket_and_clock(world, file_ticket):
    from sla.models import SLAClock
    from tests.factories import ServiceStandardFactory

    ServiceStandardFactory(team=world.it)
    ticket = file_ticket()
    assert ticket.resolution_cycle == 1
    for step in (Status.OPEN, Status.RESOLVED, Status.OPEN, Status.PENDING, Status.OPEN, Status.RESOLVED,
                 Status.OPEN):
        ticket = services.ticket_transition(ticket=ticket, to=step, actor=world.it_agent)
    ticket.refresh_from_db()
    # Two reopens after a resolution; waiting on the requester and back is not one.
    assert ticket.resolution_cycle == 3
    cycles = dict(SLAClock.objects.filter(ticket=ticket).values_list("kind", "cycle"))
    assert cycles == {"first_response": 1, "resolution": 3}
