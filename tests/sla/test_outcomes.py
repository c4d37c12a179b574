"""SLA outcomes: one row per decided cycle of each target, written in the transaction of the
change that decides it, completed once when breached work is done, never changed otherwise.

The fixtures `clock` (pinned: `timezone.now()` is what the test set last) and `standard`
(IT's, round the clock: 60 minutes to the first response, 480 to the resolution, so that
business time is wall time and every figure can be worked out by hand) come from
tests/sla/outcome_drivers.py through tests/sla/conftest.py. `DRIVERS` there says, per target
kind, how a cycle of that kind starts and how its work is done: the met and breached cases
run for every kind listed (the next-response clock adds its driver at merge).
"""

import datetime as dt
import importlib
import threading

import pytest
from django.apps import apps as django_apps
from django.db import transaction
from django.utils import timezone

from sla import outcomes
from sla.models import SLAClock, SLAOutcome
from sla.scanner import sla_scan
from tests.factories import ServiceStandardFactory
from tests.sla.outcome_drivers import (
    DRIVERS,
    KINDS,
    MINUTE,
    T0,
    fresh,
    fulfil_first_response,
    fulfil_resolution,
    outcome_rows,
)
from tests.threads import Threads, run_together
from tickets import services
from tickets.constants import Status


@pytest.fixture
def assigned_ticket(world, standard, clock, file_ticket):
    ticket = file_ticket()
    services.ticket_assign(ticket=fresh(ticket), assignee=world.it_agent, actor=world.it_lead)
    return fresh(ticket)


# --- met and breached, for every kind -------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_cycle_fulfilled_in_time_writes_one_met_row(kind, world, standard, clock, assigned_ticket):
    # Given a cycle that started when the ticket was filed
    driver = DRIVERS[kind]
    started = driver.start(world, assigned_ticket)

    # When its work is done 30 minutes later
    clock.set(started + 30 * MINUTE)
    driver.fulfil(world, assigned_ticket)

    # Then one met row, complete, with the ticket as it stood
    [row] = outcome_rows(assigned_ticket, kind)
    assert (row.cycle, row.met, row.corrects_id) == (1, True, None)
    assert (row.started_at, row.stopped_at, row.decided_at) == (started, started + 30 * MINUTE, started + 30 * MINUTE)
    assert (row.business_seconds, row.wall_seconds, row.paused_seconds, row.breached_by_seconds) == (1800, 1800, 0, 0)
    assert (row.standard_id, row.standard_version, row.target_minutes) == (standard.pk, 1, driver.target_minutes)
    assert (row.team_id, row.service_item_id, row.priority) == (world.it.pk, world.laptop.pk, assigned_ticket.priority)
    assert (row.requester_department_id, row.assignee_id) == (world.sales.pk, world.it_agent.pk)


@pytest.mark.parametrize("kind", KINDS)
def test_a_breach_found_by_the_scanner_writes_a_breached_row_then_its_completion(kind, world, standard, clock,
                                                                                 assigned_ticket):
    # Given a cycle whose due time passed
    driver = DRIVERS[kind]
    started = driver.start(world, assigned_ticket)
    due = started + driver.target_minutes * MINUTE

    # When the scanner runs a minute after its due time
    clock.set(due + MINUTE)
    sla_scan(now=due + MINUTE)

    # Then a breached row without completion, decided by the scan
    [row] = outcome_rows(assigned_ticket, kind)
    assert (row.met, row.due_at, row.decided_at) == (False, due, due + MINUTE)
    assert (row.stopped_at, row.business_seconds, row.wall_seconds, row.breached_by_seconds) == (None,) * 4

    # When the late work is done 30 minutes after the due time, and the scanner runs again
    clock.set(due + 30 * MINUTE)
    driver.fulfil(world, assigned_ticket)
    sla_scan(now=due + 40 * MINUTE)

    # Then the same row got its completion, and only that
    [done] = outcome_rows(assigned_ticket, kind)
    assert done.pk == row.pk
    assert (done.met, done.stopped_at, done.decided_at) == (False, due + 30 * MINUTE, due + MINUTE)
    assert done.business_seconds == (driver.target_minutes + 30) * 60
    assert done.breached_by_seconds == 30 * 60


