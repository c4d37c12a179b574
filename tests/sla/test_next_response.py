"""The next-response target: after each public reply of the requester that follows the
team's last public reply, the team owes an answer within the standard's next-response
target (a new `next_response` clock, the next cycle); a public reply of the team meets it.

Driven through the ticket services, on a 24x7 UTC calendar unless the test says otherwise,
with `timezone.now()` pinned (the services, `auto_now` fields and clocks all read it), so
that every expected instant is worked out by hand from the pinned times.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from sla.models import Escalation, EscalationChain, EscalationLevel, SLAClock
from sla.scanner import sla_scan
from sla.standards.calendars import calendar_save
from sla.standards.service_standards import standard_save
from tests.factories import ServiceStandardFactory
from tickets import services
from tickets.constants import EventKind, Status
from tickets.models import Ticket

T0 = dt.datetime(2026, 9, 21, 8, 0, tzinfo=dt.UTC)  # a Monday


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


class PinnedClock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, now: dt.datetime) -> None:
        self.now = now.astimezone(dt.UTC)


@pytest.fixture
def clock(monkeypatch, settings):
    settings.TIME_ZONE = "UTC"
    pinned = PinnedClock(T0)
    monkeypatch.setattr(timezone, "now", pinned)
    with timezone.override("America/New_York"):  # nothing may lean on the reader's zone
        yield pinned


@pytest.fixture
def standard(world):
    """IT's 24x7 standard: first response 60, next response 30, resolution 480 minutes."""
    return ServiceStandardFactory(team=world.it, name="IT default", first_response_minutes=60,
                                  next_response_minutes=30, resolution_minutes=480)


def _cycles(ticket) -> list[SLAClock]:
    return list(SLAClock.objects.filter(ticket=ticket, kind=SLAClock.Kind.NEXT_RESPONSE).order_by("cycle"))


