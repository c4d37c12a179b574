"""Business-time arithmetic for SLA deadlines, as pure functions.

A :class:`BusinessCalendar` describes when a team works: an IANA time zone,
weekly working hours (several intervals a day allowed), holidays and make-up
working days.  The functions below add business time to an instant, measure
the business time between two instants, and answer "is this instant worked?".

Definition
----------
Business time is the set of real instants whose local wall-clock time (in the
calendar's zone) lies in a working interval ``[start, end)`` of that local
date.  Durations are real elapsed time, never wall-clock differences.

DST choices (these follow from the definition, nothing is special-cased):

* Spring forward (wall times that do not exist): an interval boundary inside
  the gap maps to the first real instant at or after it, i.e. the transition
  instant.  An interval 01:00-04:00 on the America/New_York spring-forward day
  is therefore 2 real hours; an interval starting at 02:30 starts at 03:00 EDT.
* Fall back (wall times that occur twice): every instant whose wall time is
  inside the interval is worked, so the repeated hour is worked on both
  passes.  An interval 01:00-02:00 on the New York fall-back day is 2 real
  hours, 00:00-24:00 is 25 real hours, and an interval that starts in the
  repeated hour starts at its first occurrence (``fold=0``).  An interval that
  ends inside the repeated hour (e.g. 00:00-01:30) yields two real stretches:
  00:00-01:30 EDT and 01:00-01:30 EST.
* Results are aware datetimes in the calendar zone built from the real
  instant, so an instant in the repeated hour carries the right ``fold``.

Implementation
--------------
Real time is split into one window per local date D: the real instants from
the first instant whose wall time reaches D 00:00 up to the first one that
reaches D+1 00:00.  Each window's working stretches are computed once, as UTC
epoch seconds, and cached on the calendar (shared by equal calendars), so the
hot paths do float arithmetic over a few cached tuples per calendar day and
build a single datetime at the end.  The cost grows with the number of days
spanned, never with the number of minutes.

Only whole-second UTC offsets are supported (true of every tzdb zone), and
UTC-offset transitions are located by sampling the zone every 15 minutes,
which assumes no zone changes its offset twice within 15 minutes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "BusinessCalendar",
    "Interval",
    "add_business_minutes",
    "add_business_seconds",
    "business_minutes_between",
    "business_seconds_between",
    "is_business_time",
    "next_business_instant",
    "validate_intervals",
]

Interval = tuple[int, int]
"""Minutes from local midnight, ``0 <= start < end <= 1440`` (1440 = end of day)."""

_DAY = 86400
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# Searching further than this for working time means the calendar is
# effectively closed; better to fail loudly than to loop for a long time.
_MAX_SEARCH_DAYS = 3653
# Bounds the per-calendar window cache (about 55 years of dates).
_MAX_CACHED_WINDOWS = 20000
_SAMPLE_STEP = 900
_INF = float("inf")


def validate_intervals(intervals) -> None:
    """Check one day's working intervals; raise ``ValueError`` explaining the first problem.

    Intervals must be ``(start, end)`` pairs of integer minutes from local
    midnight with ``0 <= start < end <= 1440``, sorted and non-overlapping
    (touching intervals such as ``(540, 720), (720, 1080)`` are allowed).
    """
    try:
        items = list(intervals)
    except TypeError:
        raise ValueError(f"intervals must be a sequence of (start, end) pairs, got {intervals!r}") from None
    previous_end = None
    for index, item in enumerate(items):
        try:
            start, end = item
        except (TypeError, ValueError):
            raise ValueError(f"interval #{index} must be a (start, end) pair, got {item!r}") from None
        for value in (start, end):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"interval #{index} {item!r}: bounds must be integer minutes, got {value!r}")
        if not (0 <= start <= 1440 and 0 <= end <= 1440):
            raise ValueError(f"interval #{index} {item!r}: bounds must be within 0..1440 minutes from local midnight")
        if start >= end:
            raise ValueError(f"interval #{index} {item!r}: start must be before end")
        if previous_end is not None and start < previous_end:
            raise ValueError(
                f"interval #{index} {item!r} overlaps or precedes the previous interval ending at {previous_end}; "
                "intervals must be sorted and non-overlapping"
            )
        previous_end = end


def _normalize_intervals(intervals) -> tuple[Interval, ...]:
    # Materialize first so one-shot iterables are not consumed by validation.
    try:
        items = tuple(intervals)
    except TypeError:
        raise ValueError(f"intervals must be a sequence of (start, end) pairs, got {intervals!r}") from None
    validate_intervals(items)
    return tuple((start, end) for start, end in items)


@dataclass(frozen=True)
class BusinessCalendar:
    """When a team works: time zone, weekly hours, holidays and make-up working days.

    ``weekly`` has 7 entries, index 0 = Monday.  A holiday is never worked,
    even if it is also listed as an extra working day; an extra working day
    (e.g. a weekend make-up day) is worked with ``extra_day_hours``.

    Instances are immutable and hashable; equal calendars share one cache of
    computed working windows, so rebuilding a calendar per request is cheap.
    """

    timezone: str
    weekly: tuple[tuple[Interval, ...], ...]
    holidays: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    extra_day_hours: tuple[Interval, ...] = ((540, 1080),)

    def __post_init__(self) -> None:
        try:
            tz = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc
        weekly = tuple(self.weekly)
        if len(weekly) != 7:
            raise ValueError(f"weekly must have exactly 7 entries (Monday first), got {len(weekly)}")
        normalized = []
        for weekday, intervals in enumerate(weekly):
            try:
                normalized.append(_normalize_intervals(intervals))
            except ValueError as exc:
                raise ValueError(f"weekly[{weekday}]: {exc}") from None
        try:
            extra_day_hours = _normalize_intervals(self.extra_day_hours)
        except ValueError as exc:
            raise ValueError(f"extra_day_hours: {exc}") from None
        holidays = frozenset(self.holidays)
        extra_days = frozenset(self.extra_working_days)
        for day in holidays | extra_days:
            if isinstance(day, datetime) or not isinstance(day, date):
                raise ValueError(f"holidays and extra_working_days must contain dates, got {day!r}")

        setattr_ = object.__setattr__
        setattr_(self, "weekly", tuple(normalized))
        setattr_(self, "extra_day_hours", extra_day_hours)
        setattr_(self, "holidays", holidays)
        setattr_(self, "extra_working_days", extra_days)
        setattr_(self, "_tz", tz)
        setattr_(
            self,
            "_hash",
            hash((self.timezone, self.weekly, holidays, extra_days, extra_day_hours)),
        )
        # Used only to guess which local date an instant falls on; a wrong
        # guess costs one extra cache lookup, never a wrong answer.
        setattr_(self, "_offset_guess", _offset_seconds(datetime.now(tz).utcoffset()))
        worked_extra_days = [day for day in extra_days if day not in holidays] if extra_day_hours else []
        if any(self.weekly):
            last_ordinal = None
        elif worked_extra_days:
            last_ordinal = max(worked_extra_days).toordinal()
        else:
            last_ordinal = -1
        # None: open every week; -1: never open; else the last date ever worked.
        setattr_(self, "_last_worked_ordinal", last_ordinal)
        setattr_(self, "_windows", _shared_window_cache(self))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self):
        # Rebuild through __init__ so caches are not pickled or copied.
        return (
            type(self),
            (self.timezone, self.weekly, self.holidays, self.extra_working_days, self.extra_day_hours),
        )

    @classmethod
    def always_open(cls, timezone: str = "UTC") -> BusinessCalendar:
        """A 24x7 calendar: every instant is business time."""
        return cls(timezone=timezone, weekly=(((0, 1440),),) * 7)

    @classmethod
    def office_hours(
        cls,
        timezone: str,
        intervals=((540, 1080),),
        weekdays=range(5),
        holidays=(),
        extra_working_days=(),
    ) -> BusinessCalendar:
        """The usual office calendar: the same ``intervals`` on each of ``weekdays`` (0 = Monday).

        Make-up days in ``extra_working_days`` are worked with the same intervals.
        """
        intervals = _normalize_intervals(intervals)
        days = set(weekdays)
        unknown = sorted(day for day in days if day not in range(7))
        if unknown:
            raise ValueError(f"weekdays must be in 0..6 (0 = Monday), got {unknown}")
        return cls(
            timezone=timezone,
            weekly=tuple(intervals if weekday in days else () for weekday in range(7)),
            holidays=frozenset(holidays),
            extra_working_days=frozenset(extra_working_days),
            extra_day_hours=intervals,
        )

    def intervals_on(self, day: date) -> tuple[Interval, ...]:
        """Working intervals (minutes from local midnight) of the local date ``day``."""
        if day in self.holidays:
            return ()
        if day in self.extra_working_days:
            return self.extra_day_hours
        return self.weekly[day.weekday()]

    # Internal machinery -------------------------------------------------

    def _window(self, ordinal: int):
        window = self._windows.get(ordinal)
        if window is None:
            window = self._build_window(ordinal)
        return window

    def _build_window(self, ordinal: int):
        """Compute ``(lo, hi, stretches, total)`` for local date ``ordinal``.

        ``[lo, hi)`` is the date's window of real time (UTC epoch seconds),
        ``stretches`` its sorted working ``(start, end)`` epoch pairs and
        ``total`` their summed length in seconds.
        """
        windows = self._windows
        if len(windows) >= _MAX_CACHED_WINDOWS:
            windows.clear()
        wall_midnight = (ordinal - _EPOCH_ORDINAL) * _DAY
        # Offsets stay within +-24h, so this real range contains the window.
        segments = _offset_segments(self._tz, wall_midnight - _DAY, wall_midnight + 2 * _DAY)
        lo = _first_instant_reaching(segments, wall_midnight)
        hi = _first_instant_reaching(segments, wall_midnight + _DAY)
        stretches: list[tuple[int, int]] = []
        for seg_start, seg_end, offset in segments:
            seg_start = max(seg_start, lo)
            seg_end = min(seg_end, hi)
            if seg_start >= seg_end:
                continue
            wall_start = seg_start + offset
            wall_end = seg_end + offset
            # Usually just date D, but after a fall-back across midnight the
            # window also holds instants whose local date is D-1.
            for day_index in range(wall_start // _DAY, (wall_end - 1) // _DAY + 1):
                base = day_index * _DAY
                for start, end in self.intervals_on(date.fromordinal(day_index + _EPOCH_ORDINAL)):
                    x = max(base + start * 60, wall_start)
                    y = min(base + end * 60, wall_end)
                    if x >= y:
                        continue
                    x -= offset
                    y -= offset
                    if stretches and stretches[-1][1] == x:
                        stretches[-1] = (stretches[-1][0], y)
                    else:
                        stretches.append((x, y))
        window = (lo, hi, tuple(stretches), sum(end - start for start, end in stretches))
        windows[ordinal] = window
        return window

    def _locate(self, t: float):
        """Return ``(ordinal, window)`` of the window holding epoch instant ``t``."""
        ordinal = int((t + self._offset_guess) // _DAY) + _EPOCH_ORDINAL
        windows = self._windows
        window = windows.get(ordinal) or self._build_window(ordinal)
        while t < window[0]:
            ordinal -= 1
            window = windows.get(ordinal) or self._build_window(ordinal)
        while t >= window[1]:
            ordinal += 1
            window = windows.get(ordinal) or self._build_window(ordinal)
        return ordinal, window

    def _search_limit(self, ordinal: int) -> int:
        last = self._last_worked_ordinal
        if last == -1:
            raise ValueError("calendar has no working time at all")
        limit = ordinal + _MAX_SEARCH_DAYS
        if last is not None:
            limit = min(limit, last + 2)
        return limit


@functools.lru_cache(maxsize=256)
def _shared_window_cache(calendar: BusinessCalendar) -> dict:
    # Keyed by value, so equal calendars built separately reuse the same
    # computed windows.
    return {}


def _offset_seconds(delta: timedelta) -> int:
    return delta.days * _DAY + delta.seconds


def _offset_at(tz: ZoneInfo, t: int) -> int:
    return _offset_seconds(datetime.fromtimestamp(t, tz).utcoffset())


@functools.lru_cache(maxsize=8192)
def _transitions_in_utc_day(tz: ZoneInfo, day: int) -> tuple[tuple[int, int], ...]:
    """UTC-offset changes ``(instant, new_offset)`` in ``(day*86400, (day+1)*86400]``."""
    found = []
    previous_t = day * _DAY
    previous_offset = _offset_at(tz, previous_t)
    for t in range(previous_t + _SAMPLE_STEP, previous_t + _DAY + 1, _SAMPLE_STEP):
        offset = _offset_at(tz, t)
        if offset != previous_offset:
            low, high = previous_t, t
            while high - low > 1:
                middle = (low + high) // 2
                if _offset_at(tz, middle) == previous_offset:
                    low = middle
                else:
                    high = middle
            found.append((high, _offset_at(tz, high)))
        previous_t, previous_offset = t, offset
    return tuple(found)


def _offset_segments(tz: ZoneInfo, start: int, end: int) -> list[tuple[int, int, int]]:
    """Split real range ``[start, end)`` into ``(seg_start, seg_end, utc_offset)`` pieces."""
    segments = []
    seg_start = start
    offset = _offset_at(tz, start)
    for day in range(start // _DAY, (end - 1) // _DAY + 1):
        for t, new_offset in _transitions_in_utc_day(tz, day):
            if start < t < end:
                segments.append((seg_start, t, offset))
                seg_start, offset = t, new_offset
    segments.append((seg_start, end, offset))
    return segments


def _first_instant_reaching(segments, wall: int) -> int:
    """Earliest real instant whose wall time (as naive epoch seconds) is at or after ``wall``."""
    for seg_start, seg_end, offset in segments:
        if seg_end + offset > wall:
            return max(seg_start, wall - offset)
    raise ValueError("date out of supported range")


def _epoch(value: datetime, name: str) -> float:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive datetime {value!r}")
    return value.timestamp()


def add_business_seconds(calendar: BusinessCalendar, start: datetime, seconds: float) -> datetime:
    """The instant at which ``seconds`` of business time have elapsed since ``start``.

    Adding 0 returns ``start`` itself; if the time runs out exactly at the end
    of a working interval, that end is returned (not the next opening).
    """
    t = _epoch(start, "start")
    if not 0 <= seconds < _INF:
        raise ValueError(f"business time to add must be a finite non-negative number, got {seconds!r}")
    tz = calendar._tz
    if not seconds:
        return start.astimezone(tz)
    remaining = float(seconds)
    ordinal, window = calendar._locate(t)
    limit = calendar._search_limit(ordinal)
    windows = calendar._windows
    while True:
        lo, _hi, stretches, total = window
        if t <= lo and remaining > total:
            remaining -= total
        else:
            for stretch_start, stretch_end in stretches:
                if t < stretch_end:
                    if t < stretch_start:
                        t = stretch_start
                    available = stretch_end - t
                    if remaining <= available:
                        return datetime.fromtimestamp(t + remaining, tz)
                    remaining -= available
                    t = stretch_end
        ordinal += 1
        if ordinal > limit:
            raise ValueError(f"not enough working time in the calendar after {start.isoformat()}")
        window = windows.get(ordinal) or calendar._build_window(ordinal)


def add_business_minutes(calendar: BusinessCalendar, start: datetime, minutes: float) -> datetime:
    """The instant at which ``minutes`` of business time have elapsed since ``start``."""
    if not 0 <= minutes < _INF:
        raise ValueError(f"business minutes to add must be a finite non-negative number, got {minutes!r}")
    return add_business_seconds(calendar, start, minutes * 60)


def business_seconds_between(calendar: BusinessCalendar, a: datetime, b: datetime) -> float:
    """Business seconds in ``[a, b)``; negative of ``(b, a)`` when ``b < a``."""
    ta = _epoch(a, "a")
    tb = _epoch(b, "b")
    sign = 1.0
    if tb < ta:
        ta, tb, sign = tb, ta, -1.0
    if ta == tb:
        return 0.0
    ordinal, window = calendar._locate(ta)
    windows = calendar._windows
    total = 0
    while True:
        lo, hi, stretches, window_total = window
        if ta <= lo and hi <= tb:
            total += window_total
        else:
            for stretch_start, stretch_end in stretches:
                if stretch_start >= tb:
                    break
                if stretch_end > ta:
                    total += min(stretch_end, tb) - max(stretch_start, ta)
        if hi >= tb:
            break
        ordinal += 1
        window = windows.get(ordinal) or calendar._build_window(ordinal)
    # Inputs have microsecond resolution and stretch bounds are whole
    # seconds, so rounding removes only float noise.
    return sign * round(float(total), 6)


def business_minutes_between(calendar: BusinessCalendar, a: datetime, b: datetime) -> float:
    """Business minutes in ``[a, b)``; negative when ``b < a``."""
    return business_seconds_between(calendar, a, b) / 60


def next_business_instant(calendar: BusinessCalendar, at: datetime) -> datetime:
    """``at`` itself if it is business time, else the start of the next working interval."""
    t = _epoch(at, "at")
    tz = calendar._tz
    ordinal, window = calendar._locate(t)
    limit = calendar._search_limit(ordinal)
    while True:
        for stretch_start, stretch_end in window[2]:
            if t < stretch_end:
                if t >= stretch_start:
                    return at.astimezone(tz)
                return datetime.fromtimestamp(stretch_start, tz)
        ordinal += 1
        if ordinal > limit:
            raise ValueError(f"no working time in the calendar after {at.isoformat()}")
        window = calendar._window(ordinal)


def is_business_time(calendar: BusinessCalendar, at: datetime) -> bool:
    """Whether the instant ``at`` falls inside working time (intervals are half-open)."""
    t = _epoch(at, "at")
    _ordinal, window = calendar._locate(t)
    for stretch_start, stretch_end in window[2]:
        if stretch_start <= t < stretch_end:
            return True
        if t < stretch_start:
            break
    return False
