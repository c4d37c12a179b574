"""How a report table's value looks on a page, by its column's kind (reports.tables): a
share as a whole percentage, a duration in hours and minutes (as the targets read), nothing
counted as a dash."""

import datetime as dt

from django import template
from django.utils import formats

from reports import tables
from tickets.presentation import format_business_minutes

register = template.Library()

NOTHING = "–"


@register.filter
def cell(value, kind: str) -> str:
    """One value of a report table as text."""
    if value is None or value == "":
        return NOTHING if kind != tables.TEXT else ""
    if kind == tables.RATIO:
        return f"{formats.number_format(round(100 * value))} %"
    if kind == tables.SECONDS:  # the report tables' durations are business time: hours, never days
        return format_business_minutes(round(value / 60))
    if kind == tables.NUMBER:
        return formats.number_format(value, 2) if isinstance(value, float) else formats.number_format(value)
    if kind == tables.DATE and isinstance(value, dt.date):
        return formats.date_format(value, "Y-m-d")
    if kind == tables.COUNT:
        return formats.number_format(value)
    return str(value)
