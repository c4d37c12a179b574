import datetime as dt

import pytest

from servicedesk.exceptions import ApplicationError
from sla import clocks
from sla.models import BusinessCalendar, StandardChange
from sla.standards.calendars import calendar_save, calendar_summary
from tests.sla.standards.conftest import OFFICE_HOURS, office_calendar_kwargs


def test_creating_a_calendar_writes_hours_holidays_and_make_up_days(world):
    # Given a calendar with a lunch break on Monday, a holiday week and a make-up day
    hours = [{"weekday": 0, "start": dt.time(9), "end": dt.time(12)},
             {"weekday": 0, "start": dt.time(13, 30), "end": dt.time(18)}, *OFFICE_HOURS[1:]]

    # When it is saved
    calendar = calendar_save(actor=world.admin, **office_calendar_kwargs(
        working_hours=hours,
        holidays=[{"date": dt.date(2026, 10, 1), "end_date": dt.date(2026, 10, 7), "name": "National Day"}],
        extra_working_days=[{"date": dt.date(2026, 10, 10), "name": "National Day make-up"}],
    ))

    # Then the pure calendar has all of it
    value = clocks.calendar_value(calendar)
    assert value.weekly[0] == ((540, 720), (810, 1080))
    assert value.weekly[5] == ()
    assert dt.date(2026, 10, 4) in value.holidays
    assert value.intervals_on(dt.date(2026, 10, 10)) == ((540, 720), (810, 1080))


def test_midnight_as_end_means_the_whole_day(world):
    # Given hours 00:00-00:00 every day
    hours = [{"weekday": day, "start": dt.time(0), "end": dt.time(0)} for day in range(7)]

    # When saved
    calendar = calendar_save(actor=world.admin, **office_calendar_kwargs(working_hours=hours))

    # Then every day is worked 24 hours
    assert clocks.calendar_value(calendar).weekly == (((0, 1440),),) * 7


def test_creating_a_calendar_is_audited(world):
    # When a calendar is created
    calendar = calendar_save(actor=world.admin, **office_calendar_kwargs())

    # Then the log says who created it and what it holds
    change = StandardChange.objects.get(object_type="calendar", object_id=calendar.pk)
    assert (change.action, change.actor) == ("created", world.admin)
    assert change.changes["timezone"] == {"old": None, "new": "Asia/Shanghai"}
    assert change.changes["working_hours"]["new"]["Mon"] == "09:00-18:00"


def test_editing_a_calendar_audits_old_and_new_of_what_changed(world, office_calendar):
    # When Friday ends early and a holiday is added
    hours = [*OFFICE_HOURS[:4], {"weekday": 4, "start": dt.time(9), "end": dt.time(15)}]
    calendar_save(actor=world.admin, calendar=office_calendar, **office_calendar_kwargs(
        working_hours=hours, holidays=[{"date": dt.date(2026, 5, 1), "end_date": None, "name": "Labour Day"}]))

    # Then one log row holds old → new of hours and holidays, and nothing about the unchanged name
    change = StandardChange.objects.filter(object_type="calendar", action="updated").get()
    assert change.changes["working_hours"]["old"]["Fri"] == "09:00-18:00"
    assert change.changes["working_hours"]["new"]["Fri"] == "09:00-15:00"
    assert change.changes["holidays"] == {"old": [], "new": ["2026-05-01 Labour Day"]}
    assert "name" not in change.changes


def test_editing_a_calendar_bumps_updated_at_so_cached_calendars_refresh(world, office_calendar):
    # Given the pure calendar is cached
    before = office_calendar.updated_at
    assert dt.date(2026, 5, 1) not in clocks.calendar_value(office_calendar).holidays

    # When a holiday is added
    saved = calendar_save(actor=world.admin, calendar=office_calendar, **office_calendar_kwargs(
        holidays=[{"date": dt.date(2026, 5, 1), "end_date": None, "name": "Labour Day"}]))

    # Then the row's updated_at moved and the cache gives the new calendar
    assert saved.updated_at > before
    assert dt.date(2026, 5, 1) in clocks.calendar_value(BusinessCalendar.objects.get(pk=saved.pk)).holidays


