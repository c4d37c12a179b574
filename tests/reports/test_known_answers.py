"""Known answers: the week of tests/reports/known_answers.py (read its docstring first: the
tickets A–H and what happened to them), rolled up, and every figure of `report_summary`, of
its breakdowns and of the summary API (tests/reports/test_summary_api.py) against the numbers
worked out by hand: `EXPECTED` in known_answers.py, each with a comment how it was counted.
"""

import pytest

from reports.rollup import rollup_pending
from reports.selectors import ReportScope, report_breakdown, report_summary
from tests.reports.known_answers import EXPECTED, NOW, WEEK, ZONE, seed_known_week


@pytest.fixture
def known_week(world, clock, settings):
    settings.REPORT_TIME_ZONE = ZONE
    tickets = seed_known_week(world, clock)
    rollup_pending(now=NOW)
    return tickets


def _scopes(world):
    return {"all": ReportScope(), "it": ReportScope(team_ids=(world.it.pk,)),
            "hr": ReportScope(team_ids=(world.hr.pk,)), "finance": ReportScope(department_id=world.finance.pk)}


def _figures(summary: dict) -> dict:
    return {key: summary[key] for key in EXPECTED["all"]}


@pytest.mark.parametrize("scope", list(EXPECTED))
def test_every_figure_of_the_summary_matches_the_hand_count(scope, world, known_week):
    summary = report_summary(scope=_scopes(world)[scope], period=WEEK, now=NOW)

    assert _figures(summary) == EXPECTED[scope]
    assert summary["as_of"] == NOW
    assert summary["period"] == {"from": WEEK.first, "to": WEEK.last, "time_zone": ZONE}


@pytest.mark.parametrize(("by", "value", "scope"), [("team_id", "it", "it"), ("team_id", "hr", "hr"),
                                                    ("department_id", "finance", "finance")])
def test_the_breakdowns_give_each_value_its_hand_count(by, value, scope, world, known_week):
    breakdown = report_breakdown(scope=ReportScope(), period=WEEK, by=by)
    figures, expected = breakdown[getattr(world, value).pk], EXPECTED[scope]

    assert (figures["created"], figures["resolved"], figures["reopened"], figures["first_contact"]) == (
        expected["created"], expected["resolved"], expected["reopened"], expected["first_contact"]["count"])
    assert figures["sla"] == expected["sla"]
    assert figures["satisfaction"] == expected["satisfaction"]
