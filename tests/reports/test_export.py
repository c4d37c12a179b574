"""Report exports: the summary table as CSV and XLSX says what report_summary says, in the
viewer's language; ticket lists in the viewer's time zone; who may export what; a large
export becomes a job built outside the request, downloaded by its requester only."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from reports import definitions as d
from reports import export as export_module
from reports.drilldown import drilldown, drilldown_tickets
from reports.export_jobs import export_job_build, export_jobs_sweep
from reports.models import ExportJob
from reports.rollup import rollup_as_of, rollup_pending
from reports.selectors import ReportScope, report_summary
from reports.tables import FIGURE_HELP, KIND_LABELS
from teams.models import Membership
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.sla.outcome_drivers import MINUTE, T0, fresh
from tickets import services
from tickets.constants import Status

DAY = dt.date(2026, 9, 24)  # T0 (09:00 UTC) is 17:00 on this day in Shanghai, 05:00 in New York
QUERY = "from=2026-09-24&to=2026-09-24"


@pytest.fixture
def seeded(world, file_ticket, clock, standard, settings):
    """Three IT tickets of one day: one answered in 10 minutes and resolved in 30, one
    answered late (after 90 minutes), one left open; rolled up."""
    settings.REPORT_TIME_ZONE = "Asia/Shanghai"
    quick, late = file_ticket(title="Quick"), file_ticket(title="Late")
    file_ticket(title="打印机卡纸了", requester=world.bob)
    clock.set(T0 + 10 * MINUTE)
    services.comment_create(ticket=fresh(quick), author=world.it_agent, body="Try again")
    clock.set(T0 + 30 * MINUTE)
    services.ticket_transition(ticket=fresh(quick), to=Status.RESOLVED, actor=world.it_agent)
    clock.set(T0 + 90 * MINUTE)
    services.comment_create(ticket=fresh(late), author=world.it_agent, body="Sorry for the wait")
    clock.set(T0 + 120 * MINUTE)
    rollup_pending()
    return world


def _viewer(user, *, language="en", zone="Asia/Shanghai"):
    user.language, user.timezone = language, zone
    user.save(update_fields=["language", "timezone"])
    return user


def _get(client, user, path):
    client.force_login(user)
    return client.get(path)


def _export_url(table, fmt, query):
    return f"{reverse('report-export', kwargs={'table': table, 'fmt': fmt})}?{query}"


def _csv_rows(response) -> list[list[str]]:
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _xlsx_rows(content: bytes):
    workbook = load_workbook(io.BytesIO(content))
    return list(workbook.active.iter_rows())


def _expected_summary(world):
    return report_summary(scope=ReportScope(team_ids=(world.it.pk,)), period=d.Period(DAY, DAY))


def test_summary_csv_says_what_report_summary_says_in_simplified_chinese(seeded, client):
    world = seeded
    lead = _viewer(world.it_lead, language="zh-hans")
    response = _get(client, lead, _export_url("summary", "csv", f"team={world.it.pk}&{QUERY}"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="summary_2026-09-24_2026-09-24.csv"' in response["Content-Disposition"]
    rows = _csv_rows(response)
    summary = _expected_summary(world)
    with translation.override("zh-hans"):
        header = {row[0]: row[1] for row in rows[:12] if len(row) == 2}
        assert header["服务团队"] == "IT Support"
        assert header["报表时区"].startswith("Asia/Shanghai")
        assert "2026-09-24" in header["统计期间"]
        by_label = {row[0]: row for row in rows if len(row) == 4}
        assert list(by_label)[0] == "指标"  # the column labels, in Chinese
        assert by_label["新建"][1] == str(summary["created"]) == "3"
        assert by_label["已解决"][1] == str(summary["resolved"]) == "1"
        fr = summary["sla"]["first_response"]
        compliance = by_label[f"{KIND_LABELS['first_response']}：达标率"]
        assert (fr["met"], fr["decided"]) == (1, 2)
        assert compliance[1] == "50.0%" and compliance[2] == "2"
        assert compliance[3] == str(FIGURE_HELP["compliance"])
        p50 = by_label[f"{KIND_LABELS['resolution']}：p50，工作时间"]
        assert p50[1] == export_module.hours_minutes(summary["sla"]["resolution"]["p50_business_seconds"]) == "0:30"


def test_summary_xlsx_has_the_same_figures_with_number_formats(seeded, client):
    world = seeded
    lead = _viewer(world.it_lead, language="zh-hans")
    response = _get(client, lead, _export_url("summary", "xlsx", f"team={world.it.pk}&{QUERY}"))
    assert response.status_code == 200
    assert response["Content-Type"] == export_module.CONTENT_TYPES["xlsx"]
    rows = _xlsx_rows(response.content)
    summary = _expected_summary(world)
    with translation.override("zh-hans"):
        by_label = {row[0].value: row for row in rows if len(row) >= 3 and row[0].value}
        assert by_label["新建"][1].value == summary["created"] == 3
        assert by_label["新建"][1].number_format == "0"
        compliance = by_label[f"{KIND_LABELS['first_response']}：达标率"]
        assert compliance[1].value == pytest.approx(summary["sla"]["first_response"]["compliance"])
        assert compliance[1].number_format == "0.0%"
        assert compliance[2].value == 2
        p50 = by_label[f"{KIND_LABELS['resolution']}：p50，工作时间"]
        # a duration (a fraction of a day with an [h]:mm format): openpyxl reads it back as a timedelta
        assert p50[1].value == dt.timedelta(seconds=summary["sla"]["resolution"]["p50_business_seconds"])
        assert p50[1].number_format == "[h]:mm"
        assert rows[0][0].value == "汇总"  # the title, then the header block
        labels = [row[0].value for row in rows[:12]]
        assert "数据完整至" in labels and "每列统计的内容" in labels


@pytest.mark.parametrize(("zone", "created"), [("Asia/Shanghai", "2026-09-24 17:00"),
                                               ("America/New_York", "2026-09-24 05:00")])
def test_ticket_list_shows_times_in_the_viewers_zone(seeded, client, zone, created):
    world = seeded
    lead = _viewer(world.it_lead, zone=zone)
    response = _get(client, lead, _export_url("tickets", "csv", f"team={world.it.pk}&figure=created&{QUERY}"))
    assert response.status_code == 200
    rows = _csv_rows(response)
    header = {row[0]: row[1] for row in rows[:12] if len(row) == 2}
    assert header["Times in"] == zone
    as_of = rollup_as_of().astimezone(d.ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
    assert header["Figures complete to"] == as_of
    tickets = [row for row in rows if row and row[0].startswith("SD-")]
    assert len(tickets) == 3
    quick = next(row for row in tickets if row[1] == "Quick")
    assert (quick[2], quick[3], quick[4], quick[6], quick[7]) == (
        "IT Support", "Laptop repair", world.laptop.category.name, "resolved", "Sales")
    assert quick[9] == created
    resolved = (T0 + 30 * MINUTE).astimezone(d.ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
    assert quick[10] == resolved
    xlsx = _get(client, lead, _export_url("tickets", "xlsx", f"team={world.it.pk}&{QUERY}"))
    cells = next(row for row in _xlsx_rows(xlsx.content) if row[1].value == "Quick")
    assert cells[9].value == dt.datetime.strptime(created, "%Y-%m-%d %H:%M")
    assert cells[9].number_format == "yyyy-mm-dd hh:mm"


def test_ticket_list_reads_the_tickets_in_a_fixed_number_of_queries(seeded, django_assert_max_num_queries):
    world = seeded
    found = drilldown(figure="created", scope=ReportScope(team_ids=(world.it.pk,)), period=d.Period(DAY, DAY), now=T0)
    queryset = drilldown_tickets(found)
    with django_assert_max_num_queries(6):
        rows = list(export_module.ticket_rows(queryset, chunk_size=1))
    assert len(rows) == 3


def test_a_formula_in_a_title_is_written_as_text(world, file_ticket, clock, settings, client):
    settings.REPORT_TIME_ZONE = "Asia/Shanghai"
    file_ticket(title="=HYPERLINK(\"http://evil\",\"x\")")
    lead = _viewer(world.it_lead)
    rows = _csv_rows(_get(client, lead, _export_url("tickets", "csv", f"team={world.it.pk}&{QUERY}")))
    assert [row[1] for row in rows if row and row[0].startswith("SD-")] == ["'=HYPERLINK(\"http://evil\",\"x\")"]
    xlsx = _xlsx_rows(_get(client, lead, _export_url("tickets", "xlsx", f"team={world.it.pk}&{QUERY}")).content)
    cell = next(row[1] for row in xlsx if row[0].value and str(row[0].value).startswith("SD-"))
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


# --- who may export what ---------------------------------------------------------------------


@pytest.fixture
def people(world):
    other_lead = UserFactory(username="hr.lead")
    MembershipFactory(user=other_lead, team=world.hr, role=Membership.Role.LEAD)
    head = UserFactory(username="sales.head")
    world.sales.head = head
    world.sales.save()
    TeamFactory(name="Training", slug="training")
    return {"other_lead": other_lead, "head": head}


@pytest.mark.parametrize(("who", "table", "query", "status"), [
    ("it_lead", "summary", "team={it}", 200),
    ("it_lead", "by_assignee", "team={it}", 200),
    ("it_lead", "by_service_item", "team={it}", 200),
    ("it_lead", "nonsense", "team={it}", 404),
    ("it_lead", "summary", "team={hr}", 404),
    ("it_agent", "summary", "team={it}", 404),
    ("alice", "summary", "team={it}", 404),
    ("other_lead", "summary", "team={it}", 404),
    ("other_lead", "tickets", "team={it}", 404),
    ("head", "summary", "department={sales}", 200),
    ("head", "tickets", "department={sales}", 200),
    ("head", "by_assignee", "department={sales}", 404),
    ("head", "summary", "department={finance}", 404),
    ("admin", "by_assignee", "", 200),
    ("admin", "by_assignee", "department={sales}", 200),
    ("it_lead", "summary", "team={it}&from=2026-09-24&to=2026-09-01", 400),
])
def test_who_may_export_what(world, people, client, who, table, query, status):
    user = people.get(who) or getattr(world, who)
    query = query.format(it=world.it.pk, hr=world.hr.pk, sales=world.sales.pk, finance=world.finance.pk)
    assert _get(client, user, _export_url(table, "csv", query)).status_code == status


def test_an_unknown_format_is_not_found_and_anonymous_is_sent_to_sign_in(world, client):
    assert client.get(_export_url("summary", "csv", f"team={world.it.pk}")).status_code == 302
    client.force_login(world.it_lead)
    assert client.get(f"/reports/export/summary.pdf?team={world.it.pk}").status_code == 404


# --- large exports -------------------------------------------------------------------------------


def test_a_large_export_becomes_a_job_built_outside_the_request(seeded, client, settings, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    world = seeded
    settings.EXPORT_INLINE_MAX_ROWS = 2
    monkeypatch.setattr(export_module, "PROGRESS_EVERY", 1)
    lead = _viewer(world.it_lead, language="zh-hans", zone="America/New_York")
    sent = []
    monkeypatch.setattr("reports.views.exports.build_export.delay", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = _get(client, lead, _export_url("tickets", "xlsx", f"team={world.it.pk}&{QUERY}"))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("report-export-job", args=[job.pk])
    assert sent == [job.pk]
    assert (job.state, job.language, job.time_zone, job.format) == ("queued", "zh-hans", "America/New_York", "xlsx")
    assert "queued" in client.get(response["Location"]).content.decode() or job.state == "queued"

    # When a worker builds it
    assert export_job_build(job_id=job.pk) is True
    assert export_job_build(job_id=job.pk) is False  # sent twice: built once
    job.refresh_from_db()
    assert (job.state, job.rows_done, job.rows_total) == ("done", 3, 3)

    # Then the page shows the download link, and the file is the export, in the request's zone
    page = client.get(reverse("report-export-job", args=[job.pk]))
    assert reverse("report-export-download", args=[job.pk]) in page.content.decode()
    assert "hx-trigger" not in page.content.decode()  # no more polling once done
    download = client.get(reverse("report-export-download", args=[job.pk]))
    assert download.status_code == 200
    rows = _xlsx_rows(b"".join(download.streaming_content))
    quick = next(row for row in rows if row[1].value == "Quick")
    assert quick[9].value == dt.datetime(2026, 9, 24, 5, 0)
    assert rows[0][0].value == "新建的工单"

    # Someone else never sees it
    client.force_login(world.admin)
    assert client.get(reverse("report-export-job", args=[job.pk])).status_code == 404
    assert client.get(reverse("report-export-download", args=[job.pk])).status_code == 404


def test_a_running_job_page_polls_and_the_sweep_deletes_old_files(seeded, client, settings):
    world = seeded
    job = ExportJob.objects.create(requested_by=world.it_lead, table="tickets", query=f"team={world.it.pk}&{QUERY}",
                                   format="csv", language="en", time_zone="UTC", created_at=T0)
    client.force_login(world.it_lead)
    page = client.get(reverse("report-export-job", args=[job.pk]), headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in page.content.decode()
    assert "<html" not in page.content.decode()  # htmx gets the progress block only
    export_job_build(job_id=job.pk)
    job.refresh_from_db()
    path = job.file.path
    deleted, stale = export_jobs_sweep(now=T0 + dt.timedelta(days=settings.EXPORT_KEEP_DAYS + 1))
    job.refresh_from_db()
    assert deleted == 1 and stale == [] and job.file_deleted and not job.file
    import os

    assert not os.path.exists(path)
    assert client.get(reverse("report-export-download", args=[job.pk])).status_code == 404


def test_a_job_whose_requester_lost_the_report_fails_without_a_file(seeded):
    world = seeded
    job = ExportJob.objects.create(requested_by=world.it_agent, table="summary", query=f"team={world.it.pk}",
                                   format="csv", language="en", time_zone="UTC", created_at=T0)
    export_job_build(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "failed" and not job.file


def test_the_export_links_carry_the_pages_query_string(rf):
    from django.template.loader import render_to_string

    from reports.tables import Table

    request = rf.get("/reports/", {"team": "3", "from": "2026-09-21", "to": "2026-09-27"})
    for table in (Table(key="by_priority", title="", columns=[]), "by_priority"):
        html = render_to_string("reports/partials/export_links.html", {"table": table, "request": request})
        assert 'href="/reports/export/by_priority.csv?team=3&amp;from=2026-09-21&amp;to=2026-09-27"' in html
        assert 'href="/reports/export/by_priority.xlsx?team=3&amp;from=2026-09-21&amp;to=2026-09-27"' in html


def test_the_export_links_of_a_team_page_name_the_team_of_its_path(world, rf):
    from django.template.loader import render_to_string
    from django.urls import ResolverMatch

    request = rf.get(f"/reports/teams/it/members/{world.it_agent.username}/", {"from": "2026-09-21"})
    request.resolver_match = ResolverMatch(lambda r: None, (), {"team_slug": "it",
                                                                "username": world.it_agent.username})
    html = render_to_string("reports/partials/export_links.html", {"table": "summary", "request": request})
    assert (f'href="/reports/export/summary.csv?from=2026-09-21&amp;team={world.it.pk}'
            f'&amp;assignee={world.it_agent.pk}"') in html


def test_the_sweep_fails_a_job_whose_worker_died_and_resends_a_lost_one(world, settings):
    settings.EXPORT_REQUEUE_SECONDS = 300
    running = ExportJob.objects.create(requested_by=world.it_lead, table="summary", query="", format="csv",
                                       language="en", time_zone="UTC", created_at=T0, state="running",
                                       started_at=T0)
    lost = ExportJob.objects.create(requested_by=world.it_lead, table="summary", query="", format="csv",
                                    language="en", time_zone="UTC", created_at=T0)
    fresh_job = ExportJob.objects.create(requested_by=world.it_lead, table="summary", query="", format="csv",
                                         language="en", time_zone="UTC", created_at=T0 + dt.timedelta(hours=2))
    _deleted, stale = export_jobs_sweep(now=T0 + dt.timedelta(hours=2, minutes=1))
    assert stale == [lost.pk] and fresh_job.pk not in stale
    running.refresh_from_db()
    assert (running.state, running.error) == ("failed", "interrupted")


def test_the_list_behind_a_breached_count_exports_exactly_its_tickets(seeded, client):
    # Given the day's one late first response (the "Late" ticket, answered after 90 minutes)
    world = seeded
    lead = _viewer(world.it_lead)

    # When the lead exports the list behind "First response: breached"
    response = _get(client, lead, _export_url("tickets", "csv", f"team={world.it.pk}&{QUERY}"
                                                                "&figure=breached&kind=first_response"))

    # Then the file lists that ticket and no other
    assert response.status_code == 200
    rows = _csv_rows(response)
    titles = [row[1] for row in rows if row and row[0].startswith("SD-")]
    assert titles == ["Late"]


def test_a_list_that_does_not_exist_is_not_exported(seeded, client):
    lead = _viewer(seeded.it_lead)
    for query in ("figure=nonsense", "figure=breached", "figure=breached&kind=nonsense", "figure=created&age=0-1"):
        response = _get(client, lead, _export_url("tickets", "csv", f"team={seeded.it.pk}&{QUERY}&{query}"))
        assert response.status_code == 404, query