def _row(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def _answered(world, clock, file_ticket, *, minutes: float = 10) -> Ticket:
    """A ticket filed at T0 that it.agent first answered `minutes` later."""
    clock.set(T0)
    ticket = file_ticket()
    clock.set(at(minutes))
    services.comment_create(ticket=ticket, author=world.it_agent, body="Can you restart it?")
    return ticket


def _reply(clock, ticket, author, minutes: float, *, internal: bool = False) -> None:
    clock.set(at(minutes))
    services.comment_create(ticket=ticket, author=author, body="Message", internal=internal)


def test_a_requester_reply_after_the_team_answered_starts_a_next_response_cycle(world, standard, clock,
                                                                                 file_ticket):
    # given a ticket the team answered at 08:10
    ticket = _answered(world, clock, file_ticket)
    assert _cycles(ticket) == []

    # when alice replies at 08:20
    _reply(clock, ticket, world.alice, 20)

    # then the team owes the next response 30 minutes later, at 08:50 (warning at 80 %: 08:44)
    [nr] = _cycles(ticket)
    assert (nr.cycle, nr.state, nr.standard, nr.target_minutes) == (1, SLAClock.State.RUNNING, standard, 30)
    assert (nr.started_at, nr.due_at, nr.warn_at, nr.next_check_at) == (at(20), at(50), at(44), at(44))
    # and the ticket's summary is due then (resolution is due at 16:00)
    assert (_row(ticket).sla_due_at, _row(ticket).sla_warn_at) == (at(50), at(44))


def test_a_requester_reply_before_the_first_response_starts_nothing(world, standard, clock, file_ticket):
    # given a ticket nobody answered yet
    ticket = file_ticket()

    # when alice adds to it
    _reply(clock, ticket, world.alice, 5)

    # then the first-response clock covers the wait: no next response is owed
    assert _cycles(ticket) == []
    assert _row(ticket).sla_due_at == at(60)


def test_the_requester_replying_twice_before_the_answer_is_one_cycle(world, standard, clock, file_ticket):
    ticket = _answered(world, clock, file_ticket)

    _reply(clock, ticket, world.alice, 20)
    _reply(clock, ticket, world.alice, 35)

    # one cycle, still due 30 minutes after the first of the two replies
    [nr] = _cycles(ticket)
    assert (nr.cycle, nr.started_at, nr.due_at) == (1, at(20), at(50))


def test_an_internal_note_does_not_answer_the_requester(world, standard, clock, file_ticket):
    ticket = _answered(world, clock, file_ticket)
    _reply(clock, ticket, world.alice, 20)

    _reply(clock, ticket, world.it_agent, 25, internal=True)

    [nr] = _cycles(ticket)
    assert nr.state == SLAClock.State.RUNNING and nr.stopped_at is None
    assert _row(ticket).sla_due_at == at(50)


def test_a_public_reply_of_the_team_in_time_meets_it(world, standard, clock, file_ticket):
    ticket = _answered(world, clock, file_ticket)
    _reply(clock, ticket, world.alice, 20)

    _reply(clock, ticket, world.it_agent, 45)

    [nr] = _cycles(ticket)
    assert (nr.state, nr.stopped_at, nr.next_check_at) == (SLAClock.State.MET, at(45), None)
    assert nr.consumed_seconds == pytest.approx(25 * 60)
    # the summary goes back to the resolution clock
    assert _row(ticket).sla_due_at == at(480)


def test_a_public_reply_of_the_team_after_the_due_time_meets_it_late(world, standard, clock, file_ticket):
    ticket = _answered(world, clock, file_ticket)
    _reply(clock, ticket, world.alice, 20)

    _reply(clock, ticket, world.it_agent, 65)

    [nr] = _cycles(ticket)
    assert (nr.state, nr.stopped_at, nr.breached_at) == (SLAClock.State.BREACHED, at(65), at(50))
    row = _row(ticket)
    assert row.sla_breached is False and row.sla_due_at == at(480)


def test_every_exchange_is_a_cycle_of_its_own(world, standard, clock, file_ticket):
    ticket = _answered(world, clock, file_ticket)

    _reply(clock, ticket, world.alice, 20)
    _reply(clock, ticket, world.it_agent, 40)   # met
    _reply(clock, ticket, world.it_agent, 45)   # nothing owed: no new cycle, nothing changes
    _reply(clock, ticket, world.alice, 100)
    _reply(clock, ticket, world.it_agent, 140)  # late (due 130)
    _reply(clock, ticket, world.alice, 200)     # owed, due 230

    cycles = _cycles(ticket)
    assert [(c.cycle, c.state, c.started_at, c.due_at) for c in cycles] == [
        (1, SLAClock.State.MET, at(20), at(50)),
        (2, SLAClock.State.BREACHED, at(100), at(130)),
        (3, SLAClock.State.RUNNING, at(200), at(230)),
    ]
    assert [c.stopped_at for c in cycles] == [at(40), at(140), None]


def test_not_tracked_when_the_standard_has_no_next_response_target(world, clock, file_ticket):
    ServiceStandardFactory(team=world.it, first_response_minutes=60, next_response_minutes=None,
                           resolution_minutes=480)
    ticket = _answered(world, clock, file_ticket)

    _reply(clock, ticket, world.alice, 20)

    assert _cycles(ticket) == []
    assert _row(ticket).sla_due_at == at(480)


def test_waiting_on_the_requester_pauses_it(world, standard, clock, file_ticket):
    # given a next response owed since 08:20 (due 08:50)
    ticket = _answered(world, clock, file_ticket)
    _reply(clock, ticket, world.alice, 20)

    # when the agent sets the ticket waiting on the requester at 08:30, 10 minutes used
    clock.set(at(30))
    services.ticket_transition(ticket=ticket, to=Status.PENDING, actor=world.it_agent)

    # then the clock is paused and the ticket reads paused
    [nr] = _cycles(ticket)
    assert (nr.state, nr.paused_at, nr.next_check_at) == (SLAClock.State.PAUSED, at(30), None)
    assert nr.consumed_seconds == pytest.approx(600)
    assert _row(ticket).sla_paused is True

    # when alice replies at 09:30, the ticket comes back and the same cycle runs on: 20 minutes left
    _reply(clock, ticket, world.alice, 90)
    [nr] = _cycles(ticket)
    assert (nr.cycle, nr.state, nr.due_at) == (1, SLAClock.State.RUNNING, at(110))
    assert nr.paused_seconds == pytest.approx(3600)


def test_waiting_on_the_requester_does_not_pause_it_when_the_standard_says_no(world, clock, file_ticket):
    ServiceStandardFactory(team=world.it, first_response_minutes=60, next_response_minutes=30,
                           resolution_minutes=480, pause_on_pending=False)
    ticket = _answered(world, clock, file_ticket)
    _reply(clock, ticket, world.alice, 20)

    clock.set(at(30))
    services.ticket_transition(ticket=ticket, to=Status.PENDING, actor=world.it_agent)

    [nr] = _cycles(ticket)
    assert (nr.state, nr.paused_at, nr.due_at) == (SLAClock.State.RUNNING, None, at(50))


def test_resolving_answers_the_requester(world, standard, clock, file_ticket):
    ticket = _answered(world, clock, file_ticket)
    _reply(clock, ticket, world.alice, 20)

    clock.set(at(40))
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, actor=world.it_agent,
                               resolution_summary="Replaced the battery.")

    [nr] = _cycles(ticket)
    assert (nr.state, nr.stopped_at) == (SLAClock.State.MET, at(40))
    assert _row(ticket).sla_due_at is None


