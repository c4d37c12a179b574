"""Per-ticket SLA clocks follow the ticket: start, pause and resume, met versus breached,
re-match on priority change, and reopen."""

import datetime as dt

import pytest
from django.utils import timezone

from sla.models import SLAClock
from tests.factories import ServiceStandardFactory
from tickets import services
from tickets.constants import EventKind, Status
from tickets.models import Ticket


@pytest.fixture
def standards(world):
    """A 24x7 IT default (60 / 480 minutes) and a stricter P1 standard (30 / 240)."""
    default = ServiceStandardFactory(team=world.it, name="IT default", first_response_minutes=60,
                                     resolution_minutes=480)
    p1 = ServiceStandardFactory(team=world.it, name="IT P1", priority="P1", calendar=default.calendar,
                                first_response_minutes=30, resolution_minutes=240)
    return default, p1


def _clock(ticket, kind) -> SLAClock:
    return SLAClock.objects.get(ticket=ticket, kind=kind)


def _age(ticket, minutes):
    """Pretend the ticket was filed `minutes` ago (clocks and all)."""
    delta = dt.timedelta(minutes=minutes)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=ticket.created_at - delta)
    for clock in SLAClock.objects.filter(ticket=ticket):
        for name in ("started_at", "run_started_at", "warn_at", "due_at", "next_check_at"):
            if getattr(clock, name):
                setattr(clock, name, getattr(clock, name) - delta)
        clock.save()


def test_new_ticket_gets_both_clocks_from_the_matching_standard(world, standards, file_ticket):
    default, _p1 = standards

    ticket = file_ticket()

    fr, res = _clock(ticket, "first_response"), _clock(ticket, "resolution")
    assert fr.standard == default and res.standard == default
    assert fr.due_at == ticket.created_at + dt.timedelta(minutes=60)
    assert res.due_at == ticket.created_at + dt.timedelta(minutes=480)
    assert fr.warn_at == ticket.created_at + dt.timedelta(minutes=48)
    assert fr.next_check_at == fr.warn_at
    assert ticket.events.filter(kind=EventKind.SLA).exists()


def test_most_specific_standard_wins(world, standards, file_ticket):
    _default, p1 = standards
    item_standard = ServiceStandardFactory(team=world.it, service_item=world.laptop, calendar=p1.calendar,
                                           first_response_minutes=45, resolution_minutes=300)

    assert _clock(file_ticket(priority="P3"), "first_response").standard == item_standard
    assert _clock(file_ticket(priority="P1"), "first_response").standard == item_standard


def test_ticket_without_any_standard_has_no_clocks(world, file_ticket):
    assert SLAClock.objects.filter(ticket=file_ticket()).count() == 0


def test_first_public_reply_meets_the_first_response_clock(world, standards, file_ticket):
    ticket = file_ticket()

    services.comment_create(ticket=ticket, author=world.it_agent, body="Looking")

    fr = _clock(ticket, "first_response")
    assert fr.state == SLAClock.State.MET and fr.next_check_at is None
    assert _clock(ticket, "resolution").state == SLAClock.State.RUNNING


def test_late_first_reply_is_breached_even_if_the_scanner_never_ran(world, standards, file_ticket):
    ticket = file_ticket()
    _age(ticket, 61)

    services.comment_create(ticket=ticket, author=world.it_agent, body="Sorry for the wait")

    fr = _clock(ticket, "first_response")
    assert fr.state == SLAClock.State.BREACHED and fr.breached_at is not None