def test_saving_without_changes_writes_nothing(world, office_calendar, row_counts):
    # Given the calendar as it is
    before = row_counts()

    # When saved with the same values
    calendar_save(actor=world.admin, calendar=office_calendar, **office_calendar_kwargs())

    # Then no row was written, not even a log entry
    assert row_counts() == before


BAD_CALENDARS = {
    "unknown time zone": ({"timezone": "Asia/Beijing"}, "timezone"),
    "empty name": ({"name": "  "}, "name"),
    "end before start": ({"working_hours": [{"weekday": 0, "start": dt.time(18), "end": dt.time(9)}]},
                         "working_hours"),
    "end equals start": ({"working_hours": [{"weekday": 0, "start": dt.time(9), "end": dt.time(9)}]},
                         "working_hours"),
    "overlapping intervals": ({"working_hours": [{"weekday": 1, "start": dt.time(9), "end": dt.time(13)},
                                                 {"weekday": 1, "start": dt.time(12), "end": dt.time(18)}]},
                              "working_hours"),
    "weekday out of range": ({"working_hours": [{"weekday": 7, "start": dt.time(9), "end": dt.time(18)}]},
                             "working_hours"),
    "no working hours at all": ({"working_hours": []}, "working_hours"),
    "holiday ends before it starts": ({"holidays": [{"date": dt.date(2026, 10, 7), "end_date": dt.date(2026, 10, 1),
                                                     "name": "National Day"}]}, "holidays"),
    "overlapping holidays": ({"holidays": [
        {"date": dt.date(2026, 10, 1), "end_date": dt.date(2026, 10, 7), "name": "National Day"},
        {"date": dt.date(2026, 10, 6), "end_date": None, "name": "Mid-Autumn"}]}, "holidays"),
    "make-up day that is a holiday": ({
        "holidays": [{"date": dt.date(2026, 10, 1), "end_date": dt.date(2026, 10, 7), "name": "National Day"}],
        "extra_working_days": [{"date": dt.date(2026, 10, 3), "name": "make-up"}]}, "extra_working_days"),
    "make-up day twice": ({"extra_working_days": [{"date": dt.date(2026, 10, 10), "name": "a"},
                                                  {"date": dt.date(2026, 10, 10), "name": "b"}]},
                          "extra_working_days"),
    "make-up weekday out of range": ({"extra_day_weekday": 9}, "extra_day_weekday"),
}


@pytest.mark.parametrize(("overrides", "field"), BAD_CALENDARS.values(), ids=BAD_CALENDARS.keys())
def test_a_bad_new_calendar_is_refused_and_nothing_is_written(world, row_counts, overrides, field):
    # Given the rows before
    before = row_counts()

    # When a calendar with one bad input is saved
    with pytest.raises(ApplicationError) as refused:
        calendar_save(actor=world.admin, **office_calendar_kwargs(**overrides))

    # Then that input is named and nothing was written
    assert field in refused.value.field_errors
    assert row_counts() == before


@pytest.mark.parametrize(("overrides", "field"), BAD_CALENDARS.values(), ids=BAD_CALENDARS.keys())
def test_a_bad_edit_is_refused_and_the_calendar_stays_as_it_was(world, office_calendar, row_counts, overrides,
                                                                 field):
    # Given the calendar as it is
    before = row_counts()
    summary = calendar_summary(office_calendar)

    # When an edit with one bad input is saved
    with pytest.raises(ApplicationError) as refused:
        calendar_save(actor=world.admin, calendar=office_calendar, **office_calendar_kwargs(**overrides))

    # Then it is refused and the calendar has not changed
    assert field in refused.value.field_errors
    assert row_counts() == before
    fresh = BusinessCalendar.objects.get(pk=office_calendar.pk)
    assert calendar_summary(fresh) == summary
    assert fresh.updated_at == office_calendar.updated_at


def test_a_name_already_taken_is_refused(world, office_calendar, row_counts):
    # Given a calendar named "Shanghai office"
    before = row_counts()

    # When another calendar takes the same name in other case
    with pytest.raises(ApplicationError) as refused:
        calendar_save(actor=world.admin, **office_calendar_kwargs(name="shanghai OFFICE"))

    # Then it is refused
    assert "name" in refused.value.field_errors
    assert row_counts() == before
