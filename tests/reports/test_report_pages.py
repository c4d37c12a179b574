"""The team and department report pages, the index and the drill-down list: who may open
them, what they show, what every count links to, and that each list holds exactly the rows
its figure counted."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports import definitions as d
from reports.drilldown import drilldown
from reports.rollup import report_zone, rollup_pending
from reports.selectors import ReportScope, report_summary
from teams.models import Membership
from tests.factories import DepartmentFactory, MembershipFactory, ServiceItemFactory, UserFactory
from tests.reports.seed import NOW, ZONE, seed_week

pytestmark = pytest.mark.django_db

LAST_WEEK = d.Period(d.dt.date(2026, 9, 21), d.dt.date(2026, 9, 27))


@pytest.fixture
def seeded(world, file_ticket, clock, standard, settings):
    settings.REPORT_TIME_ZONE = ZONE
    world.finance.head = world.bob
    world.finance.save()
    return seed_week(world, file_ticket, clock)


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_seeded_week_has_every_figure(seeded, world):
    summary = report_summary(scope=ReportScope(team_ids=(world.it.pk,)), period=LAST_WEEK, now=NOW)
    assert (summary["created"], summary["resolved"], summary["reopened"]) == (4, 3, 1)
    assert summary["first_contact"]["count"] == 1
    fr = summary["sla"]["first_response"]
    assert (fr["met"], fr["decided"]) == (2, 4)
    assert summary["sla"]["next_response"]["met"] == 2  # bob's reply, and alice's reopen
    assert summary["satisfaction"]["responses"] == 2 and summary["satisfaction"]["positive"] == 1
    assert summary["backlog"]["total"] == 3 and summary["backlog"]["age"]["15-30"] == 1
    assert summary["feedback"]["total"] == 1


# --- permissions -----------------------------------------------------------------------------


@pytest.fixture
def people(world):
    """Every persona of the matrix: the admin, IT's lead, HR's lead, IT's agent, the heads of
    Finance (bob) and of Sales, and a requester (alice)."""
    hr_lead = UserFactory(username="hr.lead")
    MembershipFactory(user=hr_lead, team=world.hr, role=Membership.Role.LEAD)
    sales_head = UserFactory(username="sales.head")
    world.sales.head = sales_head
    world.sales.save()
    world.finance.head = world.bob
    world.finance.save()
    return {"admin": world.admin, "it_lead": world.it_lead, "hr_lead": hr_lead, "agent": world.it_agent,
            "finance_head": world.bob, "sales_head": sales_head, "requester": world.alice}


MATRIX = {
    # persona: (IT team report, Finance department report, index)
    "admin": (200, 200, 200),
    "it_lead": (200, 404, 200),
    "hr_lead": (404, 404, 200),
    "agent": (404, 404, 200),
    "finance_head": (404, 200, 200),
    "sales_head": (404, 404, 200),
    "requester": (404, 404, 404),
}


@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_who_may_open_which_report(persona, people, world, clock, settings):
    settings.REPORT_TIME_ZONE = ZONE
    client = _client(people[persona])
    team, department, index = MATRIX[persona]
    assert client.get(reverse("report-team", args=["it"])).status_code == team
    assert client.get(reverse("report-department", args=["finance"])).status_code == department
    assert client.get(reverse("report-index")).status_code == index
    # the list behind a figure: the same check as the report it comes from
    assert client.get(reverse("report-list"), {"figure": "created", "team": world.it.pk}).status_code == (
        200 if team == 200 else 404)
    assert client.get(reverse("report-list"), {"figure": "created", "department": world.finance.pk}).status_code == (
        200 if department == 200 else 404)


def test_nobody_signed_in_is_sent_to_sign_in(world):
    for url in (reverse("report-index"), reverse("report-team", args=["it"]),
                reverse("report-department", args=["finance"]), reverse("report-list")):
        response = Client().get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_one_persons_figures_are_their_leads_only(people, world, clock, settings):
    # The assignee filter is the lead's (and the admins'); anyone else asking gets a 404
    settings.REPORT_TIME_ZONE = ZONE
    url = reverse("report-team", args=["it"])
    assert _client(people["it_lead"]).get(url, {"assignee": world.it_agent.pk}).status_code == 200
    assert _client(people["finance_head"]).get(reverse("report-department", args=["finance"]),
                                               {"assignee": world.it_agent.pk}).status_code == 200  # dropped
    assert _client(people["finance_head"]).get(reverse("report-list"), {
        "figure": "created", "department": world.finance.pk, "assignee": world.it_agent.pk}).status_code == 404


def test_the_reports_link_shows_to_those_who_have_reports(people):
    for persona, (_team, _department, index) in MATRIX.items():
        page = _client(people[persona]).get("/my-requests/").content.decode()
        assert ('href="/reports/"' in page) == (index == 200), persona


def test_the_index_lists_what_the_viewer_may_open(people, world):
    page = _client(people["it_lead"]).get(reverse("report-index")).content.decode()
    assert reverse("report-team", args=["it"]) in page and reverse("report-team", args=["hr"]) not in page
    assert "/reports/teams/it/members/it.lead/" in page and "/reports/teams/it/members/" in page
    assert "/reports/departments/" not in page
    head = _client(people["finance_head"]).get(reverse("report-index")).content.decode()
    assert reverse("report-department", args=["finance"]) in head and "/reports/teams/" not in head
    agent = _client(people["agent"]).get(reverse("report-index")).content.decode()
    assert "/reports/teams/it/members/it.agent/" in agent and 'href="/reports/teams/it/members/"' not in agent


# --- the page ---------------------------------------------------------------------------------


def _links(html: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)"', html)]


def test_the_team_report_shows_the_figures_with_their_counts(seeded, world):
    response = _client(world.it_lead).get(reverse("report-team", args=["it"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026-09-21" in html and "2026-09-27" in html and "Asia/Shanghai" in html
    assert 'id="trend-weeks-data"' in html and 'id="trend-quarters-data"' in html
    assert "2 breached" in html and "4 decided" in html
    assert "Small n" in html
    for key in ("summary", "by_service_item", "by_priority", "by_department"):
        assert f'id="table-{key}"' in html
    assert "Which services miss their targets most" in html
    # the breakdown by service, most breaches first: the laptop (an ignored ticket: its first
    # response and its resolution) before the printer (one late first response)
    by_service = html[html.index('id="table-by_service_item"'):]
    assert by_service.index("Laptop repair") < by_service.index("Printer")
    # the backlog and its ages go to the queue (the lead's time zone is the report's)
    assert "/queues/it/" in html


def test_names_in_the_report_tables_are_escaped(seeded, world):
    """A service's name is an admin's text: the breakdown's row heading shows it, escaped."""
    from tickets.models import ServiceItem

    ServiceItem.objects.filter(name="Printer").update(name='<script>alert("x")</script> & Co', translations={})
    html = _client(world.it_lead).get(reverse("report-team", args=["it"])).content.decode()
    by_service = html[html.index('id="table-by_service_item"'):html.index("</table>", html.index('id="table-by_service_item"'))]
    assert '<th scope="row">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</th>' in by_service
    assert "<script>alert" not in html