def test_pending_pauses_and_open_resumes_with_the_time_left_kept(world, standards, file_ticket):
    ticket = file_ticket()
    services.ticket_transition(ticket=ticket, to=Status.OPEN, actor=world.it_agent)
    _age(ticket, 30)
    services.ticket_transition(ticket=ticket, to=Status.PENDING, actor=world.it_agent)
    res = _clock(ticket, "resolution")
    assert res.state == SLAClock.State.PAUSED and res.next_check_at is None
    assert res.consumed_seconds == pytest.approx(1800, abs=5)
    # Ten minutes waiting on the requester.
    SLAClock.objects.filter(pk=res.pk).update(paused_at=res.paused_at - dt.timedelta(minutes=10))

    services.comment_create(ticket=ticket, author=world.alice, body="Here you go")

    res = _clock(ticket, "resolution")
    assert res.state == SLAClock.State.RUNNING
    assert res.paused_seconds == pytest.approx(600, abs=5)
    remaining = res.due_at - timezone.now()
    assert dt.timedelta(minutes=449) < remaining <= dt.timedelta(minutes=450)


def test_pending_does_not_pause_when_the_standard_says_so(world, standards, file_ticket):
    default, _p1 = standards
    default.pause_on_pending = False
    default.save()
    ticket = file_ticket()

    services.ticket_transition(ticket=ticket, to=Status.PENDING, actor=world.it_agent)

    assert _clock(ticket, "resolution").state == SLAClock.State.RUNNING


def test_resolve_in_time_is_met(world, standards, file_ticket):
    ticket = file_ticket()

    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, actor=world.it_agent)

    assert _clock(ticket, "resolution").state == SLAClock.State.MET


def test_resolve_late_is_breached(world, standards, file_ticket):
    ticket = file_ticket()
    _age(ticket, 481)

    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, actor=world.it_agent)

    assert _clock(ticket, "resolution").state == SLAClock.State.BREACHED


def test_reopen_runs_the_resolution_clock_again_with_time_already_used(world, standards, file_ticket):
    ticket = file_ticket()
    _age(ticket, 100)
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, actor=world.it_agent)

    services.ticket_transition(ticket=ticket, to=Status.OPEN, actor=world.alice)

    res = _clock(ticket, "resolution")
    assert res.state == SLAClock.State.RUNNING and res.stopped_at is None
    remaining = res.due_at - timezone.now()
    assert dt.timedelta(minutes=375) < remaining <= dt.timedelta(minutes=380)


def test_priority_change_rematches_the_standard_and_records_it(world, standards, file_ticket):
    _default, p1 = standards
    ticket = file_ticket(priority="P3")

    services.ticket_set_priority(ticket=ticket, priority="P1", actor=world.it_lead)

    fr = _clock(ticket, "first_response")
    assert fr.standard == p1 and fr.target_minutes == 30
    assert fr.due_at == ticket.created_at + dt.timedelta(minutes=30)
    event = ticket.events.filter(kind=EventKind.SLA).last()
    assert event.data["reason"] == "priority" and event.data["standard"] == "IT P1"


def test_a_rematch_while_waiting_pauses_under_a_standard_that_pauses(world, standards, file_ticket):
    # given a P3 ticket waiting on the requester under a standard that keeps counting
    default, p1 = standards
    default.pause_on_pending = False
    default.save()
    ticket = file_ticket(priority="P3")
    services.ticket_transition(ticket=ticket, to=Status.PENDING, actor=world.it_agent)
    assert _clock(ticket, "resolution").state == SLAClock.State.RUNNING
    # when the priority moves it under the P1 standard, which pauses while waiting
    services.ticket_set_priority(ticket=ticket, priority="P1", actor=world.it_lead)
    # then its clocks pause at once, and the ticket reads paused
    for kind in ("first_response", "resolution"):
        clock = _clock(ticket, kind)
        assert clock.standard == p1 and clock.state == SLAClock.State.PAUSED, kind
        assert clock.paused_at is not None and clock.next_check_at is None, kind
    row = Ticket.objects.get(pk=ticket.pk)
    assert (row.sla_due_at, row.sla_paused) == (None, True)


