"""Fixtures of the service-standard admin services."""

import datetime as dt

import pytest

from sla.models import (
    BusinessCalendar,
    EscalationChain,
    EscalationLevel,
    ExtraWorkingDay,
    Holiday,
    ServiceStandard,
    StandardChange,
    WorkingHours,
)
from sla.standards.calendars import calendar_save

OFFICE_HOURS = [{"weekday": day, "start": dt.time(9), "end": dt.time(18)} for day in range(5)]


def office_calendar_kwargs(**overrides):
    """Mon–Fri 09:00–18:00 in Shanghai, no holidays."""
    kwargs = {
        "name": "Shanghai office",
        "timezone": "Asia/Shanghai",
        "working_hours": list(OFFICE_HOURS),
        "holidays": [],
        "extra_working_days": [],
        "extra_day_weekday": 0,
    }
    kwargs.update(overrides)
    return kwargs


@pytest.fixture
def office_calendar(world):
    return calendar_save(actor=world.admin, **office_calendar_kwargs())


@pytest.fixture
def row_counts():
    """Counts of every row the admin services write, to prove a refusal wrote nothing."""

    def _counts():
        return {model.__name__: model.objects.count() for model in (
            BusinessCalendar, WorkingHours, Holiday, ExtraWorkingDay, ServiceStandard, EscalationChain,
            EscalationLevel, StandardChange)}

    return _counts
