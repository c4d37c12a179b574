"""Tests for sla.business_time: worked examples plus properties checked against a
minute-by-minute reference implementation.  Pure Python, no database."""

import pickle
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla.business_time import (
    BusinessCalendar,
    add_business_minutes,
    add_business_seconds,
    business_minutes_between,
    business_seconds_between,
    is_business_time,
    next_business_instant,
    validate_intervals,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")


def sh(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def ny(*args, fold=0):
    return datetime(*args, tzinfo=NEW_YORK, fold=fold)


def real_later(instant, minutes):
    """``minutes`` of real elapsed time after ``instant`` (aware + timedelta would add wall-clock time)."""
    return (instant.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(instant.tzinfo)


def days(first, last):
    return frozenset(first + timedelta(days=n) for n in range((last - first).days + 1))


OFFICE = BusinessCalendar.office_hours("Asia/Shanghai")
NATIONAL_DAY = BusinessCalendar.office_hours(
    "Asia/Shanghai",
    holidays=days(date(2026, 10, 1), date(2026, 10, 7)),
    # The official 2026 make-up days for National Day: Sunday 20 September
    # and Saturday 10 October.
    extra_working_days={date(2026, 9, 20), date(2026, 10, 10)},
)
SPLIT_DAY = BusinessCalendar.office_hours("Asia/Shanghai", intervals=((540, 720), (810, 1080)))
NY_OFFICE = BusinessCalendar.office_hours("America/New_York")
NY_24X7 = BusinessCalendar.always_open("America/New_York")


def sundays_only(timezone_name, intervals):
    return BusinessCalendar(timezone_name, weekly=((),) * 6 + (tuple(intervals),))


# --- Worked examples: Mon-Fri 09:00-18:00 Asia/Shanghai ---------------------


def test_friday_late_ticket_rolls_over_the_weekend():
    """Given Friday 17:45, when adding 30 business minutes, then it lands on Monday 09:15."""
    assert add_business_minutes(OFFICE, sh(2026, 9, 25, 17, 45), 30) == sh(2026, 9, 28, 9, 15)


def test_friday_afternoon_four_hours_lands_monday_midday():
    """Given Friday 17:30, when adding 240 minutes, then it lands on Monday 12:30."""
    assert add_business_minutes(OFFICE, sh(2026, 9, 25, 17, 30), 240) == sh(2026, 9, 28, 12, 30)


def test_running_out_exactly_at_closing_time_stays_on_the_same_day():
    """Given Friday 17:45, when adding 15 minutes, then the deadline is Friday 18:00, not Monday 09:00."""
    result = add_business_minutes(OFFICE, sh(2026, 9, 25, 17, 45), 15)
    assert result == sh(2026, 9, 25, 18, 0)
    assert result.date() == date(2026, 9, 25)


def test_start_on_saturday_counts_from_monday_opening():
    """Given a Saturday ticket, when adding 30 minutes, then counting starts Monday 09:00."""
    assert add_business_minutes(OFFICE, sh(2026, 9, 26, 10, 0), 30) == sh(2026, 9, 28, 9, 30)


def test_start_before_opening_counts_from_opening():
    """Given Monday 07:00, when adding 30 minutes, then counting starts at 09:00."""
    assert add_business_minutes(OFFICE, sh(2026, 9, 28, 7, 0), 30) == sh(2026, 9, 28, 9, 30)


def test_national_day_holidays_are_skipped():
    """Given Wed 30 Sep 17:30 before the 1-7 Oct holidays, when adding 60 minutes, then it lands on 8 Oct 09:30."""
    assert date(2026, 9, 30).weekday() == 2 and date(2026, 10, 8).weekday() == 3
    assert add_business_minutes(NATIONAL_DAY, sh(2026, 9, 30, 17, 30), 60) == sh(2026, 10, 8, 9, 30)


def test_ticket_on_make_up_saturday_is_counted_that_day():
    """Given the make-up Saturday 10 Oct at 08:30, when adding 60 minutes, then it lands the same day at 10:00."""
    assert date(2026, 10, 10).weekday() == 5
    assert NATIONAL_DAY.intervals_on(date(2026, 10, 10)) == ((540, 1080),)
    assert add_business_minutes(NATIONAL_DAY, sh(2026, 10, 10, 8, 30), 60) == sh(2026, 10, 10, 10, 0)
    assert is_business_time(NATIONAL_DAY, sh(2026, 10, 10, 11, 0))


def test_make_up_sunday_is_worked_but_the_next_sunday_is_not():
    """Given Saturday 19 Sep, when adding 60 minutes, then it lands on make-up Sunday 20 Sep 10:00."""
    assert add_business_minutes(NATIONAL_DAY, sh(2026, 9, 19, 12, 0), 60) == sh(2026, 9, 20, 10, 0)
    assert NATIONAL_DAY.intervals_on(date(2026, 9, 27)) == ()


def test_make_up_saturday_evening_rolls_to_monday():
    """Given the make-up Saturday at 17:30, when adding 60 minutes, then Sunday is skipped and it lands Monday 09:30."""
    assert add_business_minutes(NATIONAL_DAY, sh(2026, 10, 10, 17, 30), 60) == sh(2026, 10, 12, 9, 30)


def test_holiday_wins_over_make_up_day():
    """Given a date that is both a holiday and a make-up day, then it is not worked."""
    calendar = BusinessCalendar.office_hours(
        "Asia/Shanghai", holidays={date(2026, 10, 10)}, extra_working_days={date(2026, 10, 10)}
    )
    assert calendar.intervals_on(date(2026, 10, 10)) == ()


def test_lunch_break_is_skipped():
    """Given a 09:00-12:00 + 13:30-18:00 day and 11:50, when adding 20 minutes, then it lands at 13:40."""
    assert add_business_minutes(SPLIT_DAY, sh(2026, 9, 28, 11, 50), 20) == sh(2026, 9, 28, 13, 40)


def test_running_out_at_lunch_returns_noon():
    """Given 11:50 on a split day, when adding 10 minutes, then the deadline is 12:00 (the end of the morning)."""
    assert add_business_minutes(SPLIT_DAY, sh(2026, 9, 28, 11, 50), 10) == sh(2026, 9, 28, 12, 0)


# --- DST ---------------------------------------------------------------------


def test_24x7_new_york_across_spring_forward_adds_real_hours():
    """Given Saturday 7 Mar 12:00 EST on 24x7, when adding 24h, then it is Sunday 13:00 EDT (24 real hours later)."""
    start = ny(2026, 3, 7, 12, 0)
    result = add_business_minutes(NY_24X7, start, 24 * 60)
    assert result == ny(2026, 3, 8, 13, 0)
    assert (result.hour, result.utcoffset()) == (13, timedelta(hours=-4))
    assert result.timestamp() - start.timestamp() == 24 * 3600


def test_24x7_new_york_across_fall_back_adds_real_hours():
    """Given Saturday 31 Oct 12:00 EDT on 24x7, when adding 24h, then it is Sunday 11:00 EST."""
    result = add_business_minutes(NY_24X7, ny(2026, 10, 31, 12, 0), 24 * 60)
    assert result == ny(2026, 11, 1, 11, 0)
    assert (result.hour, result.utcoffset()) == (11, timedelta(hours=-5))


def test_dst_days_have_23_and_25_business_hours_on_24x7():
    """Given 24x7 New York, then the spring-forward day holds 23 hours and the fall-back day 25."""
    assert business_minutes_between(NY_24X7, ny(2026, 3, 8), ny(2026, 3, 9)) == 23 * 60
    assert business_minutes_between(NY_24X7, ny(2026, 11, 1), ny(2026, 11, 2)) == 25 * 60


def test_office_hours_across_dst_weekend_are_unaffected_in_wall_clock_terms():
    """Given Friday 17:00 on New York office hours, when adding 120 minutes over a DST weekend, then Monday 10:00."""
    assert add_business_minutes(NY_OFFICE, ny(2026, 3, 6, 17, 0), 120) == ny(2026, 3, 9, 10, 0)
    assert add_business_minutes(NY_OFFICE, ny(2026, 10, 30, 17, 0), 120) == ny(2026, 11, 2, 10, 0)


def test_spring_forward_interval_is_shorter_in_real_time():
    """Given 01:00-04:00 on the spring-forward Sunday, then it holds 2 real hours."""
    calendar = sundays_only("America/New_York", [(60, 240)])
    assert business_minutes_between(calendar, ny(2026, 3, 8), ny(2026, 3, 9)) == 120
    assert add_business_minutes(calendar, ny(2026, 3, 8, 0, 0), 60) == ny(2026, 3, 8, 3, 0)


def test_interval_starting_in_the_gap_starts_at_the_transition():
    """Given 02:30-04:00 on the spring-forward Sunday, then work starts at 03:00 EDT, the first instant after 02:30."""
    calendar = sundays_only("America/New_York", [(150, 240)])
    opening = next_business_instant(calendar, ny(2026, 3, 8, 0, 0))
    assert opening == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    assert (opening.hour, opening.minute) == (3, 0)


def test_repeated_fall_back_hour_is_worked_on_both_passes():
    """Given 01:00-02:00 on the fall-back Sunday, then it holds 2 real hours and starts at 01:00 EDT (fold=0)."""
    calendar = sundays_only("America/New_York", [(60, 120)])
    assert business_minutes_between(calendar, ny(2026, 11, 1), ny(2026, 11, 2)) == 120
    # Compare timestamps: per PEP 495, inter-zone == is always False for
    # ambiguous wall times, and same-zone == ignores fold.
    opening = next_business_instant(calendar, ny(2026, 10, 31, 23, 0))
    assert opening.timestamp() == datetime(2026, 11, 1, 5, 0, tzinfo=UTC).timestamp()
    assert (opening.hour, opening.fold) == (1, 0)
    closing = add_business_minutes(calendar, opening, 120)
    assert closing.timestamp() == datetime(2026, 11, 1, 7, 0, tzinfo=UTC).timestamp()
    assert (closing.hour, closing.fold) == (2, 0)


def test_interval_ending_inside_the_repeated_hour_is_two_stretches():
    """Given 00:00-01:30 on the fall-back Sunday, then 01:30 EDT-01:00 EST is not worked, 01:00-01:30 EST is."""
    calendar = sundays_only("America/New_York", [(0, 90)])
    assert business_minutes_between(calendar, ny(2026, 11, 1), ny(2026, 11, 2)) == 120
    assert not is_business_time(calendar, ny(2026, 11, 1, 1, 45, fold=0))
    assert is_business_time(calendar, ny(2026, 11, 1, 1, 15, fold=1))
    resumes = next_business_instant(calendar, ny(2026, 11, 1, 1, 45, fold=0))
    assert resumes.timestamp() == ny(2026, 11, 1, 1, 0, fold=1).timestamp()
    assert resumes.fold == 1


def test_fall_back_across_midnight_gives_the_old_date_25_hours():
    """Given Sao Paulo, whose clocks went from 18 Feb 2018 00:00 back to 17 Feb 23:00, then 17 Feb had 25 hours."""
    tz = ZoneInfo("America/Sao_Paulo")
    calendar = BusinessCalendar.always_open("America/Sao_Paulo")
    start, end = datetime(2018, 2, 17, tzinfo=tz), datetime(2018, 2, 18, tzinfo=tz, fold=1)
    assert business_minutes_between(calendar, start, end) == 25 * 60
    night = BusinessCalendar("America/Sao_Paulo", weekly=(((1380, 1440),),) * 7)
    assert business_minutes_between(night, start, datetime(2018, 2, 19, tzinfo=tz)) == 3 * 60


# --- between -------------------------------------------------------------------


def test_between_friday_evening_and_monday_morning():
    """Given Friday 17:00 and Monday 10:00, then 120 business minutes lie between them."""
    assert business_minutes_between(OFFICE, sh(2026, 9, 25, 17, 0), sh(2026, 9, 28, 10, 0)) == 120


def test_between_with_reversed_arguments_is_negative():
    """Given Monday 10:00 then Friday 17:00, then the result is -120 minutes."""
    assert business_minutes_between(OFFICE, sh(2026, 9, 28, 10, 0), sh(2026, 9, 25, 17, 0)) == -120


def test_between_the_same_instant_is_zero():
    """Given one instant twice (in different zones), then no business time lies between."""
    instant = sh(2026, 9, 28, 10, 0)
    assert business_seconds_between(OFFICE, instant, instant.astimezone(UTC)) == 0


def test_between_accepts_inputs_in_any_zone():
    """Given UTC inputs for a Shanghai calendar, then they are interpreted as instants."""
    a = datetime(2026, 9, 25, 9, 0, tzinfo=UTC)  # Friday 17:00 in Shanghai
    b = datetime(2026, 9, 28, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
    assert business_seconds_between(OFFICE, a, b) == 7200


def test_between_with_microseconds_is_exact():
    """Given instants with microseconds, then float noise does not leak into the result."""
    a = sh(2026, 9, 28, 10, 0, 0, 123457)
    b = sh(2026, 9, 28, 10, 0, 1, 123458)
    assert business_seconds_between(OFFICE, a, b) == 1.000001


# --- add details ---------------------------------------------------------------


def test_adding_zero_returns_start_in_the_calendar_zone():
    """Given a Sunday instant in UTC, when adding 0 minutes, then the same instant comes back in Shanghai time."""
    start = datetime(2026, 9, 27, 3, 17, 42, 5, tzinfo=UTC)
    result = add_business_minutes(OFFICE, start, 0)
    assert result == start
    assert result.tzinfo == SHANGHAI


def test_result_is_in_the_calendar_zone():
    """Given a UTC start, then the deadline is expressed in the calendar's zone."""
    result = add_business_minutes(OFFICE, datetime(2026, 9, 28, 1, 0, tzinfo=UTC), 60)
    assert result.tzinfo == SHANGHAI
    assert result == sh(2026, 9, 28, 10, 0)


def test_fractional_minutes_and_seconds():
    """Given 09:00, when adding half a minute or 90 seconds, then sub-minute precision is kept."""
    assert add_business_minutes(OFFICE, sh(2026, 9, 28, 9, 0), 0.5) == sh(2026, 9, 28, 9, 0, 30)
    assert add_business_seconds(OFFICE, sh(2026, 9, 28, 17, 59), 90) == sh(2026, 9, 29, 9, 0, 30)


def test_long_spans_match_between():
    """Given a year's worth of business minutes, when adding them, then between gives them back."""
    start = sh(2026, 1, 5, 9, 0)
    result = add_business_minutes(NATIONAL_DAY, start, 540 * 250)
    assert result.year == 2026 and result.month == 12
    assert business_minutes_between(NATIONAL_DAY, start, result) == 540 * 250


@pytest.mark.parametrize("amount", [-1, -0.001, float("nan"), float("inf")])
def test_negative_or_non_finite_amounts_are_rejected(amount):
    with pytest.raises(ValueError):
        add_business_minutes(OFFICE, sh(2026, 9, 28, 9, 0), amount)
    with pytest.raises(ValueError):
        add_business_seconds(OFFICE, sh(2026, 9, 28, 9, 0), amount)


# --- is_business_time / next_business_instant ------------------------------------


def test_working_intervals_are_half_open():
    """Given 09:00-18:00, then 09:00 and 17:59:59 are worked and 18:00 is not."""
    assert is_business_time(OFFICE, sh(2026, 9, 28, 9, 0))
    assert is_business_time(OFFICE, sh(2026, 9, 28, 17, 59, 59))
    assert not is_business_time(OFFICE, sh(2026, 9, 28, 18, 0))
    assert not is_business_time(OFFICE, sh(2026, 9, 27, 12, 0))


def test_next_business_instant_inside_and_outside_working_time():
    """Given an instant inside working time it is returned; outside, the next opening is."""
    inside = datetime(2026, 9, 28, 3, 0, 0, 250, tzinfo=UTC)
    assert next_business_instant(OFFICE, inside) == inside
    assert next_business_instant(OFFICE, inside).tzinfo == SHANGHAI
    assert next_business_instant(OFFICE, sh(2026, 9, 25, 18, 0)) == sh(2026, 9, 28, 9, 0)
    assert next_business_instant(SPLIT_DAY, sh(2026, 9, 28, 12, 0)) == sh(2026, 9, 28, 13, 30)


# --- validation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("intervals", "message"),
    [
        (((540, 720), (700, 1080)), "overlap"),
        (((810, 1080), (540, 720)), "overlap"),
        (((540, 540),), "start must be before end"),
        (((600, 540),), "start must be before end"),
        (((-10, 540),), "within 0..1440"),
        (((540, 1441),), "within 0..1440"),
        (((540.0, 600),), "integer"),
        (((540,),), "pair"),
    ],
)
def test_validate_intervals_rejects_bad_intervals(intervals, message):
    with pytest.raises(ValueError, match=message):
        validate_intervals(intervals)


def test_validate_intervals_accepts_touching_and_full_day_intervals():
    validate_intervals(((0, 540), (540, 1440)))
    validate_intervals(())


def test_calendar_rejects_bad_definitions():
    with pytest.raises(ValueError, match="7 entries"):
        BusinessCalendar("UTC", weekly=(((540, 1080),),) * 5)
    with pytest.raises(ValueError, match=r"weekly\[2\].*overlap"):
        BusinessCalendar("UTC", weekly=((), (), ((540, 720), (600, 900)), (), (), (), ()))
    with pytest.raises(ValueError, match="time zone"):
        BusinessCalendar.always_open("Mars/Olympus_Mons")
    with pytest.raises(ValueError, match="weekdays"):
        BusinessCalendar.office_hours("UTC", weekdays=[7])


@pytest.mark.parametrize(
    "call",
    [
        lambda naive: add_business_minutes(OFFICE, naive, 10),
        lambda naive: add_business_seconds(OFFICE, naive, 10),
        lambda naive: business_seconds_between(OFFICE, naive, sh(2026, 9, 28, 9, 0)),
        lambda naive: business_minutes_between(OFFICE, sh(2026, 9, 28, 9, 0), naive),
        lambda naive: next_business_instant(OFFICE, naive),
        lambda naive: is_business_time(OFFICE, naive),
    ],
)
def test_naive_datetimes_are_rejected(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call(datetime(2026, 9, 28, 9, 0))


def test_calendar_without_working_time_raises_instead_of_looping():
    closed = BusinessCalendar("UTC", weekly=((),) * 7)
    with pytest.raises(ValueError, match="no working time"):
        add_business_minutes(closed, datetime(2026, 1, 1, tzinfo=UTC), 1)
    with pytest.raises(ValueError, match="no working time"):
        next_business_instant(closed, datetime(2026, 1, 1, tzinfo=UTC))
    assert business_seconds_between(closed, datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)) == 0


def test_calendar_running_out_of_make_up_days_raises():
    only_one_day = BusinessCalendar("UTC", weekly=((),) * 7, extra_working_days={date(2026, 3, 1)})
    assert add_business_minutes(only_one_day, datetime(2026, 1, 1, tzinfo=UTC), 60) == datetime(
        2026, 3, 1, 10, 0, tzinfo=UTC
    )
    with pytest.raises(ValueError, match="not enough working time"):
        add_business_minutes(only_one_day, datetime(2026, 1, 1, tzinfo=UTC), 541)


def test_calendar_closed_for_over_ten_years_raises():
    calendar = BusinessCalendar.office_hours("UTC", holidays=days(date(2026, 1, 1), date(2036, 12, 31)))
    with pytest.raises(ValueError, match="not enough working time"):
        add_business_minutes(calendar, datetime(2026, 1, 1, tzinfo=UTC), 1)


def test_equal_calendars_are_equal_hashable_and_picklable():
    again = BusinessCalendar.office_hours(
        "Asia/Shanghai",
        holidays=sorted(days(date(2026, 10, 1), date(2026, 10, 7))),
        extra_working_days=[date(2026, 10, 10), date(2026, 9, 20)],
    )
    assert again == NATIONAL_DAY and hash(again) == hash(NATIONAL_DAY)
    restored = pickle.loads(pickle.dumps(NATIONAL_DAY))
    assert restored == NATIONAL_DAY
    assert add_business_minutes(restored, sh(2026, 9, 30, 17, 30), 60) == sh(2026, 10, 8, 9, 30)


# --- Properties against a minute-by-minute reference ------------------------------


def reference_is_working(calendar, utc_minute):
    """Literal definition: is the local wall-clock minute inside an interval of its local date?"""
    local = datetime.fromtimestamp(utc_minute * 60, ZoneInfo(calendar.timezone))
    minute_of_day = local.hour * 60 + local.minute
    return any(start <= minute_of_day < end for start, end in calendar.intervals_on(local.date()))


def reference_add(calendar, start_minute, minutes):
    """UTC minute at which ``minutes`` working minutes have elapsed, stepping one real minute at a time."""
    if minutes == 0:
        return start_minute
    counted = 0
    utc_minute = start_minute
    while True:
        if reference_is_working(calendar, utc_minute):
            counted += 1
            if counted == minutes:
                return utc_minute + 1
        utc_minute += 1


def reference_between(calendar, a_minute, b_minute):
    return 60 * sum(reference_is_working(calendar, m) for m in range(a_minute, b_minute))


def reference_next(calendar, start_minute):
    utc_minute = start_minute
    while not reference_is_working(calendar, utc_minute):
        utc_minute += 1
    return utc_minute


@dataclass(frozen=True)
class Fixture:
    name: str
    calendar: BusinessCalendar
    anchors: tuple[datetime, ...]  # instants worth probing around (DST, holidays)


CN_HOLIDAYS_2026 = (
    days(date(2026, 1, 1), date(2026, 1, 3))
    | days(date(2026, 2, 15), date(2026, 2, 23))
    | days(date(2026, 5, 1), date(2026, 5, 5))
    | days(date(2026, 10, 1), date(2026, 10, 7))
)
CN_MAKE_UP_2026 = frozenset(
    {date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10)}
)
NIGHT_SHIFT = ((0, 120), (1320, 1440))

FIXTURES = (
    Fixture(
        "shanghai office with holidays",
        BusinessCalendar.office_hours("Asia/Shanghai", holidays=CN_HOLIDAYS_2026, extra_working_days=CN_MAKE_UP_2026),
        (sh(2026, 2, 14), sh(2026, 9, 30), sh(2026, 10, 10), sh(2026, 1, 1)),
    ),
    Fixture(
        "shanghai split day",
        BusinessCalendar.office_hours(
            "Asia/Shanghai",
            intervals=((540, 720), (810, 1080)),
            holidays=CN_HOLIDAYS_2026,
            extra_working_days=CN_MAKE_UP_2026,
        ),
        (sh(2026, 10, 10), sh(2026, 5, 1)),
    ),
    Fixture(
        "new york office",
        BusinessCalendar.office_hours("America/New_York", holidays={date(2026, 11, 26), date(2026, 7, 3)}),
        (ny(2026, 3, 8), ny(2026, 11, 1), ny(2026, 11, 26)),
    ),
    Fixture("new york 24x7", NY_24X7, (ny(2026, 3, 8, 2), ny(2026, 11, 1, 1))),
    Fixture(
        "new york early shift around DST hours",
        BusinessCalendar("America/New_York", weekly=(((0, 90), (150, 240), (1410, 1440)),) * 7),
        (ny(2026, 3, 8, 2), ny(2026, 11, 1, 1)),
    ),
    Fixture(
        "london night shift",
        BusinessCalendar("Europe/London", weekly=(NIGHT_SHIFT,) * 7, holidays={date(2026, 12, 25)}),
        (
            datetime(2026, 3, 29, 1, tzinfo=UTC),
            datetime(2026, 10, 25, 1, tzinfo=UTC),
            datetime(2026, 12, 25, tzinfo=UTC),
        ),
    ),
    Fixture(
        "sao paulo night shift, DST changes at midnight",
        BusinessCalendar("America/Sao_Paulo", weekly=(NIGHT_SHIFT,) * 7),
        (datetime(2018, 2, 18, 2, tzinfo=UTC), datetime(2018, 11, 4, 3, tzinfo=UTC)),
    ),
)

YEAR_2026 = (
    int(datetime(2026, 1, 1, tzinfo=UTC).timestamp()) // 60,
    int(datetime(2027, 1, 1, tzinfo=UTC).timestamp()) // 60,
)
INPUT_ZONES = (None, UTC, ZoneInfo("Europe/Paris"))  # None: the calendar's own zone
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


def start_minutes(fixture):
    near_anchor = st.sampled_from(fixture.anchors).flatmap(
        lambda anchor: st.integers(int(anchor.timestamp()) // 60 - 3 * 1440, int(anchor.timestamp()) // 60 + 3 * 1440)
    )
    return st.one_of(near_anchor, st.integers(*YEAR_2026))


@st.composite
def calendar_and_start(draw):
    fixture = draw(st.sampled_from(FIXTURES))
    minute = draw(start_minutes(fixture))
    zone = draw(st.sampled_from(INPUT_ZONES)) or ZoneInfo(fixture.calendar.timezone)
    return fixture.calendar, minute, datetime.fromtimestamp(minute * 60, zone)


amounts = st.integers(0, 3 * 540)


@PROPERTY_SETTINGS
@given(calendar_and_start(), amounts)
def test_add_agrees_with_minute_by_minute_reference(case, minutes):
    calendar, start_minute, start = case
    result = add_business_minutes(calendar, start, minutes)
    assert result.timestamp() == reference_add(calendar, start_minute, minutes) * 60
    assert result.tzinfo == ZoneInfo(calendar.timezone)


@PROPERTY_SETTINGS
@given(calendar_and_start(), st.integers(0, 3 * 1440))
def test_between_agrees_with_minute_by_minute_reference(case, span):
    calendar, start_minute, start = case
    end = real_later(start, span)
    assert business_seconds_between(calendar, start, end) == reference_between(
        calendar, start_minute, start_minute + span
    )


@PROPERTY_SETTINGS
@given(calendar_and_start())
def test_is_business_time_and_next_instant_agree_with_reference(case):
    calendar, start_minute, start = case
    working = reference_is_working(calendar, start_minute)
    assert is_business_time(calendar, start) == working
    assert is_business_time(calendar, real_later(start, 59 / 60)) == working
    assert next_business_instant(calendar, start).timestamp() == reference_next(calendar, start_minute) * 60


@PROPERTY_SETTINGS
@given(calendar_and_start(), amounts)
def test_between_inverts_add(case, minutes):
    calendar, _, start = case
    assert business_seconds_between(calendar, start, add_business_minutes(calendar, start, minutes)) == minutes * 60


@PROPERTY_SETTINGS
@given(calendar_and_start(), st.integers(0, 5 * 1440), st.integers(0, 5 * 1440))
def test_between_is_additive(case, first_gap, second_gap):
    calendar, _, a = case
    b = real_later(a, first_gap)
    c = real_later(b, second_gap)
    ab = business_seconds_between(calendar, a, b)
    bc = business_seconds_between(calendar, b, c)
    assert ab + bc == business_seconds_between(calendar, a, c)
    assert business_seconds_between(calendar, c, a) == -(ab + bc)


@PROPERTY_SETTINGS
@given(calendar_and_start(), amounts, amounts)
def test_add_is_monotonic_in_minutes(case, m1, m2):
    calendar, _, start = case
    low, high = sorted((m1, m2))
    # timestamp(): same-zone datetime comparison ignores fold.
    assert (
        add_business_minutes(calendar, start, low).timestamp()
        <= add_business_minutes(calendar, start, high).timestamp()
    )
