"""The exports of the report pages: every table (reports.tables.TABLES) and the ticket
lists as CSV or XLSX, with the report page's query string. Small ones are written in the
request; one of more than settings.EXPORT_INLINE_MAX_ROWS rows becomes an export job built
by a worker, whose page shows its progress and, when done, the download link. A job is its
requester's only (404 for anyone else)."""

from __future__ import annotations

import io
import logging
import os

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from servicedesk.db_router import reports_reading
from servicedesk.exceptions import ApplicationError

from ..export import CONTENT_TYPES, FORMATS, OutOfReach, export_sheet, write_export
from ..export_jobs import export_job_create, export_job_of
from ..models import ExportJob
from ..tasks import build_export

logger = logging.getLogger(__name__)


def _send_to_workers(job_id: int) -> None:
    try:
        build_export.delay(job_id)
    except Exception:  # noqa: BLE001 - the broker is down: the sweep sends queued jobs again
        logger.warning("export job %s could not be sent to the workers now", job_id, exc_info=True)


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
@reports_reading()
def report_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404(_("No such export."))
    zone = timezone.get_current_timezone()
    try:
        sheet = export_sheet(user=request.user, key=table, query=request.GET, zone=zone)
    except OutOfReach:
        raise Http404(_("No such export.")) from None
    except ApplicationError as exc:
        return HttpResponseBadRequest(exc.message, content_type="text/plain; charset=utf-8")
    if sheet.total > settings.EXPORT_INLINE_MAX_ROWS:
        job = export_job_create(user=request.user, key=table, query=request.GET.urlencode(), fmt=fmt,
                                language=translation.get_language() or settings.LANGUAGE_CODE, time_zone=str(zone))
        transaction.on_commit(lambda: _send_to_workers(job.pk))
        return redirect("report-export-job", pk=job.pk)
    out = io.BytesIO()
    write_export(sheet, fmt, out, zone=zone)
    return _attachment(HttpResponse(out.getvalue(), content_type=CONTENT_TYPES[fmt]), sheet.filename(fmt))


def _job(request: HttpRequest, pk: int) -> ExportJob:
    job = export_job_of(user=request.user, pk=pk)
    if job is None:
        raise Http404(_("No such export."))
    return job


@login_required
@require_GET
def report_export_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress; while it runs, its progress block asks again every 2 s (htmx)."""
    job = _job(request, pk)
    context = {"job": job, "keep_days": settings.EXPORT_KEEP_DAYS,
               "filename": os.path.basename(job.file.name) if job.file else ""}
    if request.htmx:
        return render(request, "reports/partials/export_job_progress.html", context)
    return render(request, "reports/export_job.html", context)


@login_required
@require_GET
def report_export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if job.state != ExportJob.State.DONE or not job.file:
        raise Http404(_("No such file."))
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from storage.")) from None
    response = FileResponse(handle, as_attachment=True, filename=os.path.basename(job.file.name),
                            content_type=CONTENT_TYPES[job.format])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
