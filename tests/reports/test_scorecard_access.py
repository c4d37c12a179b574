"""Who sees whose scorecard (issue 18): the member themself, the team's lead and service
admins; never a peer, another team's lead or a department head. On the members page, the
member's page and the API; anything out of reach is a 404, bad parameters a 400."""

import pytest
from django.urls import reverse

from teams.models import Membership
from tests.factories import MembershipFactory, UserFactory
from tests.reports.scorecard_world import build_week


@pytest.fixture
def people(world):
    """it.agent (self), it.peer (another IT agent), hr.lead (another team's lead), the head
    of Sales (a department head, no team), it.lead and admin."""
    world.it_peer = UserFactory(username="it.peer")
    MembershipFactory(user=world.it_peer, team=world.it)
    world.hr_lead = UserFactory(username="hr.lead")
    MembershipFactory(user=world.hr_lead, team=world.hr, role=Membership.Role.LEAD)
    world.sales_head = UserFactory(username="sales.head", department=world.sales)
    world.sales.head = world.sales_head
    world.sales.save()
    return world


def _get(client, user, url, **params):
    if user is not None:
        client.force_login(user)
    return client.get(url, params)


MEMBER_PAGE = [("it_agent", 200), ("it_lead", 200), ("admin", 200), ("it_peer", 404), ("hr_lead", 404),
               ("sales_head", 404), ("hr_agent", 404), ("alice", 404)]
MEMBERS_PAGE = [("it_lead", 200), ("admin", 200), ("it_agent", 404), ("it_peer", 404), ("hr_lead", 404),
                ("sales_head", 404), ("alice", 404)]


@pytest.mark.parametrize(("viewer", "status"), MEMBER_PAGE)
def test_the_member_scorecard_page_is_for_the_member_their_lead_and_admins(client, people, viewer, status):
    response = _get(client, getattr(people, viewer), reverse("report-member", args=["it", "it.agent"]))

    assert response.status_code == status


@pytest.mark.parametrize(("viewer", "status"), MEMBERS_PAGE)
def test_the_members_page_is_for_the_lead_and_admins(client, people, viewer, status):
    response = _get(client, getattr(people, viewer), reverse("report-members", args=["it"]))

    assert response.status_code == status


def test_a_member_of_another_team_has_no_scorecard_here(client, people):
    response = _get(client, people.admin, reverse("report-member", args=["it", "hr.agent"]))
    unknown = _get(client, people.admin, reverse("report-member", args=["nowhere", "it.agent"]))

    assert (response.status_code, unknown.status_code) == (404, 404)


def test_signing_in_comes_first(client, people):
    response = client.get(reverse("report-members", args=["it"]))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


API = "/api/v1/reports/members/"
API_CASES = [
    ("it_lead", ["it.agent", "it.lead", "it.peer"]),
    ("admin", ["it.agent", "it.lead", "it.peer"]),
    ("it_agent", ["it.agent"]),
    ("it_peer", ["it.peer"]),
    ("hr_lead", 404),
    ("sales_head", 404),
    ("alice", 404),
]


@pytest.mark.parametrize(("viewer", "expected"), API_CASES)
def test_the_api_answers_each_viewer_with_the_scorecards_in_reach(client, people, viewer, expected):
    response = _get(client, getattr(people, viewer), API, team=people.it.pk)

    if expected == 404:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert [item["member"]["username"] for item in response.json()] == expected


def test_the_api_refuses_an_anonymous_caller(client, people):
    assert client.get(API, {"team": people.it.pk}).status_code == 401


@pytest.mark.parametrize(("params", "field"), [
    ({}, "team"),
    ({"team": "abc"}, "team"),
    ({"team": "IT", "from": "2026-09-01"}, "team"),
    ({"from": "2026-13-01"}, "from"),
    ({"from": "2026-09-10", "to": "2026-09-01"}, "to"),
    ({"from": "9999-12-31"}, "from"),  # a week later is past the last date Python knows: a 400, not a 500
    ({"to": "0001-01-01"}, "to"),
    ({"team": "99999999999999999999"}, None),  # beyond bigint: no such team (below)
])
def test_bad_parameters_are_a_400_naming_the_field(client, people, params, field):
    params = {"team": people.it.pk, **params} if "team" not in params and field != "team" else params

    response = _get(client, people.it_lead, API, **params)

    if field is None:
        assert response.status_code == 404
    else:
        assert response.status_code == 400
        assert field in response.json()["errors"]


def test_an_unknown_team_is_a_404_not_a_400(client, people):
    assert _get(client, people.admin, API, team=999999).status_code == 404


def test_the_member_gets_their_figures_beside_the_team_figures(client, people, file_ticket, clock, standard,
                                                                settings):
    build_week(people, file_ticket, clock, settings)

    response = _get(client, people.it_agent, API, team=people.it.pk, **{"from": "2026-09-21", "to": "2026-09-27"})

    (item,) = response.json()
    assert item["period"] == {"from": "2026-09-21", "to": "2026-09-27", "time_zone": "UTC"}
    assert item["figures"]["load"] == 1 and item["team_figures"]["load"] == 3
    assert item["figures"]["sla"]["first_response"]["compliance"] == 0.5
    assert item["figures"]["reopen_rate"] == 0.5 and item["small_n"] == 20
    assert "resolved" in item["figures"]["few_cases"]
    assert item["figures"]["knowledge"]["written"] == 0


def test_the_pages_show_the_hand_computed_figures(client, people, file_ticket, clock, standard, settings):
    build_week(people, file_ticket, clock, settings)
    week = {"from": "2026-09-21", "to": "2026-09-27"}

    mine = _get(client, people.it_agent, reverse("report-member", args=["it", "it.agent"]), **week)
    all_of_them = _get(client, people.it_lead, reverse("report-members", args=["it"]), **week)

    html = mine.content.decode()
    assert "50 %" in html and "few cases: read with care" in html
    assert "Compliance over 12 weeks" in html
    assert reverse("report-member", args=["it", "it.agent"]) in all_of_them.content.decode()
    assert "Team: IT Support" in all_of_them.content.decode()


def test_a_bad_period_on_the_page_is_a_400_with_the_message(client, people):
    response = _get(client, people.it_lead, reverse("report-members", args=["it"]),
                    **{"from": "2026-09-10", "to": "2026-09-01"})

    assert response.status_code == 400
    assert "The period ends before it starts." in response.content.decode()


def test_the_members_page_and_the_api_take_as_many_queries_for_many_members(client, people, file_ticket, clock,
                                                                              standard, settings,
                                                                              django_assert_max_num_queries):
    build_week(people, file_ticket, clock, settings)
    client.force_login(people.it_lead)
    url = reverse("report-members", args=["it"])
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for n in range(10):
        MembershipFactory(user=UserFactory(username=f"it.more{n}"), team=people.it)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(API, {"team": people.it.pk}).json()) == 13
