"""Per-ticket SLA clocks on an office calendar, driven through the ticket services.

The calendar is Shanghai's office: Monday to Friday 09:00–18:00 Asia/Shanghai, National Day
Thursday 1 to Wednesday 7 October 2026 off, and Saturday 10 October 2026 a make-up working
day (worked with Monday's hours). The standards are 60 minutes to the first response and
600 to the resolution (one working day of 540 minutes and a bit more).

The clock is pinned: `timezone.now()` is whatever the test set last (the services, the
models' `auto_now` fields and the clocks all read it), and the process's current time zone
is New York, so that nothing may lean on the server's zone instead of the calendar's.
Every expected instant is worked out by hand in a comment; none comes from the code under
test.

September/October 2026: Thu 24, Fri 25, Sat 26, Sun 27, Mon 28 September, Tue 29, Wed 30;
Thu 1 October … Wed 7 (holiday), Thu 8, Fri 9, Sat 10 (make-up day), Sun 11, Mon 12.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from sla.models import SLAClock
from sla.standards.calendars import calendar_save
from sla.standards.service_standards import standard_save
from tests.factories import ServiceStandardFactory
from tickets import services
from tickets.constants import EventKind, Status
from tickets.models import Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
MINUTE = 60  # seconds


def sh(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    """An instant of 2026 on the Shanghai office's wall clock."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


class PinnedClock:
    """`timezone.now()` for the services under test: the instant the test last set."""

    def __init__(self, at: dt.datetime):
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at.astimezone(dt.UTC)

    def set(self, at: dt.datetime) -> None:
        self.at = at


@pytest.fixture
def clock(monkeypatch, settings):
    settings.TIME_ZONE = "UTC"
    pinned = PinnedClock(sh(9, 24, 9))
    # Every caller reads `django.utils.timezone.now` through the module at call time
    # (`timezone.now()`), model `auto_now` fields included.
    monkeypatch.setattr(timezone, "now", pinned)
    with timezone.override("America/New_York"):
        yield pinned


@pytest.fixture
def office(world):
    """The office calendar and IT's standards on it: a default (60 / 600 minutes) and a
    stricter P1 (30 / 240)."""
    calendar = calendar_save(
        actor=world.admin, name="Shanghai office", timezone="Asia/Shanghai",
        working_hours=[{"weekday": d, "start": dt.time(9), "end": dt.time(18)} for d in range(5)],
        holidays=[{"date": dt.date(2026, 10, 1), "end_date": dt.date(2026, 10, 7), "name": "National Day"}],
        extra_working_days=[{"date": dt.date(2026, 10, 10), "name": "National Day make-up"}],
        extra_day_weekday=0,
    )
    default = standard_save(actor=world.admin, name="IT office default", team=world.it, calendar=calendar,
                            first_response_minutes=60, resolution_minutes=600)
    p1 = standard_save(actor=world.admin, name="IT office P1", team=world.it, priority="P1", calendar=calendar,
                       first_response_minutes=30, resolution_minutes=240)
    return {"calendar": calendar, "default": default, "p1": p1}


def _clock(ticket, kind) -> SLAClock:
    return SLAClock.objects.get(ticket=ticket, kind=kind)


