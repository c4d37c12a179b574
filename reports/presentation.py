"""How the report pages show a reports.tables.Table: each cell formatted by its column's
kind (a ratio as a percentage, seconds as hours and minutes, counts as whole numbers),
with the drill-down link the page gives it. One shape for every table, so that one
template partial (templates/reports/partials/table.html) renders them all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tickets.presentation import format_business_minutes

from . import definitions as d
from .tables import COUNT, DATE, NUMBER, RATIO, SECONDS, TEXT, Table

EMPTY = "–"  # no value: nothing was counted (never a made-up 0 %)


def format_value(value: Any, kind: str) -> str:
    """A figure as the pages show it."""
    if value is None:
        return EMPTY
    if kind == RATIO:
        # rounded (number_format alone cuts the decimals off: 10 of 15 would read 66 %, where
        # the scorecards and the export say 67 % and 66.7 %)
        return _("%(percent)s %%") % {"percent": formats.number_format(round(value * 100), 0)}
    if kind == SECONDS:
        # Hours and minutes, never days: most report durations are business time, where a
        # day is not 24 hours (the scorecards and the quarterly review read the same way).
        return format_business_minutes(round(value / 60))
    if kind == COUNT:
        return grouped(int(value))
    if kind == NUMBER:
        return formats.number_format(round(value, 2), 2) if isinstance(value, float) else str(value)
    if kind == DATE and isinstance(value, dt.date):
        return formats.date_format(value, "Y-m-d")
    return str(value)


def grouped(n: int) -> str:
    """A whole number with the language's thousands separator (formats.number_format with
    force_grouping, which a report page called some 1,000 times: its separator is looked up
    once per language here)."""
    separator, grouping = _grouping(get_language())
    if grouping != 3:  # another grouping (e.g. 3 then 2): Django's own
        return formats.number_format(n, 0, force_grouping=True)
    return f"{n:,}".replace(",", separator)


@lru_cache(maxsize=16)
def _grouping(language: str | None) -> tuple[str, object]:
    return formats.get_format("THOUSAND_SEPARATOR"), formats.get_format("NUMBER_GROUPING")


def is_small(n: int | None) -> bool:
    """Whether a count is too small to read much into (the "small n" note)."""
    return n is not None and 0 < n < d.SMALL_N


# link(row_key, column_key) → a URL or None
Linker = Callable[[Any, str], str | None]


def present_table(table: Table, link: Linker | None = None) -> dict:
    """The table as the partial renders it: its title, its columns (label, what it counts,
    whether numeric) and its rows of cells (text, link, numeric)."""
    columns = [{"key": c.key, "label": c.label, "help": c.help, "numeric": c.kind != TEXT} for c in table.columns]
    rows = []
    for index, values in enumerate(table.rows):
        row_key = table.row_keys[index] if index < len(table.row_keys) else None
        row_kind = table.row_kinds[index] if index < len(table.row_kinds) else None
        cells = []
        for column, value in zip(table.columns, values, strict=True):
            kind = row_kind if (column.kind == NUMBER and row_kind) else column.kind
            href = link(row_key, column.key) if link and value not in (None, 0) and kind == COUNT else None
            cells.append({"text": format_value(value, kind), "href": href, "numeric": column.kind != TEXT})
        rows.append(cells)
    return {"key": table.key, "title": table.title, "columns": columns, "rows": rows, "notes": table.notes}
