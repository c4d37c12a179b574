"""How a report table's value looks on a page, by its column's kind (reports.tables): a
share as a whole percentage, a duration in hours and minutes (as the targets read), nothing
counted as a dash."""

from django import template

from reports import tables
from reports.presentation import format_value

register = template.Library()


@register.filter
def cell(value, kind: str) -> str:
    """One value of a report table as text (reports.presentation.format_value)."""
    if value == "" or (value is None and kind == tables.TEXT):
        return ""
    return format_value(value, kind)