@pytest.mark.parametrize("kind", KINDS)
def test_work_done_late_before_any_scan_writes_a_complete_breached_row(kind, world, standard, clock,
                                                                       assigned_ticket):
    driver = DRIVERS[kind]
    started = driver.start(world, assigned_ticket)

    # When the work is done 10 minutes late and no scan ran in between
    clock.set(started + (driver.target_minutes + 10) * MINUTE)
    driver.fulfil(world, assigned_ticket)

    # Then one breached row, complete
    [row] = outcome_rows(assigned_ticket, kind)
    assert (row.met, row.breached_by_seconds) == (False, 600)
    assert row.stopped_at == started + (driver.target_minutes + 10) * MINUTE


def test_a_breached_clock_that_ends_unfulfilled_keeps_its_row_without_completion(world, standard, clock,
                                                                               assigned_ticket):
    # Given a first response breached and found so by the scanner
    clock.set(T0 + 61 * MINUTE)
    sla_scan(now=T0 + 61 * MINUTE)

    # When the ticket is cancelled
    clock.set(T0 + 90 * MINUTE)
    services.ticket_transition(ticket=fresh(assigned_ticket), to=Status.CANCELLED, actor=world.it_agent)

    # Then the breached row stays incomplete and the undecided resolution gets none
    [row] = outcome_rows(assigned_ticket)
    assert (row.kind, row.met, row.stopped_at, row.business_seconds) == ("first_response", False, None, None)


def test_a_cancelled_ticket_gets_no_outcome_for_undecided_cycles(world, standard, clock, assigned_ticket):
    clock.set(T0 + 10 * MINUTE)

    services.ticket_transition(ticket=fresh(assigned_ticket), to=Status.CANCELLED, actor=world.it_agent)

    assert outcome_rows(assigned_ticket) == []
    assert SLAClock.objects.filter(ticket=assigned_ticket, state=SLAClock.State.STOPPED).count() == 2


def test_waiting_on_the_requester_past_the_due_time_decides_the_breach(world, standard, clock, assigned_ticket):
    # Given a reply at 10 minutes, and the resolution 480 minutes
    clock.set(T0 + 10 * MINUTE)
    fulfil_first_response(world, assigned_ticket)

    # When the ticket is set waiting on the requester after its resolution due time, before
    # any scan (the clock pauses overdue: the scanner will not look at it while paused)
    clock.set(T0 + 481 * MINUTE)
    services.ticket_transition(ticket=fresh(assigned_ticket), to=Status.PENDING, actor=world.it_agent)

    # Then the resolution's breached row is written by that change
    [row] = outcome_rows(assigned_ticket, "resolution")
    assert (row.met, row.decided_at, row.stopped_at) == (False, T0 + 481 * MINUTE, None)


# --- reopen: a second resolution cycle -------------------------------------------------------


def test_a_reopen_starts_a_second_resolution_cycle_with_its_own_outcome(world, standard, clock, assigned_ticket):
    # Given a ticket answered at 10 minutes and resolved in time at 60 minutes
    clock.set(T0 + 10 * MINUTE)
    fulfil_first_response(world, assigned_ticket)
    clock.set(T0 + 60 * MINUTE)
    fulfil_resolution(world, assigned_ticket)
    [first] = outcome_rows(assigned_ticket, "resolution")

    # When alice reopens it at 120 minutes and it is resolved again at 180
    clock.set(T0 + 120 * MINUTE)
    services.ticket_transition(ticket=fresh(assigned_ticket), to=Status.OPEN, actor=world.alice)
    clock.set(T0 + 180 * MINUTE)
    fulfil_resolution(world, assigned_ticket)

    # Then cycle 1 is as it was, and cycle 2 started at the reopen with the clock's total
    # business time (60 + 60 minutes) against the 480-minute target
    one, two = outcome_rows(assigned_ticket, "resolution")
    assert one == first and (one.cycle, one.stopped_at, one.business_seconds) == (1, T0 + 60 * MINUTE, 3600)
    assert (one.started_at, one.wall_seconds) == (T0, 3600)
    assert (two.cycle, two.met, two.started_at, two.stopped_at) == (2, True, T0 + 120 * MINUTE, T0 + 180 * MINUTE)
    assert (two.business_seconds, two.wall_seconds, two.breached_by_seconds) == (7200, 3600, 0)
    # The first response is decided once, whatever the reopens
    assert len(outcome_rows(assigned_ticket, "first_response")) == 1


