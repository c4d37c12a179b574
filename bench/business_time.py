"""Throughput benchmark for sla.business_time (no Django needed).

Measures add_business_minutes and business_minutes_between on a Mon-Fri
09:00-18:00 Asia/Shanghai calendar carrying the 2026 Chinese public holidays
and make-up working days, with seeded random start instants over 2026 and
targets drawn from 30 minutes to 3 business days.

Usage:  .venv/bin/python bench/business_time.py [--computations N] [--seed S]

Prints human-readable figures, then exactly one JSON line as the last line.
"""

import argparse
import json
import random
import sys
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

# Runnable as a plain script from the repository root, without installing.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sla.business_time import (  # noqa: E402
    BusinessCalendar,
    add_business_minutes,
    business_minutes_between,
)

TIMEZONE = "Asia/Shanghai"
TARGET_MINUTES = (30, 60, 240, 480, 1440, 2880)
YEAR = 2026

# Weekend make-up working days of the 2026 State Council schedule, used only
# if the installed `holidays` package does not expose `weekend_workdays`.
FALLBACK_MAKE_UP_DAYS_2026 = frozenset(
    {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
)


def china_2026_calendar() -> tuple[BusinessCalendar, str]:
    """The benchmark calendar and a note on where its make-up days came from."""
    import holidays

    cn = holidays.country_holidays("CN", years=YEAR)
    make_up = frozenset(day for day in getattr(cn, "weekend_workdays", ()) if day.year == YEAR)
    source = "holidays package (weekend_workdays)"
    if not make_up:
        make_up = FALLBACK_MAKE_UP_DAYS_2026
        source = "hardcoded 2026 schedule"
    calendar = BusinessCalendar.office_hours(
        TIMEZONE,
        intervals=((540, 1080),),
        weekdays=range(5),
        holidays=frozenset(cn.keys()),
        extra_working_days=make_up,
    )
    return calendar, source


def random_cases(count: int, seed: int) -> list[tuple[datetime, int]]:
    rng = random.Random(seed)
    tz = ZoneInfo(TIMEZONE)
    first = datetime(YEAR, 1, 1, tzinfo=tz).timestamp()
    last = datetime(YEAR + 1, 1, 1, tzinfo=tz).timestamp()
    return [(datetime.fromtimestamp(rng.uniform(first, last), tz), rng.choice(TARGET_MINUTES)) for _ in range(count)]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--computations", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    n = args.computations
    if n <= 0:
        parser.error("--computations must be positive")

    calendar, make_up_source = china_2026_calendar()
    cases = random_cases(n, args.seed)

    # Starts from an empty per-calendar cache, so the figure includes the
    # one-off cost of computing each date's working windows.
    began = time.perf_counter()
    deadlines = [add_business_minutes(calendar, start, minutes) for start, minutes in cases]
    add_seconds = time.perf_counter() - began

    began = time.perf_counter()
    measured = [
        business_minutes_between(calendar, start, end) for (start, _), end in zip(cases, deadlines, strict=True)
    ]
    between_seconds = time.perf_counter() - began

    mismatches = sum(1 for (_, minutes), got in zip(cases, measured, strict=True) if got != minutes)
    add_rate = n / add_seconds
    between_rate = n / between_seconds

    print(
        f"calendar: Mon-Fri 09:00-18:00 {TIMEZONE}, {len(calendar.holidays)} holidays, "
        f"{len(calendar.extra_working_days)} make-up days ({make_up_source})"
    )
    print(f"cases: {n} random starts over {YEAR}, targets {list(TARGET_MINUTES)} minutes, seed {args.seed}")
    print(f"add_business_minutes:     {add_seconds:8.3f} s  {add_rate:12,.0f} /s  {1e6 / add_rate:6.2f} us each")
    print(
        f"business_minutes_between: {between_seconds:8.3f} s  {between_rate:12,.0f} /s  "
        f"{1e6 / between_rate:6.2f} us each"
    )
    print(f"round-trip check (between(start, add(start, m)) == m): {n - mismatches}/{n} ok")
    print(
        json.dumps(
            {
                "computations_per_s": round(add_rate),
                "between_per_s": round(between_rate),
                "computations": n,
                "roundtrip_mismatches": mismatches,
            }
        )
    )


if __name__ == "__main__":
    main()
