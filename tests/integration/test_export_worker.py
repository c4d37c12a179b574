"""End to end with a real Celery worker, embedded beat and Redis: an export larger than
EXPORT_INLINE_MAX_ROWS is not written in the request but by the worker, whose progress the
job page shows until the download link appears; the file downloads for its requester and
is 404 for anyone else.

The request sends the job to the broker of this process's settings; when that is not the
worker's (CELERY_TEST_BROKER_URL), the worker's beat sweep, running every 2 s here, sends
the queued job to it (the path of a lost message)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import ExportJob
from tests.integration.test_celery_worker import _wait_for, worker  # noqa: F401 - the worker fixture
from tickets.models import Ticket

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def export_sweep(monkeypatch):
    """The worker (started after these are set) sweeps exports every 2 s and sends a queued
    job to itself at once."""
    monkeypatch.setenv("EXPORT_SWEEP_INTERVAL_SECONDS", "2")
    monkeypatch.setenv("EXPORT_REQUEUE_SECONDS", "0")


def test_a_large_export_is_built_by_the_worker_and_downloaded_by_its_requester_only(
        world, file_ticket, settings, client, export_sweep, worker):  # noqa: F811
    # Given more tickets than an export may write in a request
    settings.EXPORT_INLINE_MAX_ROWS = 5
    for n in range(12):
        file_ticket(title=f"Printer {n}")
    assert Ticket.objects.count() == 12
    client.force_login(world.it_lead)

    # When the lead exports them
    url = reverse("report-export", kwargs={"table": "tickets", "fmt": "xlsx"})
    first = Ticket.objects.order_by("created_at").first().created_at.date()
    response = client.get(f"{url}?team={world.it.pk}&from={first.isoformat()}")
    # Then the request hands it to a job and the worker builds it
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("report-export-job", args=[job.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    _wait_for(lambda: ExportJob.objects.filter(pk=job.pk, state="done").exists(), timeout=120, what="the export")
    job.refresh_from_db()
    assert (job.rows_done, job.rows_total) == (12, 12)
    page = client.get(response["Location"]).content.decode()
    download_url = reverse("report-export-download", args=[job.pk])
    assert download_url in page

    download = client.get(download_url)
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    titles = sorted(row[1] for row in sheet.iter_rows(values_only=True) if str(row[0] or "").startswith("SD-"))
    assert titles == sorted(f"Printer {n}" for n in range(12))

    # Someone else's job is not found, nor its file
    client.force_login(world.admin)
    assert client.get(response["Location"]).status_code == 404
    assert client.get(download_url).status_code == 404
    assert worker.poll() is None