def test_a_reopen_already_past_the_target_is_breached_at_once(world, standard, clock, assigned_ticket):
    # Given a resolution breached by the scanner and done late (500 of 480 minutes)
    clock.set(T0 + 10 * MINUTE)
    fulfil_first_response(world, assigned_ticket)
    sla_scan(now=T0 + 481 * MINUTE)
    clock.set(T0 + 500 * MINUTE)
    fulfil_resolution(world, assigned_ticket)

    # When it is reopened (the clock's breach step is already recorded: no scan will fire it)
    clock.set(T0 + 600 * MINUTE)
    services.ticket_transition(ticket=fresh(assigned_ticket), to=Status.OPEN, actor=world.alice)

    # Then cycle 2 is breached at the reopen
    one, two = outcome_rows(assigned_ticket, "resolution")
    assert (one.cycle, one.breached_by_seconds) == (1, 20 * 60)
    assert (two.cycle, two.met, two.decided_at, two.stopped_at) == (2, False, T0 + 600 * MINUTE, None)

    # When it is resolved again 30 minutes later: cycle 2 completes, cycle 1 is untouched
    clock.set(T0 + 630 * MINUTE)
    fulfil_resolution(world, assigned_ticket)
    again_one, again_two = outcome_rows(assigned_ticket, "resolution")
    assert again_one == one and again_one.stopped_at == T0 + 500 * MINUTE
    assert (again_two.stopped_at, again_two.business_seconds, again_two.wall_seconds) == (
        T0 + 630 * MINUTE, 530 * 60, 30 * 60)
    assert again_two.breached_by_seconds == 50 * 60


# --- the standard in force, the deciding transaction ------------------------------------------


def test_a_rematch_before_the_decision_records_the_standard_then_in_force(world, standard, clock, assigned_ticket):
    # Given a stricter P1 standard, and the ticket raised to P1 after 5 minutes
    p1 = ServiceStandardFactory(team=world.it, name="IT P1", priority="P1", first_response_minutes=15,
                                resolution_minutes=120)
    clock.set(T0 + 5 * MINUTE)
    services.ticket_set_priority(ticket=fresh(assigned_ticket), priority="P1", actor=world.it_lead)

    # When it is answered at 10 minutes
    clock.set(T0 + 10 * MINUTE)
    fulfil_first_response(world, assigned_ticket)

    # Then the outcome names the P1 standard and its target
    [row] = outcome_rows(assigned_ticket, "first_response")
    assert (row.standard_id, row.target_minutes, row.priority, row.met) == (p1.pk, 15, "P1", True)


def test_a_breach_stands_after_a_rematch_onto_a_looser_standard_and_completes(world, standard, clock,
                                                                             assigned_ticket):
    # Given a first response breached (60 minutes) and found so by the scanner
    ServiceStandardFactory(team=world.it, name="IT P4", priority="P4", first_response_minutes=120,
                           resolution_minutes=960)
    clock.set(T0 + 61 * MINUTE)
    sla_scan(now=T0 + 61 * MINUTE)

    # When the ticket is lowered to P4 (120 minutes: the clock is back under its target)
    # and answered at 80 minutes
    clock.set(T0 + 70 * MINUTE)
    services.ticket_set_priority(ticket=fresh(assigned_ticket), priority="P4", actor=world.it_lead)
    assert SLAClock.objects.get(ticket=assigned_ticket, kind="first_response").state == SLAClock.State.RUNNING
    clock.set(T0 + 80 * MINUTE)
    fulfil_first_response(world, assigned_ticket)

    # Then the breach stands, under the standard it was decided with, and is complete
    [row] = outcome_rows(assigned_ticket, "first_response")
    assert (row.met, row.standard_id, row.target_minutes) == (False, standard.pk, 60)
    assert (row.stopped_at, row.business_seconds, row.breached_by_seconds) == (T0 + 80 * MINUTE, 4800, 1200)


