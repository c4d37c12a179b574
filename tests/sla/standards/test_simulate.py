import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from servicedesk.exceptions import ApplicationError
from sla.standards.calendars import calendar_save
from sla.standards.service_standards import standard_save
from sla.standards.simulator import simulate

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_friday_evening_plus_30_minutes_is_due_monday_morning(office_calendar):
    # Given Friday 2026-09-25 17:45 in Shanghai on a Mon–Fri 09–18 calendar
    start = dt.datetime(2026, 9, 25, 17, 45)

    # When 30 business minutes are added
    result = simulate(calendar=office_calendar, start=start, minutes=30)

    # Then it is due Monday 09:15 Shanghai time
    assert result["due_at"].isoformat() == "2026-09-28T09:15:00+08:00"


def test_ending_exactly_at_closing_time_stays_at_closing_time(office_calendar):
    # Given Friday 17:30 in Shanghai
    start = dt.datetime(2026, 9, 25, 17, 30, tzinfo=SHANGHAI)

    # When 30 business minutes are added
    result = simulate(calendar=office_calendar, start=start, minutes=30)

    # Then it is due at 18:00 that Friday, not at Monday's opening
    assert result["due_at"].isoformat() == "2026-09-25T18:00:00+08:00"


def test_an_aware_start_is_converted_to_the_calendar_time_zone(office_calendar):
    # Given 09:45 UTC, which is 17:45 in Shanghai
    start = dt.datetime(2026, 9, 25, 9, 45, tzinfo=dt.UTC)

    # When 30 business minutes are added
    result = simulate(calendar=office_calendar, start=start, minutes=30)

    # Then the result is Monday 09:15 in Shanghai
    assert result["due_at"].isoformat() == "2026-09-28T09:15:00+08:00"


def test_a_standard_gives_first_response_resolution_and_warning(world, office_calendar):
    # Given 1 h to respond and 8 h to resolve, warned at 50%
    standard = standard_save(actor=world.admin, name="IT", team=world.it, calendar=office_calendar,
                             first_response_minutes=60, resolution_minutes=480, warning_percent=50)

    # When a ticket is filed Friday 17:00 in Shanghai
    result = simulate(standard=standard, start=dt.datetime(2026, 9, 25, 17, 0))

    # Then first response is due at closing, resolution on Monday at 16:00, the warning at 12:00
    assert result["first_response_due"].isoformat() == "2026-09-25T18:00:00+08:00"
    assert result["resolution_due"].isoformat() == "2026-09-28T16:00:00+08:00"
    assert result["warning_at"].isoformat() == "2026-09-28T12:00:00+08:00"


def test_holidays_are_skipped(world, office_calendar):
    # Given National Day week is a holiday
    calendar = calendar_save(actor=world.admin, calendar=office_calendar, name="Shanghai office",
                             timezone="Asia/Shanghai", working_hours=[
                                 {"weekday": d, "start": dt.time(9), "end": dt.time(18)} for d in range(5)],
                             holidays=[{"date": dt.date(2026, 10, 1), "end_date": dt.date(2026, 10, 7),
                                        "name": "National Day"}],
                             extra_working_days=[])

    # When 60 minutes are added on Wednesday 30 September at 17:30
    result = simulate(calendar=calendar, start=dt.datetime(2026, 9, 30, 17, 30), minutes=60)

    # Then it is due on Thursday 8 October at 09:30
    assert result["due_at"].isoformat() == "2026-10-08T09:30:00+08:00"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({}, "calendar"),
    ({"calendar": True}, "minutes"),
    ({"calendar": True, "minutes": -1}, "minutes"),
], ids=["nothing chosen", "calendar without minutes", "negative minutes"])
def test_incomplete_simulations_are_refused(office_calendar, kwargs, field):
    # Given the calendar where asked for
    if kwargs.get("calendar"):
        kwargs["calendar"] = office_calendar

    # When simulated
    with pytest.raises(ApplicationError) as refused:
        simulate(start=dt.datetime(2026, 9, 25, 17, 45), **kwargs)

    # Then the missing input is named
    assert field in refused.value.field_errors
