"""Writes of the admin side of service standards: business calendars (hours, holidays,
make-up working days, public-holiday import), service standard versions, escalation
chains, and the simulator that shows what due times a calendar or a standard gives.

Every function validates all of its input before it writes anything, so a refused
change leaves no trace; every accepted change writes one `StandardChange` row with the
old and new values of what changed (`{"field": {"old": …, "new": …}}`).

Calendars are not versioned: running clocks follow the calendar as it is now, which is
why every edit bumps `BusinessCalendar.updated_at` (the cache key of
`sla.clocks.calendar_value`). Service standards are versioned: an edit writes a new row
and running clocks keep the version they started with.
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
from teams.models import Team, User
from tickets.constants import Priority
from tickets.models import ServiceCategory, ServiceItem

from . import business_time as bt
from . import clocks as clk
from .bookkeeping import clocks_replan_request
from .models import (
    BusinessCalendar,
    EscalationChain,
    EscalationLevel,
    ExtraWorkingDay,
    Holiday,
    ServiceStandard,
    StandardChange,
    WorkingHours,
)

# Language-neutral weekday keys used in audit summaries (the pages translate the rest).
WEEKDAY_KEYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Countries offered first on the import form; any code the `holidays` package knows works.
COMMON_HOLIDAY_COUNTRIES = ("CN", "TW", "HK", "SG", "US", "GB")
NAME_MAX = 120


# --- small helpers --------------------------------------------------------------------


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


def _fail(message: str, errors: dict[str, str]) -> None:
    if errors:
        raise ApplicationError(message, field_errors=errors)


def _add_error(errors: dict[str, str], field: str, message: str) -> None:
    """Keep the first problem of each field: one clear message beats a pile of them."""
    errors.setdefault(field, message)


def _audit(*, actor, obj, object_type: str, action: str, changes: dict) -> StandardChange:
    return StandardChange.objects.create(
        object_type=object_type, object_id=obj.pk, object_name=str(getattr(obj, "name", obj))[:160],
        action=action, actor=actor if getattr(actor, "pk", None) else None, changes=changes,
    )


def _diff(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Old → new of every key whose value changed (old is None for a creation)."""
    if old is None:
        return {key: {"old": None, "new": value} for key, value in new.items()}
    return {key: {"old": old.get(key), "new": value} for key, value in new.items() if old.get(key) != value}


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


def _to_int(value) -> int:
    if isinstance(value, bool):
        raise ValueError(repr(value))
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
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
            weekday = _to_int(row.get("weekday"))
        except ValueError:
            weekday = -1
        if not 0 <= weekday <= 6:
            _add_error(errors, "working_hours", _("The weekday must be 0 (Monday) to 6 (Sunday)."))
            continue
        try:
            start = _time_minutes(row.get("start"), is_end=False)
            end = _time_minutes(row.get("end"), is_end=True)
        except (TypeError, ValueError):
            _add_error(errors, "working_hours",
                       _("%(day)s: enter times as HH:MM, e.g. 09:00-18:00.") % {"day": _weekday_name(weekday)})
            continue
        if end <= start:
            _add_error(errors, "working_hours", _("%(day)s: %(start)s-%(end)s ends before it starts.") % {
                "day": _weekday_name(weekday), "start": _hhmm(start), "end": _hhmm(end)})
            continue
        weekly[weekday].append((start, end))
    for weekday, intervals in weekly.items():
        intervals.sort()
        for (a_start, a_end), (b_start, b_end) in zip(intervals, intervals[1:], strict=False):
            if b_start < a_end:
                _add_error(errors, "working_hours", _("%(day)s: %(first)s and %(second)s overlap.") % {
                    "day": _weekday_name(weekday), "first": format_intervals([(a_start, a_end)]),
                    "second": format_intervals([(b_start, b_end)])})
        try:
            bt.validate_intervals(intervals)
        except ValueError as exc:
            _add_error(errors, "working_hours", f"{_weekday_name(weekday)}: {exc}")
    if "working_hours" not in errors and not any(weekly.values()):
        _add_error(errors, "working_hours", _("A business calendar needs working hours on at least one weekday."))
    return weekly


