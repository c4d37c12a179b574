"""Member scorecards read the rollups cut by assignee and the backlog now: the hand-computed
week of tests/reports/scorecard_world.py, member by member and for the team."""

from reports.scorecards import member_trend, team_scorecards
from reports.selectors import ReportScope
from reports.tables import TABLES, members_table
from tests.reports.scorecard_world import WEEK, build_week


def test_the_agent_scorecard_has_the_hand_computed_figures(world, file_ticket, clock, standard, settings):
    build_week(world, file_ticket, clock, settings)

    cards = team_scorecards(team=world.it, members=[world.it_agent, world.it_lead], period=WEEK, now=clock())

    (agent, card), (lead, lead_card) = cards.members
    assert (agent, lead) == (world.it_agent, world.it_lead)
    assert card["load"] == 1
    assert (card["resolved"], card["reopened"], card["reopen_rate"]) == (2, 1, 0.5)
    assert card["first_contact"] == {"count": 1, "rate": 0.5}
    fr, res = card["sla"]["first_response"], card["sla"]["resolution"]
    assert (fr["met"], fr["decided"], fr["compliance"]) == (1, 2, 0.5)
    assert (res["met"], res["decided"], res["compliance"]) == (2, 2, 1.0)
    assert card["sla"]["next_response"]["compliance"] is None
    assert card["first_response_p50_business_seconds"] == 600
    assert card["satisfaction"] == {"responses": 1, "positive": 1, "positive_share": 1.0, "mean": 5.0}
    # Every counted figure is over fewer than SMALL_N cases; next response counted nothing.
    assert set(card["few_cases"]) == {"resolved", "first_response", "resolution", "first_response_p50",
                                      "satisfaction"}
    assert lead_card["load"] == 1 and lead_card["resolved"] == 0 and lead_card["reopen_rate"] is None
    assert lead_card["few_cases"] == []


def test_the_team_figure_counts_all_the_team_work_beside_the_member(world, file_ticket, clock, standard, settings):
    build_week(world, file_ticket, clock, settings)

    team = team_scorecards(team=world.it, members=[], period=WEEK, now=clock()).team

    assert team["load"] == 3
    assert (team["resolved"], team["reopened"], team["first_contact"]["count"]) == (2, 1, 1)
    assert team["sla"]["first_response"]["compliance"] == 0.5
    assert team["satisfaction"]["responses"] == 1


def test_another_week_counts_nothing_but_the_load_now(world, file_ticket, clock, standard, settings):
    build_week(world, file_ticket, clock, settings)

    cards = team_scorecards(team=world.it, members=[world.it_agent], period=WEEK.previous(), now=clock())

    card = cards.members[0][1]
    assert card["load"] == 1 and card["resolved"] == 0 and card["sla"]["first_response"]["decided"] == 0


def test_the_members_table_has_the_team_row_first_and_a_row_per_member(world, file_ticket, clock, standard, settings):
    build_week(world, file_ticket, clock, settings)

    table = TABLES["members"](ReportScope(team_ids=(world.it.pk,)), WEEK, clock())

    assert table.row_keys == [None, world.it_agent.pk, world.it_lead.pk]  # team, then members by username
    keys = [column.key for column in table.columns]
    agent = dict(zip(keys, table.rows[1], strict=True))
    team = dict(zip(keys, table.rows[0], strict=True))
    assert (agent["load"], agent["resolved"], agent["reopen_rate"], agent["first_response_compliance"],
            agent["first_response_decided"], agent["first_response_p50"]) == (1, 2, 0.5, 0.5, 2, 600)
    assert (team["load"], team["resolved"]) == (3, 2)
    assert "few cases" in str(agent["note"])
    one = TABLES["members"](ReportScope(team_ids=(world.it.pk,), assignee_id=world.it_agent.pk), WEEK, clock())
    assert one.row_keys == [None, world.it_agent.pk]
    assert members_table(team_scorecards(team=world.it, members=[], period=WEEK, now=clock())).row_keys == [None]


def test_the_member_trend_counts_the_week_of_the_work(world, file_ticket, clock, standard, settings):
    build_week(world, file_ticket, clock, settings)

    weeks = member_trend(team=world.it, member=world.it_agent, last=WEEK.last)

    assert len(weeks) == 12 and weeks[-1]["start"] == WEEK.first
    assert weeks[-1]["sla"]["first_response"] == {"met": 1, "decided": 2, "compliance": 0.5}
    assert all(week["sla"]["first_response"]["decided"] == 0 for week in weeks[:-1])
    lead_weeks = member_trend(team=world.it, member=world.it_lead, last=WEEK.last)
    assert lead_weeks[-1]["sla"]["first_response"]["decided"] == 0