def test_a_reply_to_a_resolved_ticket_owes_nothing(world, standard, clock, file_ticket):
    ticket = _answered(world, clock, file_ticket)
    clock.set(at(40))
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, actor=world.it_agent,
                               resolution_summary="Replaced the battery.")

    _reply(clock, ticket, world.alice, 50)  # "thanks!" does not reopen it

    assert _cycles(ticket) == []


def test_after_a_reopen_the_resolution_counts_as_the_last_answer(world, standard, clock, file_ticket):
    # given a ticket resolved without a public reply, and reopened by alice
    ticket = file_ticket()
    clock.set(at(30))
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, actor=world.it_agent,
                               resolution_summary="Replaced the battery.")
    clock.set(at(40))
    services.ticket_transition(ticket=ticket, to=Status.OPEN, actor=world.alice)

    # when she replies
    _reply(clock, ticket, world.alice, 50)

    # then the team owes her the next response
    [nr] = _cycles(ticket)
    assert (nr.cycle, nr.due_at) == (1, at(80))


def test_a_rematch_moves_the_owed_next_response_to_the_new_standard(world, standard, clock, file_ticket):
    p1 = ServiceStandardFactory(team=world.it, priority="P1", calendar=standard.calendar, first_response_minutes=30,
                                next_response_minutes=15, resolution_minutes=240)
    ticket = _answered(world, clock, file_ticket)
    _reply(clock, ticket, world.alice, 20)

    # 5 minutes used when the priority goes up: 10 of P1's 15 minutes are left
    clock.set(at(25))
    services.ticket_set_priority(ticket=ticket, priority="P1", actor=world.it_lead)

    [nr] = _cycles(ticket)
    assert (nr.standard, nr.target_minutes, nr.due_at) == (p1, 15, at(35))
    assert _row(ticket).sla_due_at == at(35)
    event = ticket.events.filter(kind=EventKind.SLA).last()
    assert event.data["next_response_due"] == at(35).isoformat()


def test_a_rematch_to_a_standard_without_next_responses_ends_the_owed_one(world, standard, clock, file_ticket):
    ServiceStandardFactory(team=world.it, priority="P1", calendar=standard.calendar, first_response_minutes=30,
                           next_response_minutes=None, resolution_minutes=240)
    ticket = _answered(world, clock, file_ticket)
    _reply(clock, ticket, world.alice, 20)

    clock.set(at(25))
    services.ticket_set_priority(ticket=ticket, priority="P1", actor=world.it_lead)

    [nr] = _cycles(ticket)
    assert (nr.state, nr.stopped_at, nr.next_check_at) == (SLAClock.State.STOPPED, at(25), None)
    assert nr.standard == standard  # measured by the standard it ran under
    # the next reply of alice owes nothing under the new standard
    _reply(clock, ticket, world.alice, 30)
    assert len(_cycles(ticket)) == 1


@pytest.fixture
def chain(world):
    """Level 1 at the breach of every target, level 2 at 50 % of the next response only,
    level 3 at the first response's breach only."""
    chain = EscalationChain.objects.create(name="Next-response chain")
    EscalationLevel.objects.create(chain=chain, order=1, trigger="after_breach", notify_lead=True,
                                   applies_to=EscalationLevel.AppliesTo.EVERY_TARGET)
    EscalationLevel.objects.create(chain=chain, order=2, trigger="percent", percent=50, notify_assignee=True,
                                   applies_to=EscalationLevel.AppliesTo.NEXT_RESPONSE)
    EscalationLevel.objects.create(chain=chain, order=3, trigger="after_breach", raise_priority=True,
                                   applies_to=EscalationLevel.AppliesTo.FIRST_RESPONSE)
    return chain


def _steps(ticket, kind=SLAClock.Kind.NEXT_RESPONSE) -> list[tuple[int, str]]:
    return sorted(Escalation.objects.filter(clock__ticket=ticket, clock__kind=kind)
                  .values_list("clock__cycle", "step"))