def _clean_holidays(holidays, errors) -> list[tuple[dt.date, dt.date | None, str]]:
    cleaned = []
    for row in holidays or ():
        try:
            first = _to_date(row.get("date"))
            last = _to_date(row["end_date"]) if row.get("end_date") else None
        except (TypeError, ValueError):
            _add_error(errors, "holidays", _("Enter holiday dates as YYYY-MM-DD."))
            continue
        name = (row.get("name") or "").strip()
        if last is not None and last < first:
            _add_error(errors, "holidays", _("%(name)s: the last day %(last)s is before the first day %(first)s.") % {
                "name": name or first.isoformat(), "last": last.isoformat(), "first": first.isoformat()})
            continue
        if len(name) > NAME_MAX:
            _add_error(errors, "holidays", _("%(date)s: the name is longer than %(max)d characters.") % {
                "date": first.isoformat(), "max": NAME_MAX})
            continue
        cleaned.append((first, None if last == first else last, name))
    cleaned.sort(key=lambda h: h[0])
    for (a_first, a_last, a_name), (b_first, b_last, b_name) in zip(cleaned, cleaned[1:], strict=False):
        if b_first <= (a_last or a_first):
            _add_error(errors, "holidays", _("%(first)s overlaps %(second)s.") % {
                "first": format_holiday(a_first, a_last, a_name), "second": format_holiday(b_first, b_last, b_name)})
    return cleaned


