"""Fixtures of the service-standard pages: one of each object, so every page has something to show."""

import datetime as dt

import pytest

from sla.standards.calendars import calendar_save
from sla.standards.chains import chain_save
from sla.standards.service_standards import standard_save


@pytest.fixture
def sla_objects(world):
    class Objects:
        pass

    o = Objects()
    o.calendar = calendar_save(
        actor=world.admin, name="Shanghai office", timezone="Asia/Shanghai",
        working_hours=[{"weekday": d, "start": dt.time(9), "end": dt.time(18)} for d in range(5)],
        holidays=[{"date": dt.date(2026, 10, 1), "end_date": dt.date(2026, 10, 7), "name": "National Day"}],
        extra_working_days=[{"date": dt.date(2026, 10, 10), "name": "National Day make-up"}],
    )
    o.chain = chain_save(actor=world.admin, name="Standard escalation", description="", levels=[
        {"order": 1, "trigger": "percent", "percent": 75, "notify_assignee": True},
        {"order": 2, "trigger": "after_breach", "delay_minutes": 0, "notify_lead": True, "notify_users": [world.it_lead]},
    ])
    o.standard = standard_save(
        actor=world.admin, name="IT default", team=world.it, calendar=o.calendar, first_response_minutes=60,
        resolution_minutes=480, escalation_chain=o.chain)
    return o


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client
