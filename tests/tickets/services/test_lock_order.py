"""Actions on two tickets lock them in id order: two opposite merges (or links) at once
neither deadlock nor half-apply.

To make the race certain rather than lucky, a third connection holds both rows while the
two actions start; each action then waits for its first lock. Released together, actions
that locked "their own" ticket first would each hold one row and wait for the other (a
deadlock PostgreSQL breaks by failing one of them); in id order, both wait on the same row."""

import threading
import time

import pytest
from django.db import connections, transaction

from servicedesk.exceptions import ApplicationError
from tests.threads import Threads
from tickets import services
from tickets.constants import EventKind, Status
from tickets.models import Ticket, TicketEvent, TicketLink


def _waiting_on_locks() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                       " AND datname = current_database()")
        return cursor.fetchone()[0]


def _race(action_a, action_b, tickets) -> dict[str, Exception | None]:
    """Run two actions in threads while both tickets are held, then release them."""
    outcomes: dict[str, Exception | None] = {}
    holder_ready, release = threading.Event(), threading.Event()
    threads = Threads()

    def hold():
        with transaction.atomic():
            list(Ticket.objects.select_for_update().filter(pk__in=[t.pk for t in tickets]))
            holder_ready.set()
            release.wait(timeout=20)

    def run(name, action):
        try:
            action()
            outcomes[name] = None
        except ApplicationError as error:  # the refusal the tests expect; anything else fails in join()
            outcomes[name] = error

    threads.start(hold)
    try:
        assert holder_ready.wait(timeout=10)
        threads.start(run, "a", action_a)
        threads.start(run, "b", action_b)
        deadline = time.monotonic() + 10
        while _waiting_on_locks() < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _waiting_on_locks() >= 2, "both actions should be waiting for a ticket lock"
    finally:
        release.set()
        threads.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_opposite_merges_at_once_neither_deadlock_nor_half_apply(world, file_ticket):
    # given two open tickets, each about to be merged into the other by a different agent
    first, second = file_ticket(title="First"), file_ticket(title="Second")
    for ticket in (first, second):
        services.ticket_transition(ticket=ticket, to=Status.OPEN, actor=world.it_agent)

    # when both merges run at once
    outcomes = _race(
        lambda: services.ticket_merge(source=first, target=second, actor=world.it_agent),
        lambda: services.ticket_merge(source=second, target=first, actor=world.it_lead),
        (first, second),
    )

    # then one merge applied whole and the other was refused with a reason, not a deadlock
    errors = [e for e in outcomes.values() if e is not None]
    assert len(errors) == 1 and isinstance(errors[0], ApplicationError), outcomes
    merged_away = first if outcomes["a"] is None else second
    survivor = second if merged_away is first else first
    assert Ticket.objects.get(pk=merged_away.pk).status == Status.CLOSED
    assert Ticket.objects.get(pk=survivor.pk).status == Status.OPEN
    assert list(TicketLink.objects.values_list("source_id", "target_id", "kind")) == [
        (merged_away.pk, survivor.pk, TicketLink.Kind.DUPLICATE)]
    assert TicketEvent.objects.filter(kind=EventKind.MERGED).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_opposite_links_at_once_both_apply_without_deadlock(world, file_ticket):
    first, second = file_ticket(title="First"), file_ticket(title="Second")

    outcomes = _race(
        lambda: services.ticket_link(source=first, target=second, actor=world.it_agent),
        lambda: services.ticket_link(source=second, target=first, actor=world.it_lead),
        (first, second),
    )

    assert outcomes == {"a": None, "b": None}
    assert TicketLink.objects.count() == 2
    assert TicketEvent.objects.filter(kind=EventKind.LINK).count() == 4
