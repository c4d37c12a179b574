"""Report exports in the browser: it.lead downloads the summary as XLSX (its labels in the
lead's language), and follows a large export's job page at a phone's width: the page polls
(htmx, no inline script) until the download link appears, and the file downloads."""

import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from reports.export_jobs import export_job_build
from reports.models import ExportJob
from tests.e2e.conftest import PHONE
from tests.e2e.test_phone_layout import OVERFLOW, within_width

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/phone-shots")


def _download(page, path: str):
    """Open a URL that answers with a file; returns Playwright's download."""
    with page.expect_download() as info:
        try:
            page.goto(path)
        except Exception as exc:  # noqa: BLE001 - Chromium reports a navigation that became a download
            assert "Download is starting" in str(exc) or "ERR_ABORTED" in str(exc), exc
    return info.value


def test_the_lead_downloads_the_summary_as_xlsx(world, file_ticket, open_page):
    file_ticket(title="Printer jammed")
    page = open_page(world.it_lead, language="zh-hans")
    download = _download(page, f"/reports/export/summary.xlsx?team={world.it.pk}")
    assert download.suggested_filename.startswith("summary_") and download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    labels = [row[0] for row in sheet.iter_rows(values_only=True) if row]
    assert labels[0] == "汇总" and "指标" in labels and "新建" in labels


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_large_exports_page_fits_a_phone_and_turns_into_a_download(world, file_ticket, open_page, settings,
                                                                       language):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    first = file_ticket(title="Printer jammed")
    file_ticket(title="Laptop fan loud")
    day = first.created_at.astimezone(ZoneInfo(settings.REPORT_TIME_ZONE)).date().isoformat()
    page = open_page(world.it_lead, language=language, viewport=PHONE)
    response = page.goto(f"/reports/export/tickets.xlsx?team={world.it.pk}&from={day}&to={day}")
    assert response.status == 200 and "/reports/exports/" in page.url
    job = ExportJob.objects.get()
    assert page.locator(".export-state").get_attribute("data-state") == "queued"

    # A worker builds it (here, this process); the page notices on its own
    export_job_build(job_id=job.pk)
    link = page.locator("a.export-download")
    link.wait_for(timeout=10_000)
    page.wait_for_load_state("networkidle")
    measured = page.evaluate(OVERFLOW)
    assert measured["scrollWidth"] <= PHONE["width"] and not measured["beyond"], measured
    assert not within_width(page, "a.export-download")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{language}-export-job.png", full_page=True)
    with page.expect_download() as info:
        link.click()
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    titles = {row[1] for row in sheet.iter_rows(values_only=True) if str(row[0] or "").startswith("SD-")}
    assert titles == {"Printer jammed", "Laptop fan loud"}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_subscriptions_page_fits_a_phone_and_subscribes(world, open_page, language):
    page = open_page(world.it_lead, language=language, viewport=PHONE)
    assert page.goto("/reports/subscriptions/").status == 200
    page.locator("main form.stack button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".subscription").count() == 1
    measured = page.evaluate(OVERFLOW)
    assert measured["scrollWidth"] <= PHONE["width"] and not measured["beyond"], measured
    assert not within_width(page, ".subscription button")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{language}-report-subscriptions.png", full_page=True)