def test_the_scanner_escalates_an_owed_next_response(world, standard, chain, clock, file_ticket):
    standard.escalation_chain = chain
    standard.save()
    ticket = _answered(world, clock, file_ticket)
    _reply(clock, ticket, world.alice, 20)  # due 08:50, level 2 at 08:35, warning at 08:44

    sla_scan(now=at(36))
    assert _steps(ticket) == [(1, "level:2")]

    sla_scan(now=at(45))
    assert _steps(ticket) == [(1, "level:2"), (1, "warning")]

    sla_scan(now=at(51))
    # the breach and level 1 (every target); never level 3 (first response only)
    assert _steps(ticket) == [(1, "breach"), (1, "level:1"), (1, "level:2"), (1, "warning")]
    [nr] = _cycles(ticket)
    assert (nr.state, nr.breached_at, nr.next_check_at) == (SLAClock.State.BREACHED, at(50), None)
    row = _row(ticket)
    assert row.sla_breached is True and row.priority == "P3"
    entry = ticket.events.filter(kind=EventKind.ESCALATION).last()
    assert entry.data["clock"] == "next_response" and "it.lead" in entry.data["notified"]

    # the late answer stops it as met late, and the ticket is no longer overdue
    _reply(clock, ticket, world.it_agent, 70)
    [nr] = _cycles(ticket)
    assert (nr.state, nr.stopped_at) == (SLAClock.State.BREACHED, at(70))
    assert _row(ticket).sla_breached is False


def test_each_cycle_is_escalated_on_its_own(world, standard, chain, clock, file_ticket):
    standard.escalation_chain = chain
    standard.save()
    ticket = _answered(world, clock, file_ticket)
    _reply(clock, ticket, world.alice, 20)
    sla_scan(now=at(51))
    _reply(clock, ticket, world.it_agent, 60)

    _reply(clock, ticket, world.alice, 100)  # cycle 2, due 10:10
    sla_scan(now=at(131))

    assert [s for s in _steps(ticket) if s[0] == 2] == [(2, "breach"), (2, "level:1"), (2, "level:2"),
                                                         (2, "warning")]


# --- the office-hours case -----------------------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")


def sh(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def test_office_hours_the_next_response_waits_for_the_next_working_morning(world, clock, file_ticket):
    # given the Shanghai office (Mon–Fri 09:00–18:00, National Day 1–7 October off) and a
    # 60-minute next-response target
    calendar = calendar_save(
        actor=world.admin, name="Shanghai office", timezone="Asia/Shanghai",
        working_hours=[{"weekday": d, "start": dt.time(9), "end": dt.time(18)} for d in range(5)],
        holidays=[{"date": dt.date(2026, 10, 1), "end_date": dt.date(2026, 10, 7), "name": "National Day"}],
        extra_working_days=[], extra_day_weekday=0,
    )
    standard_save(actor=world.admin, name="IT office", team=world.it, calendar=calendar,
                  first_response_minutes=60, next_response_minutes=60, resolution_minutes=600)
    clock.set(sh(9, 25, 10))  # Friday 25 September 10:00
    ticket = file_ticket()
    clock.set(sh(9, 25, 11))
    services.comment_create(ticket=ticket, author=world.it_agent, body="Which model is it?")

    # when alice replies on Friday at 17:30
    clock.set(sh(9, 25, 17, 30))
    services.comment_create(ticket=ticket, author=world.alice, body="A ThinkPad X1.")

    # then 30 minutes count on Friday and 30 on Monday: due Monday 28 September 09:30,
    # the warning at 48 minutes, Monday 09:18
    [nr] = _cycles(ticket)
    assert (nr.due_at, nr.warn_at) == (sh(9, 28, 9, 30), sh(9, 28, 9, 18))

    # and when she replies on Wednesday 30 September at 17:50 in a second cycle, the
    # holiday week does not count: 10 minutes on Wednesday, 50 on Thursday 8 October
    clock.set(sh(9, 28, 9, 10))
    services.comment_create(ticket=ticket, author=world.it_agent, body="Bring it in.")
    clock.set(sh(9, 30, 17, 50))
    services.comment_create(ticket=ticket, author=world.alice, body="Before the holiday?")
    first, second = _cycles(ticket)
    assert first.state == SLAClock.State.MET and first.consumed_seconds == pytest.approx(40 * 60)
    assert (second.cycle, second.due_at) == (2, sh(10, 8, 9, 50))
