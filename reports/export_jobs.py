"""Large exports, built outside the request: the job's row (reports.models.ExportJob) is
written by the request, a Celery task builds the file (`export_job_build`, progress on the
row as it goes), the requester downloads it from the job's page, and the beat sweep deletes
files older than settings.EXPORT_KEEP_DAYS (`export_jobs_sweep`).

The job keeps what was asked (the export key and the report page's query string), not the
figures: the task parses it again with the requester's rights of that moment, in the
requester's language and time zone of the request.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation

from servicedesk.db_router import reports_reading
from servicedesk.exceptions import ApplicationError

from .export import OutOfReach, export_sheet, write_export
from .models import ExportJob

logger = logging.getLogger(__name__)

# A job still running after this long was interrupted (the 100,000-row export takes under a minute).
RUNNING_AT_MOST = dt.timedelta(hours=1)



@transaction.atomic
def export_job_create(*, user, key: str, query: str, fmt: str, language: str, time_zone: str,
                      now: dt.datetime | None = None) -> ExportJob:
    """Write a queued export job (the caller sends it to the workers once committed)."""
    return ExportJob.objects.create(requested_by=user, table=key, query=query, format=fmt, language=language,
                                    time_zone=time_zone, state=ExportJob.State.QUEUED, created_at=now or timezone.now())


@reports_reading()
def export_job_build(*, job_id: int) -> bool:
    """Build a queued job's file, reporting progress on the row; the job is claimed first, so
    a job sent twice is built once. Returns whether this call built it."""
    now = timezone.now()
    if not ExportJob.objects.filter(pk=job_id, state=ExportJob.State.QUEUED).update(
            state=ExportJob.State.RUNNING, started_at=now):
        return False
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    zone = ZoneInfo(job.time_zone)
    try:
        with translation.override(job.language), timezone.override(zone):
            sheet = export_sheet(user=job.requested_by, key=job.table, query=QueryDict(job.query), now=now, zone=zone)
            ExportJob.objects.filter(pk=job.pk).update(rows_total=sheet.total)

            def progress(done: int) -> None:
                ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

            with tempfile.TemporaryFile() as tmp:
                done = write_export(sheet, job.format, tmp, zone=zone, progress=progress)
                tmp.seek(0)
                # In a folder of the job's own: the file keeps its name (no suffix against a clash).
                name = sheet.filename(job.format)
                job.file.save(f"{job.pk}/{name}", File(tmp, name=name), save=False)
    except (OutOfReach, ApplicationError) as exc:
        _fail(job, "out of reach" if isinstance(exc, OutOfReach) else str(exc))
        return True
    except Exception as exc:
        logger.exception("export job %s failed", job.pk)
        _fail(job, f"{type(exc).__name__}: {exc}")
        raise
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.DONE, file=job.file.name, rows_done=done,
                                               rows_total=done, finished_at=timezone.now())
    return True


def _fail(job: ExportJob, error: str) -> None:
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.FAILED, error=error[:2000],
                                               finished_at=timezone.now())


def export_jobs_sweep(*, now: dt.datetime | None = None) -> tuple[int, list[int]]:
    """Delete the files of jobs older than settings.EXPORT_KEEP_DAYS (the row stays, marked,
    so that its page says the file is gone), fail jobs interrupted while running; returns how
    many files, and the ids of queued jobs no worker took in time (the task sends them again)."""
    now = now or timezone.now()
    old = ExportJob.objects.filter(created_at__lt=now - dt.timedelta(days=settings.EXPORT_KEEP_DAYS),
                                   file_deleted=False).exclude(file="")
    deleted = 0
    for job in old.iterator():
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="", file_deleted=True)
        deleted += 1
    # A job whose worker died while building it (nothing builds it any more): failed, so that
    # its page says so and the requester asks again.
    ExportJob.objects.filter(state=ExportJob.State.RUNNING, started_at__lt=now - RUNNING_AT_MOST).update(
        state=ExportJob.State.FAILED, error="interrupted", finished_at=now)
    # A queued job that no worker took in time (the broker was down when it was written, or
    # its message was lost) is sent to the workers again.
    requeue_after = dt.timedelta(seconds=settings.EXPORT_REQUEUE_SECONDS)
    stale = list(ExportJob.objects.filter(state=ExportJob.State.QUEUED, created_at__lte=now - requeue_after)
                 .values_list("pk", flat=True))
    return deleted, stale


def export_job_of(*, user, pk: int) -> ExportJob | None:
    """A job the user asked for (None for anyone else's: the pages answer 404)."""
    if not user.is_authenticated:
        return None
    return ExportJob.objects.filter(pk=pk, requested_by=user).first()
