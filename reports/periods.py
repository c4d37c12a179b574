"""The report pages' period presets: last week (the default), the last four weeks, this
quarter, the last quarter, or custom dates, and their names. A preset and today's report day in,
the days out (reports.definitions.Period)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from . import definitions as d

LAST_WEEK, LAST_4_WEEKS, THIS_QUARTER, LAST_QUARTER, CUSTOM = (
    "last_week", "last_4_weeks", "this_quarter", "last_quarter", "custom")
PRESETS = (LAST_WEEK, LAST_4_WEEKS, THIS_QUARTER, LAST_QUARTER, CUSTOM)
DEFAULT_PRESET = LAST_WEEK
# Their names on the pages.
PRESET_LABELS = {
    LAST_WEEK: _("Last week"),
    LAST_4_WEEKS: _("Last 4 weeks"),
    THIS_QUARTER: _("This quarter"),
    LAST_QUARTER: _("Last quarter"),
    CUSTOM: _("Custom dates"),
}


def preset_period(preset: str, today: dt.date) -> d.Period | None:
    """The days of a preset as seen on `today` (None for custom: the dates typed decide).

    - last week: Monday … Sunday of the week before today's;
    - last 4 weeks: the four whole weeks before today's;
    - this quarter: the quarter's first day … today;
    - last quarter: the whole quarter before today's."""
    if preset == LAST_WEEK:
        return d.last_week(today)
    if preset == LAST_4_WEEKS:
        week = d.last_week(today)
        return d.Period(week.first - dt.timedelta(weeks=3), week.last)
    if preset == THIS_QUARTER:
        return d.Period(d.quarter_start(today), today)
    if preset == LAST_QUARTER:
        return d.quarter_of(d.quarter_start(today) - dt.timedelta(days=1))
    return None


def preset_of(period: d.Period, today: dt.date) -> str:
    """Which preset a period is (custom when none gives exactly these days)."""
    for preset in PRESETS[:-1]:
        if preset_period(preset, today) == period:
            return preset
    return CUSTOM