def test_a_rematch_while_waiting_runs_under_a_standard_that_does_not_pause(world, standards, file_ticket):
    # given a P3 ticket paused while waiting on the requester
    _default, p1 = standards
    p1.pause_on_pending = False
    p1.save()
    ticket = file_ticket(priority="P3")
    services.ticket_transition(ticket=ticket, to=Status.PENDING, actor=world.it_agent)
    assert _clock(ticket, "resolution").state == SLAClock.State.PAUSED
    # when the priority moves it under the P1 standard, which keeps counting while waiting
    services.ticket_set_priority(ticket=ticket, priority="P1", actor=world.it_lead)
    # then its clocks run again, due by the P1 targets
    for kind in ("first_response", "resolution"):
        clock = _clock(ticket, kind)
        assert clock.state == SLAClock.State.RUNNING and clock.paused_at is None, kind
        assert clock.next_check_at is not None, kind
    res = _clock(ticket, "resolution")
    assert dt.timedelta(minutes=239) < res.due_at - timezone.now() <= dt.timedelta(minutes=240)
    row = Ticket.objects.get(pk=ticket.pk)
    assert row.sla_paused is False and row.sla_due_at == _clock(ticket, "first_response").due_at


def test_ticket_keeps_its_standard_version_when_the_standard_is_edited(world, standards, file_ticket):
    default, _p1 = standards
    ticket = file_ticket()
    # A new version of the standard (what the admin pages do).
    default.is_current = False
    default.save()
    ServiceStandardFactory(team=world.it, name="IT default", lineage=default.lineage, version=2,
                           calendar=default.calendar, first_response_minutes=10, resolution_minutes=100)

    assert _clock(ticket, "first_response").standard == default
    assert _clock(file_ticket(), "first_response").target_minutes == 10


def test_cancel_stops_the_clocks(world, standards, file_ticket):
    ticket = file_ticket()

    services.ticket_transition(ticket=ticket, to=Status.CANCELLED, actor=world.alice)

    assert all(c.stopped_at and c.next_check_at is None for c in SLAClock.objects.filter(ticket=ticket))
    assert {c.state for c in SLAClock.objects.filter(ticket=ticket)} == {SLAClock.State.STOPPED}


def test_ticket_row_carries_the_next_due_and_warning_for_queues(world, standards, file_ticket):
    ticket = file_ticket()
    ticket.refresh_from_db()
    fr = _clock(ticket, "first_response")
    assert (ticket.sla_due_at, ticket.sla_warn_at, ticket.sla_breached) == (fr.due_at, fr.warn_at, False)

    services.comment_create(ticket=ticket, author=world.it_agent, body="Hello")

    ticket.refresh_from_db()
    assert ticket.sla_due_at == _clock(ticket, "resolution").due_at

    services.ticket_transition(ticket=ticket, to=Status.PENDING, actor=world.it_agent)
    ticket.refresh_from_db()
    assert ticket.sla_due_at is None


def test_calendar_edit_replans_running_clocks_through_the_scan_task(world, standards, file_ticket):
    from sla.bookkeeping import clocks_replan_pending
    from sla.standards.calendars import calendar_save
    from sla.tasks import scan_deadlines

    default, _p1 = standards
    ticket = file_ticket()
    assert _clock(ticket, "first_response").due_at == ticket.created_at + dt.timedelta(minutes=60)
    # Given the 24x7 calendar becomes Mon-Fri 09-18 Asia/Shanghai …
    calendar_save(
        actor=world.admin, calendar=default.calendar, name=default.calendar.name, timezone="Asia/Shanghai",
        working_hours=[{"weekday": d, "start": "09:00", "end": "18:00"} for d in range(5)],
        holidays=[], extra_working_days=[],
    )
    # … when the scan task runs, the clocks follow the new hours.
    assert scan_deadlines.apply().get()["replanned"] == 2
    fr = _clock(ticket, "first_response")
    local = fr.due_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert local.weekday() < 5 and dt.time(9) <= local.time() <= dt.time(18)
    ticket.refresh_from_db()
    assert ticket.sla_due_at == fr.due_at
    assert clocks_replan_pending() == 0
