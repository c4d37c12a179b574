"""The demo opens with twelve weeks of reports: history across teams and departments,
folded into the rollups by seed_demo itself, and Finance's head."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from reports import definitions as d
from reports.models import RollupState
from reports.rollup import report_zone
from reports.selectors import ReportScope, report_summary, report_trend
from teams.models import Department, Team

pytestmark = pytest.mark.django_db


def test_the_demo_has_twelve_weeks_of_reports_and_a_finance_head():
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert RollupState.objects.get().as_of is not None  # seed_demo folded the rollups
    today = d.local_day(timezone.now(), report_zone())
    it = ReportScope(team_ids=(Team.objects.get(slug="it").pk,))
    quarter = d.Period(today - dt.timedelta(weeks=12), today)
    summary = report_summary(scope=it, period=quarter)
    assert summary["created"] > 100 and summary["resolved"] > 100 and summary["reopened"] > 0
    for kind in d.TARGET_KINDS:
        entry = summary["sla"][kind]
        assert 0 < entry["met"] < entry["decided"], kind  # some breached, most met
    assert summary["satisfaction"]["responses"] > 10 and summary["first_contact"]["count"] > 0
    weeks = report_trend(scope=it, last=today, weeks=12)
    assert sum(1 for week in weeks if week["created"]) >= 11  # a trend line, not one dot
    for slug in ("ops", "hr", "pmo", "training"):
        team = ReportScope(team_ids=(Team.objects.get(slug=slug).pk,))
        assert report_summary(scope=team, period=quarter, with_backlog=False)["resolved"] > 0, slug
    finance = Department.objects.get(code="finance")
    assert finance.head.username == "finance.head"
    assert report_summary(scope=ReportScope(department_id=finance.pk), period=quarter)["created"] > 20
    assert "finance.head" in out.getvalue() and "department head" in out.getvalue()
