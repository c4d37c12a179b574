"""Business calendars: weekly hours, holidays and make-up working days as service admins
edit them (`calendar_save`), a country's public holidays imported from the `holidays`
package (`calendar_import_holidays`), and the line formats the pages and the audit log
show them in.

Calendars are not versioned: running clocks follow the calendar as it is now, which is
why every edit bumps `BusinessCalendar.updated_at` (the cache key of
`sla.clocks.calendar_value`) and asks for the running clocks on it to be re-planned.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable
from typing import Any

import holidays as holidays_lib
from django.db import transaction
from django.utils import translation
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from servicedesk.exceptions import ApplicationError
from servicedesk.names import name_translations
from sla import business_time as bt
from sla.bookkeeping import clocks_replan_request
from sla.models import BusinessCalendar, ExtraWorkingDay, Holiday, WorkingHours
from teams.models import User

from .common import (
    NAME_MAX,
    add_error,
    audit,
    clean_line,
    clean_name,
    clean_other_names,
    diff,
    other_names,
    raise_if_errors,
    to_int,
)

# Language-neutral weekday keys used in audit summaries (the pages translate the rest).
WEEKDAY_KEYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Countries offered first on the import form; any code the `holidays` package knows works.
COMMON_HOLIDAY_COUNTRIES = ("CN", "TW", "HK", "SG", "US", "GB")


@functools.lru_cache(maxsize=1)
def available_timezones() -> frozenset[str]:
    """IANA zone names known to this machine (tzdata), read once per process."""
    return frozenset(zoneinfo.available_timezones())


def is_valid_timezone(name: str) -> bool:
    # Membership in the tzdb list, not just ZoneInfo(name): ZoneInfo also accepts files
    # such as "localtime" that mean different things on different machines.
    if name not in available_timezones():
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_intervals(intervals: Iterable[tuple[int, int]]) -> str:
    """"09:00-12:00, 13:30-18:00" for minutes-from-midnight pairs (1440 shows as 24:00)."""
    return ", ".join(f"{_hhmm(start)}-{_hhmm(end)}" for start, end in intervals)


def format_holiday(day: dt.date, end_date: dt.date | None, name: str) -> str:
    """"2026-10-01..2026-10-07 National Day", the line format of the calendar form."""
    text = day.isoformat() if not end_date or end_date == day else f"{day.isoformat()}..{end_date.isoformat()}"
    return f"{text} {name}".strip()


def format_extra_day(day: dt.date, name: str) -> str:
    return f"{day.isoformat()} {name}".strip()


def _time_minutes(value, *, is_end: bool) -> int:
    """Minutes from local midnight of a `time` or "HH:MM"; as an end, 00:00 and 24:00 mean midnight."""
    if isinstance(value, str):
        text = value.strip()
        if text in ("24:00", "24:00:00"):
            if not is_end:
                raise ValueError(text)
            return 1440
        value = dt.time.fromisoformat(text)
    if not isinstance(value, dt.time):
        raise ValueError(repr(value))
    if value.second or value.microsecond:
        raise ValueError(value.isoformat())
    minutes = value.hour * 60 + value.minute
    return 1440 if is_end and minutes == 0 else minutes


def _to_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError(repr(value))
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip())
    raise ValueError(repr(value))


def _weekday_name(weekday: int) -> str:
    return str(WEEKDAYS[weekday])


def _days(first: dt.date, last: dt.date | None) -> Iterable[dt.date]:
    day = first
    while day <= (last or first):
        yield day
        day += dt.timedelta(days=1)


# --- business calendars ---------------------------------------------------------------


def calendar_summary(calendar: BusinessCalendar) -> dict[str, Any]:
    """What an admin edits on a calendar, as plain JSON (the audit log's old/new values)."""
    weekly: dict[int, list[tuple[int, int]]] = {day: [] for day in range(7)}
    for hours in calendar.working_hours.all():
        weekly[hours.weekday].append(
            (_time_minutes(hours.start, is_end=False), _time_minutes(hours.end, is_end=True))
        )
    return {
        "name": calendar.name,
        "names": other_names(calendar.translations),
        "timezone": calendar.timezone,
        "extra_day_weekday": calendar.extra_day_weekday,
        "working_hours": {WEEKDAY_KEYS[day]: format_intervals(sorted(weekly[day])) for day in range(7)},
        "holidays": [format_holiday(h.date, h.end_date, h.name)
                     for h in sorted(calendar.holidays.all(), key=lambda h: h.date)],
        "extra_working_days": [format_extra_day(d.date, d.name)
                               for d in sorted(calendar.extra_working_days.all(), key=lambda d: d.date)],
    }


def _clean_working_hours(working_hours, errors) -> dict[int, list[tuple[int, int]]]:
    weekly: dict[int, list[tuple[int, int]]] = {day: [] for day in range(7)}
    for row in working_hours or ():
        try:
            weekday = to_int(row.get("weekday"))
        except ValueError:
            weekday = -1
        if not 0 <= weekday <= 6:
            add_error(errors, "working_hours", _("The weekday must be 0 (Monday) to 6 (Sunday)."))
            continue
        try:
            start = _time_minutes(row.get("start"), is_end=False)
            end = _time_minutes(row.get("end"), is_end=True)
        except (TypeError, ValueError):
            add_error(errors, "working_hours",
                       _("%(day)s: enter times as HH:MM, e.g. 09:00-18:00.") % {"day": _weekday_name(weekday)})
            continue
        if end <= start:
            add_error(errors, "working_hours", _("%(day)s: %(start)s-%(end)s ends before it starts.") % {
                "day": _weekday_name(weekday), "start": _hhmm(start), "end": _hhmm(end)})
            continue
        weekly[weekday].append((start, end))
    for weekday, intervals in weekly.items():
        intervals.sort()
        for (a_start, a_end), (b_start, b_end) in zip(intervals, intervals[1:], strict=False):
            if b_start < a_end:
                add_error(errors, "working_hours", _("%(day)s: %(first)s and %(second)s overlap.") % {
                    "day": _weekday_name(weekday), "first": format_intervals([(a_start, a_end)]),
                    "second": format_intervals([(b_start, b_end)])})
        try:
            bt.validate_intervals(intervals)
        except ValueError as exc:
            add_error(errors, "working_hours", f"{_weekday_name(weekday)}: {exc}")
    if "working_hours" not in errors and not any(weekly.values()):
        add_error(errors, "working_hours", _("A business calendar needs working hours on at least one weekday."))
    return weekly


def _clean_holidays(holidays, errors) -> list[tuple[dt.date, dt.date | None, str]]:
    cleaned = []
    for row in holidays or ():
        try:
            first = _to_date(row.get("date"))
            last = _to_date(row["end_date"]) if row.get("end_date") else None
        except (TypeError, ValueError):
            add_error(errors, "holidays", _("Enter holiday dates as YYYY-MM-DD."))
            continue
        name = clean_line(errors, "holidays", row.get("name"))
        if last is not None and last < first:
            add_error(errors, "holidays", _("%(name)s: the last day %(last)s is before the first day %(first)s.") % {
                "name": name or first.isoformat(), "last": last.isoformat(), "first": first.isoformat()})
            continue
        if len(name) > NAME_MAX:
            add_error(errors, "holidays", _("%(date)s: the name is longer than %(max)d characters.") % {
                "date": first.isoformat(), "max": NAME_MAX})
            continue
        cleaned.append((first, None if last == first else last, name))
    cleaned.sort(key=lambda h: h[0])
    for (a_first, a_last, a_name), (b_first, b_last, b_name) in zip(cleaned, cleaned[1:], strict=False):
        if b_first <= (a_last or a_first):
            add_error(errors, "holidays", _("%(first)s overlaps %(second)s.") % {
                "first": format_holiday(a_first, a_last, a_name), "second": format_holiday(b_first, b_last, b_name)})
    return cleaned


def _clean_extra_days(extra_working_days, holidays, errors) -> list[tuple[dt.date, str]]:
    holiday_days = {day for first, last, _name in holidays for day in _days(first, last)}
    cleaned: dict[dt.date, str] = {}
    for row in extra_working_days or ():
        try:
            day = _to_date(row.get("date"))
        except (TypeError, ValueError):
            add_error(errors, "extra_working_days", _("Enter make-up working days as YYYY-MM-DD."))
            continue
        name = clean_line(errors, "extra_working_days", row.get("name"))
        if day in cleaned:
            add_error(errors, "extra_working_days", _("%(date)s is listed twice.") % {"date": day.isoformat()})
        elif day in holiday_days:
            add_error(errors, "extra_working_days",
                       _("%(date)s is also a holiday; a day cannot be both.") % {"date": day.isoformat()})
        elif len(name) > NAME_MAX:
            add_error(errors, "extra_working_days", _("%(date)s: the name is longer than %(max)d characters.") % {
                "date": day.isoformat(), "max": NAME_MAX})
        else:
            cleaned[day] = name
    return sorted(cleaned.items())


def _minutes_time(minutes: int) -> dt.time:
    return dt.time(0, 0) if minutes == 1440 else dt.time(minutes // 60, minutes % 60)


@transaction.atomic
def calendar_save(
    *,
    actor: User | None,
    calendar: BusinessCalendar | None = None,
    name: str,
    timezone: str,
    working_hours: list[dict],
    holidays: list[dict],
    extra_working_days: list[dict],
    extra_day_weekday: int = 0,
    names: dict[str, str] | None = None,
) -> BusinessCalendar:
    """Create a business calendar, or replace everything about one, in one step.

    `working_hours` rows are {"weekday": 0..6 (0 = Monday), "start": time, "end": time}
    (an end of 00:00 means midnight; several rows a day for a lunch break); `holidays`
    rows {"date", "end_date" (None for one day), "name"}; `extra_working_days` rows
    {"date", "name"}, worked with the hours of `extra_day_weekday`. `names`: the name in
    other languages, {"zh-hans": "…"} (None keeps them as they are).
    """
    old = None
    if calendar is not None:
        calendar = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
        old = calendar_summary(calendar)

    errors: dict[str, str] = {}
    name = clean_name(errors, name, others=BusinessCalendar.objects.exclude(pk=getattr(calendar, "pk", None)),
                      taken=_("Another business calendar already has this name."))
    timezone = (timezone or "").strip()
    if not is_valid_timezone(timezone):
        add_error(errors, "timezone", _("Unknown time zone %(tz)s; use an IANA name such as Asia/Shanghai.")
                   % {"tz": timezone or '""'})
    try:
        extra_day_weekday = to_int(extra_day_weekday)
    except ValueError:
        extra_day_weekday = -1
    if not 0 <= extra_day_weekday <= 6:
        add_error(errors, "extra_day_weekday", _("The weekday must be 0 (Monday) to 6 (Sunday)."))
    weekly = _clean_working_hours(working_hours, errors)
    cleaned_holidays = _clean_holidays(holidays, errors)
    cleaned_extra = _clean_extra_days(extra_working_days, cleaned_holidays, errors)
    names = clean_other_names(errors, names)
    raise_if_errors(_("The business calendar was not saved."), errors)

    translations = name_translations(names, getattr(calendar, "translations", None)) if names is not None else (
        getattr(calendar, "translations", None) or {})
    new = {
        "name": name,
        "names": other_names(translations),
        "timezone": timezone,
        "extra_day_weekday": extra_day_weekday,
        "working_hours": {WEEKDAY_KEYS[day]: format_intervals(weekly[day]) for day in range(7)},
        "holidays": [format_holiday(first, last, hname) for first, last, hname in cleaned_holidays],
        "extra_working_days": [format_extra_day(day, dname) for day, dname in cleaned_extra],
    }
    changes = diff(old, new)
    if old is not None and not changes:
        return calendar

    if calendar is None:
        calendar = BusinessCalendar.objects.create(name=name, timezone=timezone, extra_day_weekday=extra_day_weekday)
    calendar.name, calendar.timezone, calendar.extra_day_weekday = name, timezone, extra_day_weekday
    calendar.translations = translations
    if old is None or "working_hours" in changes:
        calendar.working_hours.all().delete()
        WorkingHours.objects.bulk_create(
            WorkingHours(calendar=calendar, weekday=day, start=_minutes_time(start), end=_minutes_time(end))
            for day in range(7) for start, end in weekly[day]
        )
    if old is None or "holidays" in changes:
        calendar.holidays.all().delete()
        Holiday.objects.bulk_create(
            Holiday(calendar=calendar, date=first, end_date=last, name=hname) for first, last, hname in cleaned_holidays
        )
    if old is None or "extra_working_days" in changes:
        calendar.extra_working_days.all().delete()
        ExtraWorkingDay.objects.bulk_create(
            ExtraWorkingDay(calendar=calendar, date=day, name=dname) for day, dname in cleaned_extra
        )
    # Always last, after the children: the new updated_at invalidates calendar_value's cache.
    calendar.save(update_fields=["name", "translations", "timezone", "extra_day_weekday", "updated_at"])
    audit(actor=actor, obj=calendar, object_type="calendar", action="created" if old is None else "updated",
           changes=changes)
    if old is not None:
        clocks_replan_request(calendar=calendar)
    return calendar


def _holiday_language(holiday_class, country: str) -> str | None:
    """The package's language closest to the page's language (None: the country's default)."""
    supported = tuple(getattr(holiday_class, "supported_languages", ()) or ())
    ui = (translation.get_language() or "en").lower()
    if ui.startswith("zh-hans") or ui in ("zh-cn", "zh-sg"):
        wanted = ["zh_CN"]
    elif ui.startswith("zh-hant") or ui in ("zh-tw", "zh-hk", "zh-mo"):
        wanted = ["zh_HK", "zh_TW"] if country == "HK" else ["zh_TW", "zh_HK"]
    else:
        base = ui.split("-")[0]
        wanted = [f"{base}_{country}", f"{base}_US", f"{base}_GB", base]
    return next((lang for lang in wanted if lang in supported), None)


def _substituted_days(country_holidays, year: int) -> dict[dt.date, dt.date]:
    """Make-up working day → the day off it pays for, from the package's special-day tables.

    The `holidays` package records China's swaps as (to_month, to_day, from_month,
    from_day[, from_year]) in its `special_*` tables; only used to name make-up days, so
    anything unexpected there just falls back to naming by the nearest holiday.
    """
    found: dict[dt.date, dt.date] = {}
    for attribute in dir(country_holidays):
        if not attribute.startswith("special_"):
            continue
        table = getattr(country_holidays, attribute, None)
        if not isinstance(table, dict):
            continue
        entries = table.get(year, ())
        if entries and not isinstance(entries[0], tuple):
            entries = (entries,)
        for entry in entries or ():
            try:
                if len(entry) >= 4 and all(isinstance(part, int) for part in entry[:4]):
                    from_year = entry[4] if len(entry) > 4 and isinstance(entry[4], int) else year
                    found[dt.date(from_year, entry[2], entry[3])] = dt.date(year, entry[0], entry[1])
            except (TypeError, ValueError):
                continue
    return found


def _range_name(days: list[dt.date], names: dict[dt.date, str], substitutes: set[dt.date]) -> str:
    """One name for a run of imported days: the distinct holiday names in date order,
    leaving out "(observed)" repeats and "day off (substituted…)" entries when a real
    holiday name is there."""
    candidates = [names[day] for day in days if day in names and day not in substitutes] or [
        names[day] for day in days if day in names]
    distinct: list[str] = []
    for candidate in candidates:
        if candidate not in distinct:
            distinct.append(candidate)
    # "National Day (observed)" folds into "National Day".
    kept = [n for n in distinct if not any(other != n and n.startswith(other) for other in distinct)]
    return " / ".join(kept)[:NAME_MAX]


@transaction.atomic
def calendar_import_holidays(
    *,
    actor: User | None,
    calendar: BusinessCalendar,
    country: str,
    year: int,
    subdiv: str | None = None,
) -> int:
    """Add a country's public holidays of one year (from the `holidays` package) to a calendar.

    Consecutive days become one range, also across days the calendar does not work
    anyway (China's National Day week keeps its Sunday). Where the package knows
    weekend make-up working days (China, from the official swaps), they are added too.
    Days already covered by the calendar's holidays or make-up days are left as they
    are, so importing twice adds nothing. Returns the number of rows added
    (holiday ranges + make-up working days).

    Names follow the page's language when the package has it (zh_CN, zh_TW/zh_HK,
    en_*), else the country's default language.
    """
    calendar = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
    errors: dict[str, str] = {}
    code = (country or "").strip().upper()
    supported = holidays_lib.list_supported_countries()
    if code not in supported:
        add_error(errors, "country", _("Unknown country code %(code)s; use an ISO code such as CN, TW, HK, SG, "
                                        "US or GB.") % {"code": code or '""'})
    try:
        year = to_int(year)
    except ValueError:
        year = 0
    if not 1950 <= year <= 2100:
        add_error(errors, "year", _("Enter a year between 1950 and 2100."))
    subdiv = (subdiv or "").strip().upper() or None
    if subdiv and code in supported and subdiv not in {s.upper() for s in supported[code]}:
        add_error(errors, "subdiv", _("%(country)s has no subdivision %(subdiv)s.") % {"country": code,
                                                                                         "subdiv": subdiv})
    raise_if_errors(_("No holidays were imported."), errors)

    try:
        probe = holidays_lib.country_holidays(code, subdiv=subdiv, years=year)
    except NotImplementedError as exc:
        raise ApplicationError(_("No holidays were imported."), field_errors={"country": str(exc)}) from exc
    language = _holiday_language(type(probe), code)
    source = holidays_lib.country_holidays(code, subdiv=subdiv, years=year, language=language) if language else probe
    names = {day: str(name) for day, name in source.items() if day.year == year}
    makeup_days = {day for day in (getattr(source, "weekend_workdays", None) or ()) if day.year == year}
    substitutions = _substituted_days(source, year)

    old = calendar_summary(calendar)
    covered = {day for h in calendar.holidays.all() for day in _days(h.date, h.end_date)}
    existing_extra = {d.date for d in calendar.extra_working_days.all()}
    worked_weekdays = {hours.weekday for hours in calendar.working_hours.all()}
    makeup_days -= set(names)
    new_days = sorted(day for day in names if day not in covered and day not in existing_extra)

    def bridgeable(day: dt.date) -> bool:
        return (day.weekday() not in worked_weekdays and day not in covered
                and day not in existing_extra and day not in makeup_days)

    runs: list[list[dt.date]] = []
    for day in new_days:
        if runs:
            gap = [runs[-1][-1] + dt.timedelta(days=n) for n in range(1, (day - runs[-1][-1]).days)]
            if all(bridgeable(g) for g in gap):
                runs[-1].extend([*gap, day])
                continue
        runs.append([day])
    substitute_days = set(substitutions.values())
    new_holidays = [
        Holiday(calendar=calendar, date=run[0], end_date=run[-1] if len(run) > 1 else None,
                name=_range_name(run, names, substitute_days))
        for run in runs
    ]

    holiday_days_after = covered | {day for run in runs for day in run}
    new_extra = []
    for day in sorted(makeup_days - existing_extra - holiday_days_after):
        paid_for = substitutions.get(day)
        holiday = next((h for h in new_holidays if paid_for and h.date <= paid_for <= (h.end_date or h.date)), None)
        if holiday is None and new_holidays:
            holiday = min(new_holidays, key=lambda h: min(abs((h.date - day).days),
                                                          abs(((h.end_date or h.date) - day).days)))
        label = (_("%(holiday)s make-up working day") % {"holiday": holiday.name} if holiday
                 else _("make-up working day"))
        new_extra.append(ExtraWorkingDay(calendar=calendar, date=day, name=label[:NAME_MAX]))

    if not new_holidays and not new_extra:
        return 0
    Holiday.objects.bulk_create(new_holidays)
    ExtraWorkingDay.objects.bulk_create(new_extra)
    calendar.save(update_fields=["updated_at"])
    calendar = BusinessCalendar.objects.get(pk=calendar.pk)
    changes = diff(old, calendar_summary(calendar))
    changes["source"] = {"old": None, "new": f"{code}{'-' + subdiv if subdiv else ''} {year}"}
    audit(actor=actor, obj=calendar, object_type="calendar", action="imported", changes=changes)
    clocks_replan_request(calendar=calendar)
    return len(new_holidays) + len(new_extra)
