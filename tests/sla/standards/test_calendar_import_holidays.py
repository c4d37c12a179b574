import datetime as dt

import pytest

from servicedesk.exceptions import ApplicationError
from sla import clocks
from sla.models import StandardChange
from sla.standards.calendars import calendar_import_holidays


def _holidays(calendar):
    return {(h.date, h.end_date): h.name for h in calendar.holidays.all()}


def test_china_2026_national_day_is_one_range_across_its_sunday(world, office_calendar):
    # When China's 2026 public holidays are imported into a Mon–Fri calendar
    calendar_import_holidays(actor=world.admin, calendar=office_calendar, country="CN", year=2026)

    # Then National Day is one holiday from 1 to 7 October
    assert _holidays(office_calendar)[(dt.date(2026, 10, 1), dt.date(2026, 10, 7))] == "National Day"


def test_china_2026_spring_festival_is_one_range(world, office_calendar):
    # When China's 2026 public holidays are imported
    calendar_import_holidays(actor=world.admin, calendar=office_calendar, country="CN", year=2026)

    # Then the Spring Festival runs from New Year's Eve (16 Feb) to the day off of 23 Feb
    name = _holidays(office_calendar)[(dt.date(2026, 2, 16), dt.date(2026, 2, 23))]
    assert "Spring Festival" in name


def test_china_2026_make_up_working_days_are_imported_and_named_after_their_holiday(world, office_calendar):
    # When China's 2026 public holidays are imported
    calendar_import_holidays(actor=world.admin, calendar=office_calendar, country="CN", year=2026)

    # Then the weekend make-up days are working days, named after the holiday they pay for
    extra = {d.date: d.name for d in office_calendar.extra_working_days.all()}
    assert set(extra) == {dt.date(2026, 1, 4), dt.date(2026, 2, 14), dt.date(2026, 2, 28), dt.date(2026, 5, 9),
                          dt.date(2026, 9, 20), dt.date(2026, 10, 10)}
    assert extra[dt.date(2026, 9, 20)].startswith("National Day")
    assert clocks.calendar_value(office_calendar).intervals_on(dt.date(2026, 10, 10)) == ((540, 1080),)


def test_importing_twice_adds_nothing(world, office_calendar, row_counts):
    # Given China's 2026 holidays were imported
    first = calendar_import_holidays(actor=world.admin, calendar=office_calendar, country="CN", year=2026)
    before = row_counts()

    # When they are imported again
    again = calendar_import_holidays(actor=world.admin, calendar=office_calendar, country="CN", year=2026)

    # Then nothing is added
    assert first > 0
    assert again == 0
    assert row_counts() == before


def test_import_is_audited_with_its_source(world, office_calendar):
    # When US holidays are imported
    calendar_import_holidays(actor=world.admin, calendar=office_calendar, country="us", year=2026)

    # Then the log names the source and lists the new holidays
    change = StandardChange.objects.get(action="imported")
    assert change.changes["source"]["new"] == "US 2026"
    assert "2026-07-03..2026-07-04 Independence Day" in change.changes["holidays"]["new"]


@pytest.mark.parametrize("country", ["TW", "HK", "SG", "US", "GB"])
def test_other_countries_import(world, office_calendar, country):
    # When a country's 2026 holidays are imported
    added = calendar_import_holidays(actor=world.admin, calendar=office_calendar, country=country,
                                     year=2026)

    # Then some holidays were added
    assert added > 0
    assert office_calendar.holidays.exists()


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"country": "XX", "year": 2026}, "country"),
    ({"country": "", "year": 2026}, "country"),
    ({"country": "CN", "year": 1800}, "year"),
    ({"country": "US", "year": 2026, "subdiv": "ZZ"}, "subdiv"),
], ids=["unknown country", "no country", "year out of range", "unknown subdivision"])
def test_bad_import_is_refused_and_nothing_is_written(world, office_calendar, row_counts, kwargs, field):
    # Given the rows before
    before = row_counts()

    # When an import with one bad input is asked for
    with pytest.raises(ApplicationError) as refused:
        calendar_import_holidays(actor=world.admin, calendar=office_calendar, **kwargs)

    # Then it is refused and nothing is written
    assert field in refused.value.field_errors
    assert row_counts() == before
