"""servicedesk.db: set-based INSERTs and `batched_inserts`, on the real PostgreSQL."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import OutboxMessage
from servicedesk.db import batched_inserts, insert_objects, insert_rows, select_rows_in
from tickets.models import EventKind, TicketEvent

pytestmark = pytest.mark.django_db

OUTBOX_FIELDS = ["channel", "recipient", "address", "event", "subject", "body", "url", "ticket", "dedupe_key",
                 "state", "attempts", "next_attempt_at", "last_error", "created_at"]


def _outbox_row(ticket, user, key: str) -> tuple:
    now = timezone.now()
    return ("in_app", user.pk, "", "test", f"Subject {key}", "Body", "", ticket.pk, key, "pending", 0, now, "", now)


def _events(ticket, *kinds: str) -> list[TicketEvent]:
    return [TicketEvent(ticket=ticket, actor=None, kind=kind, data={"n": i, "text": "it's \"quoted\""})
            for i, kind in enumerate(kinds)]


def test_the_inserts_of_a_block_go_out_as_one_statement_and_the_objects_get_their_ids(world, file_ticket):
    ticket = file_ticket()
    first, second = _events(ticket, EventKind.COMMENT), _events(ticket, EventKind.NOTE, EventKind.STATUS)

    with CaptureQueriesContext(connection) as ctx:
        with batched_inserts():
            insert_objects(first)
            insert_rows(OutboxMessage, OUTBOX_FIELDS, [_outbox_row(ticket, world.it_lead, "db-test:1")])
            insert_objects(second)
            assert [e.pk for e in first + second] == [None, None, None]  # not sent yet
            assert len(ctx) == 0

    assert len(ctx) == 1 and ctx.captured_queries[0]["sql"].startswith("WITH ")
    stored = {e.pk: e for e in TicketEvent.objects.filter(pk__in=[e.pk for e in first + second])}
    assert [stored[e.pk].kind for e in first + second] == [EventKind.COMMENT, EventKind.NOTE, EventKind.STATUS]
    assert [stored[e.pk].data for e in first + second] == [e.data for e in first + second]
    assert first[0].pk < second[0].pk < second[1].pk
    assert not any(e._state.adding for e in first + second)
    assert OutboxMessage.objects.filter(dedupe_key="db-test:1", ticket=ticket).exists()


def test_one_queued_insert_is_sent_as_itself(world, file_ticket):
    ticket = file_ticket()
    events = _events(ticket, EventKind.COMMENT)
    with CaptureQueriesContext(connection) as ctx:
        with batched_inserts():
            insert_objects(events)
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["INSERT"]
    assert TicketEvent.objects.get(pk=events[0].pk).kind == EventKind.COMMENT


def test_a_block_that_raises_sends_nothing(world, file_ticket):
    ticket = file_ticket()
    before = TicketEvent.objects.count()
    events = _events(ticket, EventKind.COMMENT)
    with pytest.raises(RuntimeError), batched_inserts():
        insert_objects(events)
        raise RuntimeError("validation failed half-way")
    assert TicketEvent.objects.count() == before
    assert events[0].pk is None
    # And the next block starts empty.
    with batched_inserts():
        insert_objects(_events(ticket, EventKind.NOTE))
    assert TicketEvent.objects.count() == before + 1


def test_a_statement_that_asks_for_columns_back_runs_at_once(world, file_ticket):
    ticket = file_ticket()
    with batched_inserts():
        queued = _events(ticket, EventKind.COMMENT)
        insert_objects(queued)
        returned = insert_rows(OutboxMessage, OUTBOX_FIELDS, [_outbox_row(ticket, world.it_lead, "db-test:2")],
                               returning=["dedupe_key"])
        assert returned == [("db-test:2",)]
        assert queued[0].pk is None
    assert queued[0].pk is not None


def test_conflicts_inside_a_block_are_skipped_as_outside(world, file_ticket):
    ticket = file_ticket()
    insert_rows(OutboxMessage, OUTBOX_FIELDS, [_outbox_row(ticket, world.it_lead, "db-test:3")])
    with batched_inserts():
        insert_rows(OutboxMessage, OUTBOX_FIELDS, [_outbox_row(ticket, world.it_lead, "db-test:3"),
                                                   _outbox_row(ticket, world.it_lead, "db-test:4")],
                    conflict_do_nothing=True)
        insert_objects(_events(ticket, EventKind.COMMENT))
    assert OutboxMessage.objects.filter(dedupe_key__startswith="db-test:").count() == 2


def test_a_nested_block_belongs_to_the_outer_one(world, file_ticket):
    ticket = file_ticket()
    outer, inner = _events(ticket, EventKind.COMMENT), _events(ticket, EventKind.NOTE)
    with batched_inserts():
        insert_objects(outer)
        with batched_inserts():
            insert_objects(inner)
        assert inner[0].pk is None
    assert outer[0].pk < inner[0].pk


def test_a_failing_batch_leaves_nothing_of_the_transaction(world, file_ticket):
    """A queued row that breaks a constraint fails the whole statement when the block
    ends, inside the caller's transaction: the rows before it are not kept."""
    ticket = file_ticket()
    insert_rows(OutboxMessage, OUTBOX_FIELDS, [_outbox_row(ticket, world.it_lead, "db-test:5")])
    before = TicketEvent.objects.count()
    with pytest.raises(Exception, match="duplicate key"), transaction.atomic():
        with batched_inserts():
            insert_objects(_events(ticket, EventKind.COMMENT))
            insert_rows(OutboxMessage, OUTBOX_FIELDS, [_outbox_row(ticket, world.it_lead, "db-test:5")])
    assert TicketEvent.objects.count() == before


def test_text_json_and_times_round_trip(world, file_ticket):
    ticket = file_ticket()
    before = timezone.now()
    event = TicketEvent(ticket=ticket, actor=world.it_lead, kind=EventKind.NOTE, data={"中文": "繁體 'x' %s"})
    with batched_inserts():
        insert_objects([event])
        insert_objects(_events(ticket, EventKind.COMMENT))
    stored = TicketEvent.objects.get(pk=event.pk)
    assert stored.actor == world.it_lead
    assert stored.data == {"中文": "繁體 'x' %s"}
    assert before <= stored.created_at == event.created_at  # auto_now_add filled as the ORM would


def test_select_rows_in_reads_the_rows_of_some_keys_in_one_statement(world, file_ticket):
    first, second, other = file_ticket(), file_ticket(), file_ticket()
    insert_objects(_events(first, EventKind.COMMENT, EventKind.NOTE) + _events(second, EventKind.STATUS)
                   + _events(other, EventKind.COMMENT))

    with CaptureQueriesContext(connection) as ctx:
        rows = select_rows_in(TicketEvent, ("ticket_id", "kind"), "ticket_id", [first.pk, second.pk], order_by="kind")

    assert len(ctx) == 1
    expected = TicketEvent.objects.filter(ticket__in=[first, second]).order_by("kind").values_list("ticket_id", "kind")
    assert [kind for _, kind in rows] == [kind for _, kind in expected]
    assert sorted(rows) == sorted(expected)
    assert other.pk not in {ticket_id for ticket_id, _ in rows}
    with CaptureQueriesContext(connection) as ctx:
        assert select_rows_in(TicketEvent, ("ticket_id",), "ticket_id", []) == []
    assert len(ctx) == 0  # nothing asked, nothing sent
