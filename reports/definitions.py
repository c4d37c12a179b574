"""What every report figure counts: the one place that defines them (the README repeats these
definitions in words). Pure: no ORM, no settings; dates, instants and numbers in, numbers out.

Days are cut in the report time zone (`settings.REPORT_TIME_ZONE`, passed in by the callers).
Durations are measured in seconds, in business time (the standard's calendar, as the SLA clocks
measure it) and in wall time. Percentiles come from histograms with the bucket edges below: a
percentile is given as the upper edge of the bucket that holds it, so the exact value lies in
(previous edge, given value] — "within one bucket" (at most about 12 % above the exact value
past the first hour, at most 5 minutes below it).
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# The target kinds, as SLAClock.Kind stores them, in the order reports show them.
TARGET_KINDS = ("first_response", "next_response", "resolution")

# A reopen counts as "reopened" when it comes within this many days of the resolution.
REOPEN_WINDOW_DAYS = 7

# A satisfaction score counts as positive from this score up (scores 1–5).
POSITIVE_SCORE = 4

# Below this many decided cycles (or responses) a figure carries a "small n" note.
SMALL_N = 20

# Backlog age buckets in whole days since filing: (label key, first day, last day or None).
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-1", 0, 1), ("2-3", 2, 3), ("4-7", 4, 7), ("8-14", 8, 14), ("15-30", 15, 30), ("30+", 31, None),
)


def _bucket_edges() -> tuple[int, ...]:
    """Upper edges of the duration histogram in seconds: every minute up to 10 minutes, every
    5 minutes up to an hour, then about 12 % wider each, rounded to whole minutes, up to a
    year; the last bucket holds everything longer."""
    edges = list(range(60, 601, 60)) + list(range(900, 3601, 300))
    value = 3600.0
    while value < 366 * 86400:
        value *= 1.12
        edges.append(int(round(value / 60.0)) * 60)
    return tuple(edges)


BUCKET_EDGES = _bucket_edges()
LAST_BUCKET = len(BUCKET_EDGES)  # the open bucket past the last edge


def duration_bucket(seconds: float) -> int:
    """The histogram bucket of a duration: the first whose upper edge is ≥ it."""
    return bisect_left(BUCKET_EDGES, max(0.0, seconds))


def bucket_bounds(bucket: int) -> tuple[int, int | None]:
    """(lower edge, upper edge) of a bucket in seconds; the last one has no upper edge."""
    lower = 0 if bucket == 0 else BUCKET_EDGES[bucket - 1]
    upper = BUCKET_EDGES[bucket] if bucket < LAST_BUCKET else None
    return lower, upper


def percentile_from_histogram(counts: Mapping[int, int], fraction: float) -> int | None:
    """The `fraction` percentile (0.5, 0.9) of the durations a histogram {bucket: count} holds,
    as the upper edge of the bucket holding it (its lower edge for the open last bucket);
    None when it holds nothing. Nearest-rank: the value at rank ceil(fraction × n)."""
    total = sum(counts.values())
    if total <= 0:
        return None
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for bucket in sorted(counts):
        seen += counts[bucket]
        if seen >= rank:
            lower, upper = bucket_bounds(bucket)
            return upper if upper is not None else lower
    raise AssertionError("unreachable")


def exact_percentile(values: Iterable[float], fraction: float) -> float | None:
    """The nearest-rank percentile of raw values (what a histogram's answer is checked
    against, and what the quarterly review shows from the raw outcomes)."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


def ratio(part: int, whole: int) -> float | None:
    """part / whole, None when nothing was counted (never a made-up 0 % or 100 %)."""
    return part / whole if whole else None


def age_bucket(days: int) -> str:
    for key, first, last in AGE_BUCKETS:
        if days >= first and (last is None or days <= last):
            return key
    return AGE_BUCKETS[0][0]


def local_day(instant: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The report day an instant falls on."""
    return instant.astimezone(zone).date()


def day_start(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The instant a report day starts (local midnight; on a DST day the first instant)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def day_range(first: dt.date, last: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) instants of the days first … last inclusive."""
    return day_start(first, zone), day_start(last + dt.timedelta(days=1), zone)


def reopened_in_window(resolved_at: dt.datetime | None, reopened_at: dt.datetime) -> bool:
    """Whether a reopen counts as "reopened": within REOPEN_WINDOW_DAYS of the resolution it
    undoes (a reopen whose resolution is unknown counts)."""
    return resolved_at is None or reopened_at - resolved_at <= dt.timedelta(days=REOPEN_WINDOW_DAYS)


def is_first_contact(*, public_team_replies: int, cycles: int) -> bool:
    """First-contact resolution: resolved with at most one public reply from the team (the
    resolution summary itself reaches the requester) and never reopened."""
    return public_team_replies <= 1 and cycles == 1


@dataclass(frozen=True)
class Period:
    """Report days first … last inclusive, in the report time zone."""

    first: dt.date
    last: dt.date

    def __post_init__(self):
        if self.last < self.first:
            raise ValueError("the period ends before it starts")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.first - dt.timedelta(days=self.days), self.first - dt.timedelta(days=1))


def last_week(today: dt.date) -> Period:
    """Monday … Sunday of the week before `today`'s."""
    monday = today - dt.timedelta(days=today.weekday())
    return Period(monday - dt.timedelta(days=7), monday - dt.timedelta(days=1))


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def quarter_of(day: dt.date) -> Period:
    first_month = 3 * ((day.month - 1) // 3) + 1
    first = dt.date(day.year, first_month, 1)
    nxt = dt.date(day.year + (first_month == 10), 1 if first_month == 10 else first_month + 3, 1)
    return Period(first, nxt - dt.timedelta(days=1))


def quarter_start(day: dt.date) -> dt.date:
    return quarter_of(day).first


# What each figure counts, in words (the pages show these beside the figures; the README
# repeats them). Keys are the names the API and the exports use.
FIGURE_KEYS = (
    "created", "resolved", "reopened", "backlog", "first_contact", "sla", "satisfaction", "feedback",
)


# The periods a report page offers in one click, in the order shown.
PRESETS = ("last_week", "last_4_weeks", "this_quarter", "last_quarter")