def _clean_extra_days(extra_working_days, holidays, errors) -> list[tuple[dt.date, str]]:
    holiday_days = {day for first, last, _name in holidays for day in _days(first, last)}
    cleaned: dict[dt.date, str] = {}
    for row in extra_working_days or ():
        try:
            day = _to_date(row.get("date"))
        except (TypeError, ValueError):
            _add_error(errors, "extra_working_days", _("Enter make-up working days as YYYY-MM-DD."))
            continue
        name = (row.get("name") or "").strip()
        if day in cleaned:
            _add_error(errors, "extra_working_days", _("%(date)s is listed twice.") % {"date": day.isoformat()})
        elif day in holiday_days:
            _add_error(errors, "extra_working_days",
                       _("%(date)s is also a holiday; a day cannot be both.") % {"date": day.isoformat()})
        elif len(name) > NAME_MAX:
            _add_error(errors, "extra_working_days", _("%(date)s: the name is longer than %(max)d characters.") % {
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
) -> BusinessCalendar:
    """Create a business calendar, or replace everything about one, in one step.

    `working_hours` rows are {"weekday": 0..6 (0 = Monday), "start": time, "end": time}
    (an end of 00:00 means midnight; several rows a day for a lunch break); `holidays`
    rows {"date", "end_date" (None for one day), "name"}; `extra_working_days` rows
    {"date", "name"}, worked with the hours of `extra_day_weekday`.
    """
    old = None
    if calendar is not None:
        calendar = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
        old = calendar_summary(calendar)

    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        _add_error(errors, "name", _("Enter a name."))
    elif len(name) > NAME_MAX:
        _add_error(errors, "name", _("The name is longer than %(max)d characters.") % {"max": NAME_MAX})
    elif BusinessCalendar.objects.filter(name__iexact=name).exclude(pk=getattr(calendar, "pk", None)).exists():
        _add_error(errors, "name", _("Another business calendar already has this name."))
    timezone = (timezone or "").strip()
    if not is_valid_timezone(timezone):
        _add_error(errors, "timezone", _("Unknown time zone %(tz)s; use an IANA name such as Asia/Shanghai.")
                   % {"tz": timezone or '""'})
    try:
        extra_day_weekday = _to_int(extra_day_weekday)
    except ValueError:
        extra_day_weekday = -1
    if not 0 <= extra_day_weekday <= 6:
        _add_error(errors, "extra_day_weekday", _("The weekday must be 0 (Monday) to 6 (Sunday)."))
    weekly = _clean_working_hours(working_hours, errors)
    cleaned_holidays = _clean_holidays(holidays, errors)
    cleaned_extra = _clean_extra_days(extra_working_days, cleaned_holidays, errors)
    _fail(_("The business calendar was not saved."), errors)

    new = {
        "name": name,
        "timezone": timezone,
        "extra_day_weekday": extra_day_weekday,
        "working_hours": {WEEKDAY_KEYS[day]: format_intervals(weekly[day]) for day in range(7)},
        "holidays": [format_holiday(first, last, hname) for first, last, hname in cleaned_holidays],
        "extra_working_days": [format_extra_day(day, dname) for day, dname in cleaned_extra],
    }
    changes = _diff(old, new)
    if old is not None and not changes:
        return calendar

    if calendar is None:
        calendar = BusinessCalendar.objects.create(name=name, timezone=timezone, extra_day_weekday=extra_day_weekday)
    calendar.name, calendar.timezone, calendar.extra_day_weekday = name, timezone, extra_day_weekday
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
    calendar.save(update_fields=["name", "timezone", "extra_day_weekday", "updated_at"])
    _audit(actor=actor, obj=calendar, object_type="calendar", action="created" if old is None else "updated",
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
        _add_error(errors, "country", _("Unknown country code %(code)s; use an ISO code such as CN, TW, HK, SG, "
                                        "US or GB.") % {"code": code or '""'})
    try:
        year = _to_int(year)
    except ValueError:
        year = 0
    if not 1950 <= year <= 2100:
        _add_error(errors, "year", _("Enter a year between 1950 and 2100."))
    subdiv = (subdiv or "").strip().upper() or None
    if subdiv and code in supported and subdiv not in {s.upper() for s in supported[code]}:
        _add_error(errors, "subdiv", _("%(country)s has no subdivision %(subdiv)s.") % {"country": code,
                                                                                         "subdiv": subdiv})
    _fail(_("No holidays were imported."), errors)

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
    changes = _diff(old, calendar_summary(calendar))
    changes["source"] = {"old": None, "new": f"{code}{'-' + subdiv if subdiv else ''} {year}"}
    _audit(actor=actor, obj=calendar, object_type="calendar", action="imported", changes=changes)
    clocks_replan_request(calendar=calendar)
    return len(new_holidays) + len(new_extra)


# --- service standards ------------------------------------------------------------------

STANDARD_FIELDS = (
    "name", "team", "category", "service_item", "priority", "calendar", "first_response_minutes",
    "resolution_minutes", "warning_percent", "pause_on_pending", "escalation_chain",
)
_STANDARD_FKS = {
    "team": Team, "category": ServiceCategory, "service_item": ServiceItem, "calendar": BusinessCalendar,
    "escalation_chain": EscalationChain,
}
_STANDARD_DEFAULTS = {
    "category": None, "service_item": None, "priority": "", "warning_percent": 80, "pause_on_pending": True,
    "escalation_chain": None,
}


def standard_summary(values: dict[str, Any]) -> dict[str, Any]:
    """Audit view of a standard's fields: related objects by name, the rest as is."""
    summary = {}
    for field in STANDARD_FIELDS:
        value = values.get(field)
        summary[field] = str(value) if field in _STANDARD_FKS and value is not None else value
    return summary


def _standard_values(standard: ServiceStandard) -> dict[str, Any]:
    return {field: getattr(standard, field) for field in STANDARD_FIELDS}


def _same_values(a: dict[str, Any], b: dict[str, Any]) -> bool:
    def key(values):
        return tuple(getattr(values[f], "pk", values[f]) for f in STANDARD_FIELDS)
    return key(a) == key(b)


def _clean_standard(values: dict[str, Any], *, lineage, errors: dict[str, str]) -> dict[str, Any]:
    cleaned = dict(values)
    name = (values.get("name") or "").strip()
    if not name:
        _add_error(errors, "name", _("Enter a name."))
    elif len(name) > 160:
        _add_error(errors, "name", _("The name is longer than %(max)d characters.") % {"max": 160})
    cleaned["name"] = name
    for field, model in _STANDARD_FKS.items():
        value = values.get(field)
        if value is not None and not isinstance(value, model):
            _add_error(errors, field, _("Choose one of the options."))
            cleaned[field] = None
    if cleaned.get("team") is None:
        _add_error(errors, "team", _("Choose the service team."))
    if cleaned.get("calendar") is None:
        _add_error(errors, "calendar", _("Choose the business calendar."))
    priority = values.get("priority") or ""
    if priority not in ("", *Priority.values):
        _add_error(errors, "priority", _("Choose a priority, or any priority."))
    cleaned["priority"] = priority
    team, category, item = cleaned.get("team"), cleaned.get("category"), cleaned.get("service_item")
    if item is not None and team is not None and item.team_id != team.pk:
        _add_error(errors, "service_item", _("%(item)s belongs to another service team.") % {"item": item})
    if item is not None and category is not None and item.category_id != category.pk:
        _add_error(errors, "category", _("%(item)s is not in the service category %(category)s.") % {
            "item": item, "category": category})

    for field in ("first_response_minutes", "resolution_minutes", "warning_percent"):
        try:
            cleaned[field] = _to_int(values.get(field))
        except ValueError:
            _add_error(errors, field, _("Enter a whole number."))
            cleaned[field] = None
    first, resolution, warning = (cleaned["first_response_minutes"], cleaned["resolution_minutes"],
                                  cleaned["warning_percent"])
    if first is not None and first <= 0:
        _add_error(errors, "first_response_minutes", _("The first response target must be more than 0 minutes."))
    if resolution is not None and resolution <= 0:
        _add_error(errors, "resolution_minutes", _("The resolution target must be more than 0 minutes."))
    elif first is not None and first > 0 and resolution is not None and resolution < first:
        _add_error(errors, "resolution_minutes",
                   _("The resolution target cannot be shorter than the first response target."))
    if warning is not None and not 1 <= warning <= 99:
        _add_error(errors, "warning_percent", _("The warning must be between 1 and 99 percent of the target."))
    cleaned["pause_on_pending"] = bool(values.get("pause_on_pending"))

    if team is not None and not errors:
        clash = ServiceStandard.objects.filter(
            is_current=True, team=team, category=category, service_item=item, priority=priority,
        ).exclude(lineage=lineage).first()
        if clash is not None:
            _add_error(errors, "__all__", _("%(other)s already covers the same service team, scope and priority.")
                       % {"other": clash.name})
    return cleaned


@transaction.atomic
def standard_save(*, actor: User | None, standard: ServiceStandard | None = None, **fields) -> ServiceStandard:
    """Create a service standard, or edit one by writing its next version.

    An edit never changes the row that running clocks point at: it writes a new row with
    the same lineage and `version + 1` and retires the old one. Fields left out keep
    their current value. Saving without any change writes nothing.
    """
    unknown = set(fields) - set(STANDARD_FIELDS)
    if unknown:
        raise TypeError(f"standard_save() got unexpected fields: {sorted(unknown)}")
    old = None
    if standard is not None:
        old = ServiceStandard.objects.select_for_update().get(pk=standard.pk)
        if not old.is_current:
            raise ApplicationError(_("This is an old version of %(name)s; edit the current version instead.")
                                   % {"name": old.name}, code="conflict")
        values = {**_standard_values(old), **fields}
    else:
        values = {**_STANDARD_DEFAULTS, **fields}
    errors: dict[str, str] = {}
    cleaned = _clean_standard(values, lineage=old.lineage if old else None, errors=errors)
    _fail(_("The service standard was not saved."), errors)

    if old is not None and _same_values(_standard_values(old), cleaned):
        return old
    new = ServiceStandard(created_by=actor if getattr(actor, "pk", None) else None, **cleaned)
    if old is not None:
        new.lineage, new.version = old.lineage, old.version + 1
        old.is_current = False
        old.save(update_fields=["is_current"])
    new.save()
    changes = _diff(standard_summary(_standard_values(old)) if old else None, standard_summary(cleaned))
    changes["version"] = {"old": old.version if old else None, "new": new.version}
    _audit(actor=actor, obj=new, object_type="standard", action="created" if old is None else "updated",
           changes=changes)
    return new


@transaction.atomic
def standard_retire(*, actor: User | None, standard: ServiceStandard) -> ServiceStandard:
    """Stop a service standard from matching new tickets; running clocks keep it."""
    standard = ServiceStandard.objects.select_for_update().get(pk=standard.pk)
    if not standard.is_current:
        raise ApplicationError(_("%(name)s is already retired or replaced by a newer version.")
                               % {"name": standard.name}, code="conflict")
    standard.is_current = False
    standard.save(update_fields=["is_current"])
    _audit(actor=actor, obj=standard, object_type="standard", action="retired",
           changes={"is_current": {"old": True, "new": False}, "version": {"old": standard.version,
                                                                            "new": standard.version}})
    return standard


# --- escalation chains ------------------------------------------------------------------

LEVEL_FIELDS = (
    "order", "trigger", "percent", "delay_minutes", "applies_to", "notify_assignee", "notify_lead",
    "notify_admins", "notify_users", "raise_priority", "reassign", "reassign_team",
)


def level_summary(level: dict[str, Any]) -> str:
    """One line per level for the audit log, e.g. "1: 75% of both → assignee, lead"."""
    if level["trigger"] == EscalationLevel.Trigger.PERCENT:
        when = f"{level['percent']}% of {level['applies_to']}"
    else:
        when = f"breach of {level['applies_to']} + {level['delay_minutes']} min"
    actions = [who for who, flag in (("assignee", level["notify_assignee"]), ("lead", level["notify_lead"]),
                                     ("admins", level["notify_admins"])) if flag]
    actions += sorted(user.get_username() for user in level["notify_users"])
    if level["raise_priority"]:
        actions.append("raise priority")
    if level["reassign"] == EscalationLevel.Reassign.LEAD:
        actions.append("reassign to lead")
    elif level["reassign"] == EscalationLevel.Reassign.TEAM:
        actions.append(f"reassign to {level['reassign_team']}")
    return f"{level['order']}: {when} → {', '.join(actions)}"


def _existing_level(level: EscalationLevel) -> dict[str, Any]:
    values = {field: getattr(level, field) for field in LEVEL_FIELDS if field != "notify_users"}
    values["notify_users"] = list(level.notify_users.all())
    return values


def chain_summary(*, name: str, description: str, levels: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": name, "description": description, "levels": [level_summary(level) for level in levels]}


def _clean_levels(levels, errors) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    for index, row in enumerate(levels or (), start=1):
        label = _("Level %(n)s") % {"n": row.get("order", index)}
        level: dict[str, Any] = {}
        try:
            level["order"] = _to_int(row.get("order", index))
        except ValueError:
            level["order"] = None
        if level["order"] is None or level["order"] <= 0:
            _add_error(errors, "levels", _("%(level)s: the level number must be 1 or more.") % {"level": label})
            continue
        trigger = row.get("trigger") or EscalationLevel.Trigger.AFTER_BREACH
        applies_to = row.get("applies_to") or EscalationLevel.AppliesTo.BOTH
        reassign = row.get("reassign") or ""
        if trigger not in EscalationLevel.Trigger.values or applies_to not in EscalationLevel.AppliesTo.values \
                or reassign not in EscalationLevel.Reassign.values:
            _add_error(errors, "levels", _("%(level)s: choose one of the options.") % {"level": label})
            continue
        level.update(trigger=trigger, applies_to=applies_to, reassign=reassign)
        if trigger == EscalationLevel.Trigger.PERCENT:
            try:
                level["percent"] = _to_int(row.get("percent"))
            except ValueError:
                level["percent"] = None
            if level["percent"] is None or not 1 <= level["percent"] <= 99:
                _add_error(errors, "levels", _("%(level)s: a percentage level needs a percent between 1 and 99.")
                           % {"level": label})
                continue
            level["delay_minutes"] = 0
        else:
            level["percent"] = None
            try:
                level["delay_minutes"] = _to_int(row.get("delay_minutes") or 0)
            except ValueError:
                level["delay_minutes"] = -1
            if level["delay_minutes"] < 0:
                _add_error(errors, "levels", _("%(level)s: the minutes after the breach cannot be negative.")
                           % {"level": label})
                continue
        for flag in ("notify_assignee", "notify_lead", "notify_admins", "raise_priority"):
            level[flag] = bool(row.get(flag))
        users = list(row.get("notify_users") or ())
        if any(not isinstance(user, User) for user in users):
            ids = [getattr(user, "pk", user) for user in users]
            found = {user.pk: user for user in User.objects.filter(pk__in=ids)}
            if len(found) != len(set(ids)):
                _add_error(errors, "levels", _("%(level)s: unknown person to notify.") % {"level": label})
                continue
            users = [found[pk] for pk in ids]
        level["notify_users"] = users
        team = row.get("reassign_team")
        if reassign == EscalationLevel.Reassign.TEAM:
            if not isinstance(team, Team):
                _add_error(errors, "levels", _("%(level)s: choose the team to reassign to.") % {"level": label})
                continue
            level["reassign_team"] = team
        else:
            level["reassign_team"] = None
        if not (level["notify_assignee"] or level["notify_lead"] or level["notify_admins"] or users
                or level["raise_priority"] or reassign):
            _add_error(errors, "levels", _("%(level)s does nothing: choose whom to notify or what to change.")
                       % {"level": label})
            continue
        cleaned.append(level)

    orders = [level["order"] for level in cleaned]
    if len(orders) != len(set(orders)):
        _add_error(errors, "levels", _("Two levels have the same number; every level needs its own."))
    cleaned.sort(key=lambda level: level["order"])
    seen_breach = False
    previous_percent = previous_delay = None
    for level in cleaned:
        label = _("Level %(n)s") % {"n": level["order"]}
        if level["trigger"] == EscalationLevel.Trigger.PERCENT:
            if seen_breach:
                _add_error(errors, "levels", _("%(level)s: percentage levels come before the levels after the "
                                               "breach.") % {"level": label})
            elif previous_percent is not None and level["percent"] <= previous_percent:
                _add_error(errors, "levels", _("%(level)s: each percentage level must be higher than the one before.")
                           % {"level": label})
            previous_percent = level["percent"]
        else:
            if previous_delay is not None and level["delay_minutes"] < previous_delay:
                _add_error(errors, "levels", _("%(level)s: each level after the breach must come no earlier than "
                                               "the one before.") % {"level": label})
            seen_breach = True
            previous_delay = level["delay_minutes"]
    return cleaned


@transaction.atomic
def chain_save(
    *,
    actor: User | None,
    chain: EscalationChain | None = None,
    name: str,
    description: str = "",
    levels: list[dict],
) -> EscalationChain:
    """Create an escalation chain or replace its levels.

    Levels are matched by their number, so an edited level keeps its row (and the
    escalations already recorded against it); levels left out are deleted.
    """
    old = None
    existing: dict[int, EscalationLevel] = {}
    if chain is not None:
        chain = EscalationChain.objects.select_for_update().get(pk=chain.pk)
        existing = {level.order: level for level in chain.levels.prefetch_related("notify_users")}
        old = chain_summary(name=chain.name, description=chain.description,
                            levels=[_existing_level(level) for level in existing.values()])
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        _add_error(errors, "name", _("Enter a name."))
    elif len(name) > NAME_MAX:
        _add_error(errors, "name", _("The name is longer than %(max)d characters.") % {"max": NAME_MAX})
    elif EscalationChain.objects.filter(name__iexact=name).exclude(pk=getattr(chain, "pk", None)).exists():
        _add_error(errors, "name", _("Another escalation chain already has this name."))
    description = (description or "").strip()
    cleaned = _clean_levels(levels, errors)
    _fail(_("The escalation chain was not saved."), errors)

    new = chain_summary(name=name, description=description, levels=cleaned)
    changes = _diff(old, new)
    if old is not None and not changes:
        return chain
    if chain is None:
        chain = EscalationChain.objects.create(name=name, description=description)
    chain.name, chain.description = name, description
    chain.save(update_fields=["name", "description", "updated_at"])
    wanted = {level["order"] for level in cleaned}
    chain.levels.exclude(order__in=wanted).delete()
    for values in cleaned:
        users = values["notify_users"]
        attrs = {field: values[field] for field in LEVEL_FIELDS if field not in ("order", "notify_users")}
        level = existing.get(values["order"])
        if level is None:
            level = EscalationLevel.objects.create(chain=chain, order=values["order"], **attrs)
        else:
            for field, value in attrs.items():
                setattr(level, field, value)
            level.save(update_fields=list(attrs))
        level.notify_users.set(users)
    _audit(actor=actor, obj=chain, object_type="chain", action="created" if old is None else "updated",
           changes=changes)
    if old is not None:
        clocks_replan_request(chain=chain)
    return chain


# --- simulator ----------------------------------------------------------------------------


def _aware_start(start: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    if start.tzinfo is None or start.utcoffset() is None:
        return start.replace(tzinfo=tz)
    return start.astimezone(tz)


def simulate(
    *,
    calendar: BusinessCalendar | None = None,
    policy: ServiceStandard | None = None,
    start: dt.datetime,
    minutes: int | None = None,
    priority: str | None = None,
) -> dict[str, Any]:
    """What due times a calendar or a service standard gives for a ticket filed at `start`.

    With a calendar and `minutes`: {"due_at"}. With a service standard (`policy`):
    {"first_response_due", "resolution_due", "warning_at" (of the resolution),
    "first_response_warning_at", "escalations": [{"order", "kind", "at"}]}, using the
    standard's calendar unless `calendar` is given. A naive `start` is read in the
    calendar's time zone; every result is in that time zone. Writes nothing.
    """
    errors: dict[str, str] = {}
    if policy is None and calendar is None:
        _add_error(errors, "calendar", _("Choose a business calendar or a service standard."))
    if policy is None and calendar is not None and minutes is None:
        _add_error(errors, "minutes", _("Enter the business minutes to add."))
    if minutes is not None:
        try:
            minutes = _to_int(minutes)
        except ValueError:
            minutes = -1
        if minutes < 0:
            _add_error(errors, "minutes", _("Enter a number of minutes, 0 or more."))
    if policy is not None and priority and policy.priority and priority != policy.priority:
        _add_error(errors, "priority", _("%(name)s applies to %(priority)s tickets only.") % {
            "name": policy.name, "priority": policy.get_priority_display()})
    if not isinstance(start, dt.datetime):
        _add_error(errors, "start", _("Enter a date and time."))
    _fail(_("Nothing to simulate."), errors)

    calendar = calendar or policy.calendar
    try:
        cal = clk.calendar_value(calendar)
    except ValueError as exc:
        raise ApplicationError(str(exc), field_errors={"calendar": str(exc)}) from exc
    start = _aware_start(start, zoneinfo.ZoneInfo(calendar.timezone))

    def add(amount_minutes: float) -> dt.datetime:
        try:
            return bt.add_business_minutes(cal, start, amount_minutes)
        except ValueError as exc:
            raise ApplicationError(_("The business calendar has no working time after this start."),
                                   field_errors={"calendar": str(exc)}) from exc

    result: dict[str, Any] = {"start": start, "timezone": calendar.timezone, "calendar": calendar}
    if policy is None:
        result["due_at"] = add(minutes)
        return result
    warning = policy.warning_percent / 100
    targets = {"first_response": policy.first_response_minutes, "resolution": policy.resolution_minutes}
    result.update(
        first_response_due=add(targets["first_response"]),
        resolution_due=add(targets["resolution"]),
        first_response_warning_at=add(targets["first_response"] * warning),
        warning_at=add(targets["resolution"] * warning),
        escalations=[],
    )
    if policy.escalation_chain_id:
        for level in policy.escalation_chain.levels.order_by("order"):
            for kind, target in targets.items():
                if level.applies_to not in (EscalationLevel.AppliesTo.BOTH, kind):
                    continue
                if level.trigger == EscalationLevel.Trigger.PERCENT and level.percent:
                    amount = target * level.percent / 100
                else:
                    amount = target + level.delay_minutes
                result["escalations"].append({"order": level.order, "kind": kind, "at": add(amount), "level": level})
        result["escalations"].sort(key=lambda e: (e["at"], e["order"]))
    if minutes is not None:
        result["due_at"] = add(minutes)
    return result
