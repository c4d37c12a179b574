"""How a report table's value looks on a page, by its column's kind (reports.tables): a
share as a whole percentage, a duration in days, hours and minutes, nothing counted as a dash."""

import datetime as dt

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from reports import tables

register = template.Library()

NOTHING = "–"


def duration_text(seconds: float) -> str:
    minutes = int(round(seconds / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    return _("%(m)d min") % {"m": minutes}


@register.filter
def cell(value, kind: str) -> str:
    """One value of a report table as text."""
    if value is None or value == "":
        return NOTHING if kind != tables.TEXT else ""
    if kind == tables.RATIO:
        return f"{formats.number_format(round(100 * value))} %"
    if kind == tables.SECONDS:
        return duration_text(value)
    if kind == tables.NUMBER:
        return formats.number_format(value, 2) if isinstance(value, float) else formats.number_format(value)
    if kind == tables.DATE and isinstance(value, dt.date):
        return formats.date_format(value, "Y-m-d")
    if kind == tables.COUNT:
        return formats.number_format(value)
    return str(value)