def test_the_outcome_is_written_in_the_deciding_transaction(world, standard, clock, assigned_ticket):
    clock.set(T0 + 10 * MINUTE)

    # When the reply that meets the first response is rolled back
    with pytest.raises(RuntimeError), transaction.atomic():
        fulfil_first_response(world, assigned_ticket)
        assert len(outcome_rows(assigned_ticket)) == 1  # written by the reply itself
        raise RuntimeError("the request failed after the reply")

    # Then no outcome is left
    assert outcome_rows(assigned_ticket) == []


def test_a_scan_rolled_back_leaves_no_breached_row(world, standard, clock, assigned_ticket, monkeypatch):
    from notifications import services as notify

    def broken(messages):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(notify, "enqueue_many", broken)

    with pytest.raises(RuntimeError):
        sla_scan(now=T0 + 61 * MINUTE)

    assert outcome_rows(assigned_ticket) == []


# --- exactly once --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_writers_of_the_same_decision_leave_one_row(world, standard, clock, file_ticket):
    # Given a first response met (its row written), and the row then removed so that two
    # writers can race to write that same decision
    ticket = file_ticket()
    clock.set(T0 + 10 * MINUTE)
    fulfil_first_response(world, ticket)
    SLAOutcome.objects.all().delete()
    inserted = threading.Event()
    threads = Threads()

    def first():
        with transaction.atomic():
            fr = SLAClock.objects.select_related("standard", "ticket").get(ticket=ticket, kind="first_response")
            outcomes.clock_outcome_record(clock=fr, ticket=fr.ticket, at=T0 + 10 * MINUTE)
            inserted.set()
            # Hold the uncommitted row while the second writer runs into it
            threading.Event().wait(0.5)

    def second():
        inserted.wait(5)
        with transaction.atomic():
            fr = SLAClock.objects.select_related("standard", "ticket").get(ticket=ticket, kind="first_response")
            outcomes.clock_outcome_record(clock=fr, ticket=fr.ticket, at=T0 + 11 * MINUTE)

    # When both write it, the second while the first has not committed
    threads.start(first)
    threads.start(second)
    threads.join()

    # Then one row: the first writer's
    [row] = SLAOutcome.objects.filter(ticket=ticket)
    assert (row.kind, row.met, row.decided_at) == ("first_response", True, T0 + 10 * MINUTE)


@pytest.mark.django_db(transaction=True)
def test_two_scanners_at_once_write_one_breached_row_per_cycle(world, standard, file_ticket):
    tickets = [file_ticket() for _ in range(12)]
    later = timezone.now() + dt.timedelta(days=1)

    run_together(lambda: sla_scan(now=later, batch_size=5), 2)

    assert SLAOutcome.objects.count() == 24
    assert set(SLAOutcome.objects.values_list("met", flat=True)) == {False}
    for ticket in tickets:
        assert sorted(SLAOutcome.objects.filter(ticket=ticket).values_list("kind", "cycle")) == [
            ("first_response", 1), ("resolution", 1)]


def test_an_outcome_is_corrected_by_a_new_row(world, standard, clock, assigned_ticket):
    clock.set(T0 + 10 * MINUTE)
    fulfil_first_response(world, assigned_ticket)
    [row] = outcome_rows(assigned_ticket)

    correction = outcomes.sla_outcome_correct(outcome=row, actor=world.admin, reason="Answered by phone at 09:05",
                                              stopped_at=T0 + 5 * MINUTE, business_seconds=300, wall_seconds=300)

    original, fixed = outcome_rows(assigned_ticket)
    assert original == row and original.stopped_at == T0 + 10 * MINUTE
    assert (fixed.pk, fixed.corrects_id, fixed.stopped_at, fixed.recorded_by_id) == (
        correction.pk, row.pk, T0 + 5 * MINUTE, world.admin.pk)
    assert (fixed.kind, fixed.cycle, fixed.met) == (row.kind, row.cycle, True)


