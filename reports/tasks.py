"""The rollup's beat tasks (thin: the work is in reports.rollup)."""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import definitions as d
from .rollup import report_zone, rollup_days, rollup_pending


@shared_task(name="reports.tasks.rollup_reports")
def rollup_reports() -> int:
    """Fold what was written since the last run into the daily rollups."""
    return rollup_pending().rows


@shared_task(name="reports.tasks.rollup_recent_days")
def rollup_recent_days() -> int:
    """Fold the last days again from the raw rows: a safety net for a write that committed
    later than the rollup's lag allows."""
    today = d.local_day(timezone.now(), report_zone())
    first = today - dt.timedelta(days=settings.REPORT_ROLLUP_NIGHTLY_DAYS)
    return rollup_days(first=first, last=today).rows
