"""The reports' tasks, thin: the rollup's beat (reports.rollup), large exports and their sweep
(reports.export_jobs), the subscriptions' mails (reports.subscriptions). Above the exports and
the tables they write (pyproject.toml's layers)."""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import definitions as d
from .export_jobs import export_job_build, export_jobs_sweep
from .rollup import report_zone, rollup_days, rollup_pending
from .subscriptions import subscriptions_send_due


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


@shared_task(name="reports.tasks.build_export")
def build_export(job_id: int) -> bool:
    """Build one large export's file (reports.export_jobs)."""
    return export_job_build(job_id=job_id)


@shared_task(name="reports.tasks.sweep_exports")
def sweep_exports() -> int:
    """Delete export files past settings.EXPORT_KEEP_DAYS; send queued jobs no worker took
    to the workers again."""
    deleted, stale = export_jobs_sweep()
    for job_id in stale:
        build_export.delay(job_id)
    return deleted


@shared_task(name="reports.tasks.send_report_subscriptions")
def send_report_subscriptions() -> int:
    """Send the summary mails whose period is over, each once (reports.subscriptions)."""
    return subscriptions_send_due()
