"""GET /api/v1/reports/summary/ and /trend/: the known week's figures over HTTP, who may ask
for which scope (404 for what is out of reach), and a 400 naming each bad parameter."""

import datetime as dt

import pytest

from reports.rollup import rollup_pending
from teams.models import Membership
from tests.api.conftest import token_client
from tests.factories import MembershipFactory, UserFactory
from tests.reports.known_answers import EXPECTED, NOW, WEEK, ZONE, seed_known_week

URL = "/api/v1/reports/summary/"
TREND = "/api/v1/reports/trend/"
WEEK_PARAMS = {"from": "2026-09-21", "to": "2026-09-27"}


@pytest.fixture
def heads(world):
    """finance.head heads Finance; hr.lead leads HR."""
    world.finance_head = UserFactory(username="finance.head", department=world.finance)
    world.finance.head = world.finance_head
    world.finance.save()
    world.hr_lead = UserFactory(username="hr.lead")
    MembershipFactory(user=world.hr_lead, team=world.hr, role=Membership.Role.LEAD)
    return world


@pytest.fixture
def known_week(world, clock, settings):
    settings.REPORT_TIME_ZONE = ZONE
    seed_known_week(world, clock)
    rollup_pending(now=NOW)


def _get(world, role, url=URL, **params):
    return token_client(world, role).get(url, params)


@pytest.mark.parametrize(("role", "scope", "params"), [
    ("admin", "all", {}),
    ("admin", "hr", {"team": "hr"}),
    ("it_lead", "it", {"team": "it"}),
    ("it_lead", "it", {}),  # a lead without a team: the teams they lead
    ("finance_head", "finance", {"department": "finance"}),
])
def test_the_api_answers_the_hand_counted_figures(role, scope, params, heads, known_week):
    params = {key: getattr(heads, value).pk for key, value in params.items()}

    response = _get(heads, role, **WEEK_PARAMS, **params)

    assert response.status_code == 200, response.content
    body = response.json()
    for key, expected in EXPECTED[scope].items():
        assert body[key] == expected, key
    assert body["period"] == {"from": "2026-09-21", "to": "2026-09-27", "time_zone": ZONE}
    assert dt.datetime.fromisoformat(body["as_of"]) == NOW


def test_without_dates_the_api_reports_last_week(heads, known_week):
    # NOW is Monday 2026-09-28: last week is the known week
    body = _get(heads, "it_lead", team=heads.it.pk).json()

    assert body["period"]["from"] == str(WEEK.first) and body["period"]["to"] == str(WEEK.last)
    assert body["created"] == EXPECTED["it"]["created"]


def test_extra_figures_of_the_summary_are_passed_through(heads, known_week, monkeypatch):
    from reports.api import summary as api

    original = api.report_summary
    monkeypatch.setattr(api, "report_summary", lambda **kw: {**original(**kw), "knowledge": {"articles": 2}})

    body = _get(heads, "admin", **WEEK_PARAMS).json()

    assert body["knowledge"] == {"articles": 2} and body["created"] == EXPECTED["all"]["created"]


@pytest.mark.parametrize(("role", "params", "status"), [
    ("admin", {}, 200),
    ("admin", {"department": "sales"}, 200),
    ("it_lead", {"team": "it"}, 200),
    ("it_lead", {"team": "hr"}, 404),  # another team's report
    ("it_lead", {"department": "finance"}, 404),  # not a department head
    ("it_lead", {"team": "it", "assignee": "it_agent"}, 200),
    ("it_lead", {"assignee": "it_agent"}, 404),  # one person's figures need their team
    ("hr_lead", {"team": "it"}, 404),
    ("hr_lead", {"team": "hr"}, 200),
    ("it_agent", {"team": "it"}, 404),  # agents see their own scorecard, not the team's report
    ("it_agent", {}, 404),
    ("finance_head", {"department": "finance"}, 200),
    ("finance_head", {"department": "sales"}, 404),
    ("finance_head", {"team": "it"}, 404),
    ("finance_head", {}, 400),  # a head names their department
    ("alice", {}, 404),  # a requester sees no report
    ("alice", {"team": "it"}, 404),
])
def test_who_may_ask_for_which_scope(role, params, status, heads):
    params = {key: getattr(heads, value).pk for key, value in params.items()}

    assert _get(heads, role, **params).status_code == status
    assert _get(heads, role, TREND, **params).status_code == status