def test_the_period_presets_and_bad_dates(seeded, world):
    client = _client(world.it_lead)
    url = reverse("report-team", args=["it"])
    html = client.get(url, {"period": "last_4_weeks"}).content.decode()
    assert 'value="2026-08-31"' in html and 'value="2026-09-27"' in html
    html = client.get(url, {"period": "last_quarter"}).content.decode()
    assert 'value="2026-04-01"' in html and 'value="2026-06-30"' in html
    html = client.get(url, {"period": "this_quarter"}).content.decode()
    assert 'value="2026-07-01"' in html and 'value="2026-09-29"' in html
    response = client.get(url, {"period": "custom", "from": "2026-09-27", "to": "2026-09-01"})
    assert response.status_code == 200 and "The period ends before it starts." in response.content.decode()


def test_the_department_report_breaks_down_by_team(seeded, world):
    response = _client(world.bob).get(reverse("report-department", args=["finance"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="table-by_team"' in html and 'id="table-by_department"' not in html
    assert 'name="assignee"' not in html


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured.captured_queries)


def test_the_report_pages_read_a_bounded_number_of_queries(seeded, world, file_ticket, clock,
                                                           django_assert_max_num_queries):
    lead, admin = _client(world.it_lead), _client(world.admin)
    team_url, department_url = reverse("report-team", args=["it"]), reverse("report-department", args=["finance"])
    list_args = (reverse("report-list"), {"figure": "created", "team": world.it.pk, "from": "2026-09-01",
                                          "to": "2026-09-30"})
    lead.get(team_url)  # the session, warmed
    # 40 for the figures, 6 for the knowledge-base figures (issue 19), 1 for the export links' team
    with django_assert_max_num_queries(47):
        lead.get(team_url)
    with django_assert_max_num_queries(40):
        admin.get(department_url)
    with django_assert_max_num_queries(15):
        lead.get(*list_args)
    before = (_queries(lead, team_url), _queries(admin, department_url), _queries(lead, *list_args))

    # Given more of everything: services, departments, people, priorities, tickets
    for n in range(6):
        department = DepartmentFactory(name=f"Dept {n}", code=f"dept-{n}")
        requester = UserFactory(username=f"requester{n}", department=department)
        item = ServiceItemFactory(name=f"Service {n}", team=world.it)
        clock.set(NOW - d.dt.timedelta(days=3, hours=n))
        file_ticket(requester=requester, item=item, fields={}, priority=["P1", "P2", "P3"][n % 3])
    clock.set(NOW)
    rollup_pending(now=NOW + d.dt.timedelta(minutes=1))

    # Then the pages read as many queries as before
    assert (_queries(lead, team_url), _queries(admin, department_url), _queries(lead, *list_args)) == before


# --- drill-down -------------------------------------------------------------------------------


def _figure_of(summary: dict, figure: str, kind: str | None) -> int:
    if figure in ("created", "resolved", "reopened"):
        return summary[figure]
    if figure == "first_contact":
        return summary["first_contact"]["count"]
    if figure in ("met", "decided"):
        return summary["sla"][kind][figure]
    if figure == "breached":
        return summary["sla"][kind]["decided"] - summary["sla"][kind]["met"]
    if figure in ("sent", "responses", "positive"):
        return summary["satisfaction"][figure]
    return summary["backlog"]["total"]


FIGURE_CASES = [("created", None), ("resolved", None), ("reopened", None), ("first_contact", None),
                *[(f, k) for f in ("met", "breached", "decided") for k in d.TARGET_KINDS],
                ("sent", None), ("responses", None), ("positive", None), ("backlog", None)]


@pytest.mark.parametrize(("scope_name", "period"), [
    ("it", LAST_WEEK), ("finance", LAST_WEEK), ("it-p1", LAST_WEEK),
    ("it", d.Period(d.dt.date(2026, 9, 22), d.dt.date(2026, 9, 22))),
    ("all", d.Period(d.dt.date(2026, 9, 1), d.dt.date(2026, 9, 30))),
])
def test_each_list_holds_exactly_what_its_figure_counted(seeded, world, scope_name, period):
    scope = {"it": ReportScope(team_ids=(world.it.pk,)), "finance": ReportScope(department_id=world.finance.pk),
             "it-p1": ReportScope(team_ids=(world.it.pk,), priority="P1"), "all": ReportScope()}[scope_name]
    summary = report_summary(scope=scope, period=period, now=NOW)
    counted = {}
    for figure, kind in FIGURE_CASES:
        rows = drilldown(figure=figure, scope=scope, period=period, now=NOW, kind=kind).rows
        counted[(figure, kind)] = (rows.count(), _figure_of(summary, figure, kind))
    assert {key: listed for key, (listed, _) in counted.items()} == {key: n for key, (_, n) in counted.items()}
    assert any(n for _, n in counted.values())
    for key, _first, _last in d.AGE_BUCKETS:
        rows = drilldown(figure="backlog", scope=scope, period=period, now=NOW, age=key).rows
        assert rows.count() == summary["backlog"]["age"][key], key


@pytest.mark.parametrize(("reader", "report"), [("it_lead", ("report-team", "it")),
                                                ("bob", ("report-department", "finance")),
                                                ("admin", ("report-department", "sales"))])
def test_every_count_on_the_page_links_to_a_list_as_long_as_it(seeded, world, reader, report):
    # Given a report (the lead's of IT, Finance's head's, an admin's of Sales); when every
    # link to a drill-down list is followed
    client = _client(getattr(world, reader))
    html = client.get(reverse(report[0], args=[report[1]])).content.decode()
    pairs = re.findall(r'<a href="([^"]*/reports/list/\?[^"]+)"[^>]*>\s*([0-9,]+)', html)
    assert len(pairs) > 20
    for href, shown in pairs:
        listed = client.get(href.replace("&amp;", "&"))
        assert listed.status_code == 200, href
        count = re.search(r'id="report-list-count">([0-9,]+)', listed.content.decode()).group(1)
        # then each list says it holds as many as the count the link showed
        assert count == shown, href


def test_the_breached_count_lands_on_exactly_those_tickets(seeded, world):
    client = _client(world.it_lead)
    html = client.get(reverse("report-team", args=["it"])).content.decode()
    href = next(link for link in _links(html) if "figure=breached" in link and "kind=first_response" in link
                and "row_" not in link and "service_item" not in link and "priority" not in link)
    assert parse_qs(urlparse(href).query)["from"] == ["2026-09-21"]
    listed = client.get(href).content.decode()
    shown = set(re.findall(r'href="/tickets/(\d+)/"', listed))
    assert shown == {str(pk) for pk in seeded.breached_first_response}
    # each with its due time and what it took: the printer answered after 3 h, the monitor never
    assert "3 h<" in listed and listed.count("<time datetime=") == 4  # due and counted at, each


def test_the_backlog_ages_link_to_the_queue_with_the_same_tickets(seeded, world):
    from tickets.filters import QueueFilterSet  # noqa: F401 - the queue reads these parameters

    client = _client(world.it_lead)
    world.it_lead.timezone = ZONE
    world.it_lead.save()
    html = client.get(reverse("report-team", args=["it"])).content.decode()
    queue_links = [link for link in _links(html) if link.startswith("/queues/it/")]
    assert queue_links
    summary = report_summary(scope=ReportScope(team_ids=(world.it.pk,)), period=LAST_WEEK, now=timezone.now())
    old = next(link for link in queue_links if "created_from=2026-08-30" in link)
    queue = client.get(old).content.decode()
    assert summary["backlog"]["age"]["15-30"] == 1 and queue.count('class="title-cell"') == 1
    assert "Docking station" in queue


def test_a_list_of_a_figure_out_of_reach_or_unknown_is_404(seeded, world):
    client = _client(world.it_lead)
    url = reverse("report-list")
    assert client.get(url, {"figure": "created", "team": world.hr.pk}).status_code == 404
    assert client.get(url, {"figure": "nothing", "team": world.it.pk}).status_code == 404
    assert client.get(url, {"figure": "breached", "team": world.it.pk}).status_code == 404  # no target kind
    assert client.get(url, {"figure": "backlog", "team": world.it.pk, "age": "99"}).status_code == 404
    # a breakdown row outside the scope lists nothing
    page = client.get(url, {"figure": "created", "team": world.it.pk, "row_team": world.hr.pk,
                            "from": "2026-09-21", "to": "2026-09-27"}).content.decode()
    assert 'id="report-list-count">0' in page
    assert str(report_zone()) == ZONE


def test_what_each_figure_counts_reads_in_the_viewers_language():
    # FIGURE_HELP is built when reports.tables is imported: its placeholders must not fix
    # the language of whichever request imported it first
    from django.utils import translation

    from reports.tables import FIGURE_HELP

    with translation.override("zh-hans"):
        assert "7 天" in str(FIGURE_HELP["reopened"]) and "4 或 5" in str(FIGURE_HELP["satisfaction"])
    with translation.override("en"):
        assert str(FIGURE_HELP["reopened"]).startswith("Reopens in the period that came within 7 days")


def test_a_department_head_sees_which_tickets_but_not_what_others_asked(seeded, people, world):
    # Given the head of Sales, who is not in IT: alice (Sales) filed the week's laptop tickets
    page = _client(people["sales_head"]).get(reverse("report-list"), {
        "figure": "created", "department": world.sales.pk, "from": "2026-09-21", "to": "2026-09-27"}).content.decode()
    # then the list counts them and names them by reference, without their titles or links
    assert 'id="report-list-count">3' in page
    assert "Laptop will not start" not in page and 'href="/tickets/' not in page
    # while IT's lead, who works them, reads them
    lead = _client(world.it_lead).get(reverse("report-list"), {
        "figure": "created", "team": world.it.pk, "from": "2026-09-21", "to": "2026-09-27"}).content.decode()
    assert "Laptop will not start" in lead


def test_every_table_on_the_report_pages_has_its_export_links(seeded, world):
    """The pages hand the export partial the rendered tables (dicts): the links name each
    table by its key and carry the page's team or department (a 500 before)."""
    html = _client(world.it_lead).get(reverse("report-team", args=["it"])).content.decode()
    for key in ("summary", "by_service_item", "by_priority", "by_department"):
        for fmt in ("csv", "xlsx"):
            assert f'href="/reports/export/{key}.{fmt}?' in html
    assert f"team={world.it.pk}" in html[html.index("/reports/export/summary.xlsx?"):][:200]
    html = _client(world.bob).get(reverse("report-department", args=[world.finance.code])).content.decode()
    assert 'href="/reports/export/by_team.xlsx?' in html
    assert f"department={world.finance.pk}" in html[html.index("/reports/export/by_team.xlsx?"):][:200]