# --- the backfill migration -----------------------------------------------------------------


def test_the_backfill_writes_outcomes_for_clocks_already_decided(world, standard, clock, file_ticket):
    # Given clocks decided before outcomes existed: met, met late, breached and live,
    # breached then cancelled, and one still running
    met = file_ticket(title="met")
    late = file_ticket(title="late")
    live = file_ticket(title="live")
    cancelled = file_ticket(title="cancelled")
    running = file_ticket(title="running")
    clock.set(T0 + 10 * MINUTE)
    fulfil_resolution(world, met)
    sla_scan(now=T0 + 61 * MINUTE)  # the first responses of late, live, cancelled and running
    clock.set(T0 + 90 * MINUTE)
    fulfil_first_response(world, late)
    fulfil_first_response(world, running)
    services.ticket_transition(ticket=fresh(cancelled), to=Status.CANCELLED, actor=world.it_agent)
    expected = {(o.ticket_id, o.kind, o.cycle): o for o in SLAOutcome.objects.all()}
    SLAOutcome.objects.all().delete()
    backfill = importlib.import_module("sla.migrations.0012_backfill_outcomes").backfill_outcomes

    # When the migration's function runs on them, in batches of two, twice
    backfill(django_apps, None, batch_size=2)
    backfill(django_apps, None, batch_size=2)

    # Then each decided clock has its row, as the live writers wrote it
    rows = {(o.ticket_id, o.kind, o.cycle): o for o in SLAOutcome.objects.all()}
    assert set(rows) == set(expected) == {
        (met.pk, "first_response", 1), (met.pk, "resolution", 1), (late.pk, "first_response", 1),
        (live.pk, "first_response", 1), (cancelled.pk, "first_response", 1), (running.pk, "first_response", 1)}
    compared = ["met", "started_at", "stopped_at", "due_at", "business_seconds", "wall_seconds", "paused_seconds",
                "breached_by_seconds", "standard_id", "team_id", "priority", "target_minutes"]
    for key, row in rows.items():
        assert [getattr(row, f) for f in compared] == [getattr(expected[key], f) for f in compared], key
    assert rows[(late.pk, "first_response", 1)].breached_by_seconds == 30 * 60
    assert rows[(live.pk, "first_response", 1)].stopped_at is None


def test_the_scanners_set_based_insert_writes_the_row_the_model_path_would(world, standard, clock,
                                                                           assigned_ticket):
    # Given the scanner's breach row, written by `INSERT … SELECT` on PostgreSQL
    clock.set(T0 + 61 * MINUTE)
    sla_scan(now=T0 + 61 * MINUTE)
    [written] = outcome_rows(assigned_ticket)
    fr = SLAClock.objects.select_related("standard", "ticket").get(ticket=assigned_ticket, kind="first_response")

    # When the same row is built from the clock in memory (the other databases' path)
    built = outcomes.outcome_of(fr, fr.ticket, at=T0 + 61 * MINUTE)

    # Then they agree on every field
    fields = [f.attname for f in SLAOutcome._meta.concrete_fields if not f.primary_key]
    assert {f: getattr(written, f) for f in fields} == {f: getattr(built, f) for f in fields}


def test_the_admin_lists_outcomes_and_changes_none(admin_client, world, standard, clock, assigned_ticket):
    from django.urls import reverse

    clock.set(T0 + 10 * MINUTE)
    fulfil_first_response(world, assigned_ticket)
    [row] = outcome_rows(assigned_ticket)

    listed = admin_client.get(reverse("admin:sla_slaoutcome_changelist"))
    refused = admin_client.post(reverse("admin:sla_slaoutcome_change", args=[row.pk]), {"met": ""})

    assert listed.status_code == 200 and str(assigned_ticket) in listed.content.decode()
    assert refused.status_code == 403
    assert outcome_rows(assigned_ticket) == [row] and SLAOutcome.objects.get(pk=row.pk).met is True