def test_anonymous_callers_are_asked_to_sign_in(heads):
    assert _get(heads, "anonymous").status_code == 401


@pytest.mark.parametrize(("params", "field"), [
    ({"from": "2026-13-01"}, "from"),
    ({"to": "yesterday"}, "to"),
    ({"from": "2026-09-27", "to": "2026-09-21"}, "to"),
    ({"from": "2020-01-01", "to": "2026-01-01"}, "to"),
    ({"priority": "P9"}, "priority"),
    ({"team": "abc"}, "team"),
    ({"service_item": "999999"}, "service_item"),
    ({"category": "x"}, "category"),
])
def test_a_bad_parameter_is_a_400_naming_it(params, field, heads):
    response = _get(heads, "admin", **params)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_the_trend_gives_weekly_and_quarterly_points(heads, known_week):
    weeks = _get(heads, "it_lead", TREND, team=heads.it.pk, to="2026-09-27").json()
    quarters = _get(heads, "it_lead", TREND, team=heads.it.pk, to="2026-09-27", quarters=4).json()

    assert weeks["unit"] == "week" and len(weeks["points"]) == 12
    last = weeks["points"][-1]
    assert last["start"] == "2026-09-21" and (last["created"], last["resolved"]) == (6, 5)
    assert last["sla"]["next_response"] == {"met": 1, "decided": 2, "compliance": 0.5}
    assert last["satisfaction"] == {"responses": 3, "positive": 2, "positive_share": 2 / 3}
    assert all(point["created"] == 0 for point in weeks["points"][:-1])
    assert quarters["unit"] == "quarter" and [p["start"] for p in quarters["points"]] == [
        "2025-10-01", "2026-01-01", "2026-04-01", "2026-07-01"]
    assert quarters["points"][-1]["created"] == 6


@pytest.mark.parametrize("params", [{"weeks": "0"}, {"weeks": "x"}, {"quarters": "13"}, {"weeks": "4", "quarters": "2"}])
def test_a_bad_trend_length_is_a_400(params, heads):
    response = _get(heads, "admin", TREND, **params)

    assert response.status_code == 400
    assert set(response.json()["errors"]) <= {"weeks", "quarters"}


@pytest.mark.parametrize(("language", "words"), [("zh-hans", "请按周或按季度查询"), ("zh-hant", "請按週或按季查詢")])
def test_the_errors_speak_the_callers_language(language, words, heads):
    response = token_client(heads, "admin").get(TREND, {"weeks": "4", "quarters": "2"},
                                                HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400 and words in response.json()["errors"]["quarters"][0]


def test_the_summary_takes_a_fixed_handful_of_queries(heads, known_week, django_assert_max_num_queries):
    client = token_client(heads, "it_lead")
    client.get(URL, {"team": heads.it.pk})  # the token's first use records it

    with django_assert_max_num_queries(16) as captured:
        response = client.get(URL, {"team": heads.it.pk, "service_item": heads.laptop.pk, "priority": "P3",
                                    **WEEK_PARAMS})

    assert response.status_code == 200
    assert not [q["sql"] for q in captured.captured_queries if "tickets_comment" in q["sql"]
                or "sla_sla" in q["sql"]]  # the rollups, never the raw outcome or comment rows


def test_the_schema_documents_the_figures_and_the_parameters(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    summary = schema["paths"]["/api/v1/reports/summary/"]["get"]
    assert {p["name"] for p in summary["parameters"]} >= {"team", "department", "from", "to", "service_item",
                                                          "category", "priority", "assignee"}
    assert {"200", "400", "404"} <= set(summary["responses"])
    figures = schema["components"]["schemas"]["ReportSummary"]["properties"]
    assert {"created", "resolved", "reopened", "backlog", "sla", "satisfaction", "first_contact", "feedback",
            "as_of", "period"} <= set(figures)
    entry = schema["components"]["schemas"]["SlaEntry"]["properties"]
    assert {"met", "decided", "compliance", "p50_business_seconds", "p90_business_seconds"} <= set(entry)
    assert "/api/v1/reports/trend/" in schema["paths"]
