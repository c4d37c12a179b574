"""The simulator: what due times a business calendar or a service standard gives for a
ticket filed at a given time. Writes nothing.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.utils.translation import gettext as _

from servicedesk.exceptions import ApplicationError
from sla import business_time as bt
from sla import clocks as clk
from sla.models import BusinessCalendar, EscalationLevel, ServiceStandard

from .common import add_error, raise_if_errors, to_int


def _aware_start(start: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    if start.tzinfo is None or start.utcoffset() is None:
        return start.replace(tzinfo=tz)
    return start.astimezone(tz)


def simulate(
    *,
    calendar: BusinessCalendar | None = None,
    standard: ServiceStandard | None = None,
    start: dt.datetime,
    minutes: int | None = None,
    priority: str | None = None,
) -> dict[str, Any]:
    """What due times a calendar or a service standard gives for a ticket filed at `start`.

    With a calendar and `minutes`: {"due_at"}. With a service standard:
    {"first_response_due", "resolution_due", "warning_at" (of the resolution),
    "first_response_warning_at", "next_response_due" (when the requester replies at `start`;
    None when the standard does not track next responses), "escalations": [{"order", "kind",
    "at"}]}, using the
    standard's calendar unless `calendar` is given. A naive `start` is read in the
    calendar's time zone; every result is in that time zone. Writes nothing.
    """
    errors: dict[str, str] = {}
    if standard is None and calendar is None:
        add_error(errors, "calendar", _("Choose a business calendar or a service standard."))
    if standard is None and calendar is not None and minutes is None:
        add_error(errors, "minutes", _("Enter the business minutes to add."))
    if minutes is not None:
        try:
            minutes = to_int(minutes)
        except ValueError:
            minutes = -1
        if minutes < 0:
            add_error(errors, "minutes", _("Enter a number of minutes, 0 or more."))
    if standard is not None and priority and standard.priority and priority != standard.priority:
        add_error(errors, "priority", _("%(name)s applies to %(priority)s tickets only.") % {
            "name": standard.name, "priority": standard.get_priority_display()})
    if not isinstance(start, dt.datetime):
        add_error(errors, "start", _("Enter a date and time."))
    raise_if_errors(_("Nothing to simulate."), errors)

    calendar = calendar or standard.calendar
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
    if standard is None:
        result["due_at"] = add(minutes)
        return result
    warning = standard.warning_percent / 100
    targets = {"first_response": standard.first_response_minutes, "resolution": standard.resolution_minutes}
    if standard.next_response_minutes is not None:
        targets["next_response"] = standard.next_response_minutes
    result.update(
        first_response_due=add(targets["first_response"]),
        next_response_due=add(targets["next_response"]) if "next_response" in targets else None,
        resolution_due=add(targets["resolution"]),
        first_response_warning_at=add(targets["first_response"] * warning),
        warning_at=add(targets["resolution"] * warning),
        escalations=[],
    )
    if standard.escalation_chain_id:
        for level in standard.escalation_chain.levels.order_by("order"):
            for kind, target in targets.items():
                if level.applies_to not in (EscalationLevel.AppliesTo.EVERY_TARGET, kind):
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