def _ticket(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def test_filed_ticket_counts_only_office_hours(world, office, clock, file_ticket):
    # Given it is Friday 25 September, 16:00 in Shanghai
    clock.set(sh(9, 25, 16))

    # When alice files a request
    ticket = file_ticket()

    # Then the first response is due at 17:00 the same day (60 minutes of office time)
    fr, res = _clock(ticket, "first_response"), _clock(ticket, "resolution")
    assert fr.standard == office["default"]
    assert fr.due_at == sh(9, 25, 17)
    # and the resolution Monday 28 September 17:00: Friday 16:00–18:00 is 120 minutes,
    # the weekend does not count, Monday 09:00 + 480 minutes is 17:00
    assert res.due_at == sh(9, 28, 17)
    # The warning at 80 %: 480 minutes = Friday 120 + Monday 360 → Monday 15:00
    assert res.warn_at == sh(9, 28, 15)
    assert _ticket(ticket).sla_due_at == sh(9, 25, 17)


def test_waiting_on_requester_over_a_weekend_does_not_count(world, office, clock, file_ticket):
    # Given a request filed Friday 25 September 09:00 and answered at 09:30
    clock.set(sh(9, 25, 9))
    ticket = file_ticket()
    # Resolution due Monday 10:00: Friday 09:00–18:00 is 540 minutes, 60 more on Monday
    assert _clock(ticket, "resolution").due_at == sh(9, 28, 10)
    clock.set(sh(9, 25, 9, 30))
    services.comment_create(ticket=ticket, author=world.it_agent, body="Which model is it?")

    # When the agent waits on the requester from Friday 17:00 …
    clock.set(sh(9, 25, 17))
    services.ticket_transition(ticket=_ticket(ticket), to=Status.PENDING, actor=world.it_agent)
    res = _clock(ticket, "resolution")
    assert res.state == SLAClock.State.PAUSED
    # 09:00–17:00 used: 480 business minutes
    assert res.consumed_seconds == pytest.approx(480 * MINUTE)
    assert _ticket(ticket).sla_paused is True

    # … and alice replies on Monday 28 September 10:00
    clock.set(sh(9, 28, 10))
    services.comment_create(ticket=_ticket(ticket), author=world.alice, body="A ThinkPad X1")

    # Then the clock runs again with the 120 minutes that were left: due Monday 12:00, not
    # the 10:00 it had before the pause
    res = _clock(ticket, "resolution")
    ticket = _ticket(ticket)
    assert ticket.status == Status.OPEN
    assert res.state == SLAClock.State.RUNNING
    assert res.due_at == sh(9, 28, 12)
    # Paused from Friday 17:00 to Monday 10:00 on the wall clock: 65 hours
    assert res.paused_seconds == pytest.approx(65 * 3600)
    assert res.consumed_seconds == pytest.approx(480 * MINUTE)
    # The warning at 80 % of 600 = 480 minutes is already used: due at once, on resume
    assert res.warn_at == sh(9, 28, 10)
    assert ticket.sla_due_at == sh(9, 28, 12) and ticket.sla_paused is False


def test_waiting_on_requester_over_a_holiday_does_not_count(world, office, clock, file_ticket):
    # Given a request filed Wednesday 30 September 14:00, the eve of National Day
    clock.set(sh(9, 30, 14))
    ticket = file_ticket()
    # Resolution due: Wednesday 14:00–18:00 is 240 minutes; 1–7 October are holidays;
    # Thursday 8 October 09:00 + 360 minutes is 15:00
    assert _clock(ticket, "resolution").due_at == sh(10, 8, 15)
    clock.set(sh(9, 30, 14, 30))
    services.comment_create(ticket=ticket, author=world.it_agent, body="Please send a photo")
    clock.set(sh(9, 30, 17))
    services.ticket_transition(ticket=_ticket(ticket), to=Status.PENDING, actor=world.it_agent)
    # 14:00–17:00 used: 180 minutes, 420 left
    assert _clock(ticket, "resolution").consumed_seconds == pytest.approx(180 * MINUTE)

    # When alice replies during the holiday, Friday 2 October 11:00
    clock.set(sh(10, 2, 11))
    services.comment_create(ticket=_ticket(ticket), author=world.alice, body="Photo attached")

    # Then the 420 minutes left start when the office opens again: Thursday 8 October
    # 09:00 + 420 minutes = 16:00
    res = _clock(ticket, "resolution")
    assert res.state == SLAClock.State.RUNNING
    assert res.due_at == sh(10, 8, 16)
    # Paused Wednesday 17:00 → Friday 11:00: 42 hours of wall time
    assert res.paused_seconds == pytest.approx(42 * 3600)
    # The warning at 80 % of 600 = 480 minutes: 300 more business minutes → Thursday
    # 8 October 09:00 + 300 = 14:00
    assert res.warn_at == sh(10, 8, 14)


def test_a_due_time_falls_on_the_make_up_saturday(world, office, clock, file_ticket):
    # Given it is Friday 9 October 17:30, the day before the make-up Saturday
    clock.set(sh(10, 9, 17, 30))

    # When alice files a request
    ticket = file_ticket()

    # Then the first response is due on the make-up Saturday 10 October at 09:30:
    # 30 minutes on Friday, 30 on Saturday (worked with Monday's 09:00–18:00)
    fr, res = _clock(ticket, "first_response"), _clock(ticket, "resolution")
    assert fr.due_at == sh(10, 10, 9, 30)
    # and the resolution Monday 12 October 09:30: 30 minutes on Friday, 540 on Saturday,
    # Sunday off, 30 on Monday
    assert res.due_at == sh(10, 12, 9, 30)

    # When nobody answers until the make-up Saturday 09:20
    clock.set(sh(10, 10, 9, 20))
    services.comment_create(ticket=ticket, author=world.it_agent, body="On it")

    # Then the first response was met: 50 business minutes used of 60
    fr = _clock(ticket, "first_response")
    assert fr.state == SLAClock.State.MET
    assert fr.consumed_seconds == pytest.approx(50 * MINUTE)


def test_an_answer_on_the_sunday_after_the_make_up_saturday_is_late(world, office, clock, file_ticket):
    # Given the same Friday 17:30 request, first response due Saturday 10 October 09:30
    clock.set(sh(10, 9, 17, 30))
    ticket = file_ticket()

    # When the first answer comes on Sunday 11 October 12:00 (a weekend day, not worked)
    clock.set(sh(10, 11, 12))
    services.comment_create(ticket=ticket, author=world.it_agent, body="Sorry for the wait")

    # Then it is met late: the whole Saturday counted, 30 + 540 = 570 minutes used of 60
    fr = _clock(ticket, "first_response")
    assert fr.state == SLAClock.State.BREACHED
    assert fr.breached_at == sh(10, 10, 9, 30)
    assert fr.consumed_seconds == pytest.approx(570 * MINUTE)


def test_a_priority_change_rematches_on_the_office_calendar(world, office, clock, file_ticket):
    # Given a P3 request filed Friday 25 September 16:00 under the default standard,
    # answered at 16:10
    clock.set(sh(9, 25, 16))
    ticket = file_ticket(priority="P3")
    assert _clock(ticket, "resolution").due_at == sh(9, 28, 17)  # 120 Friday + 480 Monday
    clock.set(sh(9, 25, 16, 10))
    services.comment_create(ticket=ticket, author=world.it_agent, body="Looking")

    # When the lead raises it to P1 at 17:30
    clock.set(sh(9, 25, 17, 30))
    services.ticket_set_priority(ticket=_ticket(ticket), priority="P1", actor=world.it_lead)

    # Then the P1 standard applies with the 90 minutes already used (16:00–17:30): 150 of
    # its 240 are left, 30 on Friday until 18:00 and 120 on Monday → Monday 28 September 11:00
    res = _clock(ticket, "resolution")
    assert res.standard == office["p1"]
    assert res.target_minutes == 240
    assert res.state == SLAClock.State.RUNNING
    assert res.due_at == sh(9, 28, 11)
    # Warning at 80 % of 240 = 192 minutes: 102 more, 30 Friday + 72 Monday → 10:12
    assert res.warn_at == sh(9, 28, 10, 12)
    # The first response, met at 16:10, stays met under the new standard
    assert _clock(ticket, "first_response").state == SLAClock.State.MET
    ticket = _ticket(ticket)
    assert ticket.sla_due_at == sh(9, 28, 11)
    event = ticket.events.filter(kind=EventKind.SLA, data__reason="priority").get()
    assert dt.datetime.fromisoformat(event.data["resolution_due"]) == sh(9, 28, 11)


def test_a_rematch_while_waiting_over_the_weekend_keeps_the_pause(world, office, clock, file_ticket):
    # Given a P3 request filed Friday 25 September 16:00, waiting on alice from 17:00
    clock.set(sh(9, 25, 16))
    ticket = file_ticket(priority="P3")
    clock.set(sh(9, 25, 16, 5))
    services.comment_create(ticket=ticket, author=world.it_agent, body="Which floor?")
    clock.set(sh(9, 25, 17))
    services.ticket_transition(ticket=_ticket(ticket), to=Status.PENDING, actor=world.it_agent)

    # When the lead raises it to P1 on Saturday 26 September 10:00, still waiting
    clock.set(sh(9, 26, 10))
    services.ticket_set_priority(ticket=_ticket(ticket), priority="P1", actor=world.it_lead)
    res = _clock(ticket, "resolution")
    assert res.standard == office["p1"] and res.state == SLAClock.State.PAUSED

    # and alice answers on Monday 28 September 09:30
    clock.set(sh(9, 28, 9, 30))
    services.comment_create(ticket=_ticket(ticket), author=world.alice, body="Third floor")

    # Then the P1 target counts the 60 minutes used on Friday (16:00–17:00): 180 left from
    # Monday 09:30 → 12:30
    res = _clock(ticket, "resolution")
    assert res.state == SLAClock.State.RUNNING
    assert res.consumed_seconds == pytest.approx(60 * MINUTE)
    assert res.due_at == sh(9, 28, 12, 30)


def test_a_transfer_from_a_round_the_clock_team_rematches_onto_office_hours(world, office, clock, file_ticket):
    # Given HR Services work round the clock (UTC, every day: 60 / 480 minutes) and a
    # payslip request filed to them on Saturday 26 September 10:00, answered at 10:40
    ServiceStandardFactory(team=world.hr, name="HR 24x7", first_response_minutes=60, resolution_minutes=480)
    clock.set(sh(9, 26, 10))
    ticket = file_ticket(item=world.payslip)
    assert _clock(ticket, "resolution").due_at == sh(9, 26, 18)  # 480 minutes of wall time
    clock.set(sh(9, 26, 10, 40))
    services.comment_create(ticket=ticket, author=world.hr_agent, body="This is for IT, passing it on")

    # When the HR agent transfers it to IT at 11:00 (60 minutes used on HR's calendar)
    clock.set(sh(9, 26, 11))
    services.ticket_transfer(ticket=_ticket(ticket), team=world.it, actor=world.hr_agent, reason="Laptop issue")

    # Then IT's office standard applies: 600 − 60 = 540 minutes left, counted from the
    # office's next opening, Monday 28 September 09:00 → 18:00
    res = _clock(ticket, "resolution")
    assert res.standard == office["default"]
    assert res.state == SLAClock.State.RUNNING
    assert res.consumed_seconds == pytest.approx(60 * MINUTE)
    assert res.due_at == sh(9, 28, 18)
    # The first response, met on Saturday at 10:40, stays met
    assert _clock(ticket, "first_response").state == SLAClock.State.MET
    assert _ticket(ticket).sla_due_at == sh(9, 28, 18)


def test_resolved_then_reopened_after_a_weekend_runs_on_with_the_time_used(world, office, clock, file_ticket):
    # Given a request filed Thursday 24 September 09:00, answered at 09:10
    clock.set(sh(9, 24, 9))
    ticket = file_ticket()
    # Resolution due Friday 10:00: 540 minutes on Thursday, 60 on Friday
    assert _clock(ticket, "resolution").due_at == sh(9, 25, 10)
    clock.set(sh(9, 24, 9, 10))
    services.comment_create(ticket=ticket, author=world.it_agent, body="Replacing the disk")

    # When it is resolved Friday 25 September 09:30
    clock.set(sh(9, 25, 9, 30))
    services.ticket_transition(ticket=_ticket(ticket), to=Status.RESOLVED, actor=world.it_agent)

    # Then the resolution was met with 540 + 30 = 570 minutes used
    res = _clock(ticket, "resolution")
    assert res.state == SLAClock.State.MET
    assert res.stopped_at == sh(9, 25, 9, 30)
    assert res.consumed_seconds == pytest.approx(570 * MINUTE)
    assert _ticket(ticket).sla_due_at is None

    # When alice reopens it on Monday 28 September 11:00
    clock.set(sh(9, 28, 11))
    services.ticket_transition(ticket=_ticket(ticket), to=Status.OPEN, actor=world.alice)

    # Then the resolution clock runs again with the 30 minutes left (the weekend and Monday
    # morning while it was resolved do not count): due Monday 11:30
    res = _clock(ticket, "resolution")
    ticket = _ticket(ticket)
    assert ticket.status == Status.OPEN
    assert res.state == SLAClock.State.RUNNING
    assert res.due_at == sh(9, 28, 11, 30)
    assert ticket.sla_due_at == sh(9, 28, 11, 30)


def test_resolved_late_over_a_weekend_is_met_late(world, office, clock, file_ticket):
    # Given a request filed Friday 25 September 09:00, resolution due Monday 10:00
    clock.set(sh(9, 25, 9))
    ticket = file_ticket()
    clock.set(sh(9, 25, 9, 5))
    services.comment_create(ticket=ticket, author=world.it_agent, body="Ordering a part")

    # When it is resolved Monday 28 September 10:30
    clock.set(sh(9, 28, 10, 30))
    services.ticket_transition(ticket=_ticket(ticket), to=Status.RESOLVED, actor=world.it_agent)

    # Then it was resolved late: 540 + 90 = 630 business minutes used of 600, breached at
    # its due time Monday 10:00 (the weekend counted for nothing)
    res = _clock(ticket, "resolution")
    assert res.state == SLAClock.State.BREACHED
    assert res.consumed_seconds == pytest.approx(630 * MINUTE)
    assert res.breached_at == sh(9, 28, 10)
