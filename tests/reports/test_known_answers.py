"""Known answers: the week of tests/reports/known_answers.py (read its docstring first: the
tickets A–H and what happened to them), rolled up, and every figure of `report_summary` and
of the summary API against the numbers worked out by hand below.

Percentiles are nearest-rank (rank ceil(p × n) of the sorted durations) and given as the
upper edge of the histogram bucket holding that value (reports.definitions.bucket_bounds):
300 → 300, 600 → 600, 1200 → 1200, 3600 → 3600, 4200 → (4020, 4500], 5400 → (5040, 5640],
6000 → (5640, 6360], 9000 → (8940, 9960], 12000 → (11160, 12540].
"""

import pytest

from reports.rollup import rollup_pending
from reports.selectors import ReportScope, report_breakdown, report_summary
from tests.reports.known_answers import NOW, WEEK, ZONE, seed_known_week

AGES = ("0-1", "2-3", "4-7", "8-14", "15-30", "30+")


def _ages(**counts):
    return {key: counts.get(key.replace("-", "_").replace("+", "plus"), 0) for key in AGES}


def _sla(met, decided, timed, p50b, p90b, p50w, p90w):
    return {"met": met, "decided": decided, "compliance": met / decided if decided else None, "timed": timed,
            "p50_business_seconds": p50b, "p90_business_seconds": p90b,
            "p50_wall_seconds": p50w, "p90_wall_seconds": p90w}


def _kinds(**counts):
    return {"suggestion": counts.get("suggestion", 0), "complaint": counts.get("complaint", 0),
            "praise": counts.get("praise", 0)}


def _statuses(new):
    return {"new": new, "acknowledged": 0, "acted_on": 0, "declined": 0}


EXPECTED = {
    # Every team, every department (a service admin's view of the week).
    "all": {
        "created": 7,  # A B C D E (Mon), G (Thu), H (Sun); F was filed before the week
        "resolved": 6,  # A B C D E (Mon), D again (Wed)
        "reopened": 1,  # D (Wed, 2 days after its resolution); F's reopen came 11 days after
        "first_contact": {"count": 2, "resolved": 6, "rate": 2 / 6},  # A and E: one reply, never reopened
        "sla": {
            # A 600 met, B 1200 met, C 900 met, D 300 met, E 5400 breached (done late), H 300 met.
            # Sorted 300 300 600 900 1200 5400: p50 = rank 3 = 600; p90 = rank 6 = 5400 → 5640.
            "first_response": _sla(5, 6, 6, 600, 5640, 600, 5640),
            # B 9000 breached, C 1200 met: p50 = rank 1 = 1200; p90 = rank 2 = 9000 → 9960.
            "next_response": _sla(1, 2, 2, 1200, 9960, 1200, 9960),
            # Business: A 1800, B 12000, C 6000 (paused an hour), D#1 600, D#2 4200 (the clock's
            # total), E 6000; sorted 600 1800 4200 6000 6000 12000: p50 rank 3 = 4200 → 4500,
            # p90 rank 6 = 12000 → 12540. Wall: 1800, 12000, 9600, 600, 3600, 6000; sorted
            # 600 1800 3600 6000 9600 12000: p50 rank 3 = 3600, p90 = 12000 → 12540.
            "resolution": _sla(6, 6, 6, 4500, 12540, 3600, 12540),
        },
        # Sent: A B C D#1 E (Mon), D#2 (Wed) = 6; answered A 5, B 3, C 4.
        "satisfaction": {"sent": 6, "responses": 3, "positive": 2, "positive_share": 2 / 3, "mean": 4.0,
                         "response_rate": 0.5},
        # Open now: F (17 days), G (4 days), H (1 day, waiting on the requester).
        "backlog": {"total": 3, "age": _ages(**{"0_1": 1, "4_7": 1, "15_30": 1})},
        # IT suggestion, HR praise, IT complaint in the week (the IT praise of the 16th is not).
        "feedback": {"total": 3, "kind": _kinds(suggestion=1, complaint=1, praise=1), "status": _statuses(3)},
    },
    # IT Support: A B C D G H.
    "it": {
        "created": 6,  # A B C D G H
        "resolved": 5,  # A B C D#1 D#2
        "reopened": 1,  # D
        "first_contact": {"count": 1, "resolved": 5, "rate": 1 / 5},  # A
        "sla": {
            # A 600, B 1200, C 900, D 300, H 300, all met; sorted 300 300 600 900 1200:
            # p50 rank 3 = 600, p90 rank 5 = 1200.
            "first_response": _sla(5, 5, 5, 600, 1200, 600, 1200),
            "next_response": _sla(1, 2, 2, 1200, 9960, 1200, 9960),  # B, C as for all
            # Business 600 1800 4200 6000 12000: p50 rank 3 = 4200 → 4500, p90 rank 5 = 12000 → 12540.
            # Wall 600 1800 3600 9600 12000: p50 3600, p90 12540.
            "resolution": _sla(5, 5, 5, 4500, 12540, 3600, 12540),
        },
        # Sent A B C D#1 D#2; answered A B C.
        "satisfaction": {"sent": 5, "responses": 3, "positive": 2, "positive_share": 2 / 3, "mean": 4.0,
                         "response_rate": 0.6},
        "backlog": {"total": 2, "age": _ages(**{"0_1": 1, "4_7": 1})},  # H, G
        "feedback": {"total": 2, "kind": _kinds(suggestion=1, complaint=1), "status": _statuses(2)},
    },
    # HR Services: E (and F, filed and resolved before the week).
    "hr": {
        "created": 1,  # E
        "resolved": 1,  # E
        "reopened": 0,  # F's reopen came 11 days after its resolution
        "first_contact": {"count": 1, "resolved": 1, "rate": 1.0},  # E
        "sla": {
            "first_response": _sla(0, 1, 1, 5640, 5640, 5640, 5640),  # E breached, done at 5400
            "next_response": _sla(0, 0, 0, None, None, None, None),
            "resolution": _sla(1, 1, 1, 6360, 6360, 6360, 6360),  # E 6000 → (5640, 6360]
        },
        "satisfaction": {"sent": 1, "responses": 0, "positive": 0, "positive_share": None, "mean": None,
                         "response_rate": 0.0},  # E's survey, unanswered
        "backlog": {"total": 1, "age": _ages(**{"15_30": 1})},  # F
        "feedback": {"total": 1, "kind": _kinds(praise=1), "status": _statuses(1)},
    },
    # The Finance department (bob's tickets, every team): B D H, and F.
    "finance": {
        "created": 3,  # B D H
        "resolved": 3,  # B D#1 D#2
        "reopened": 1,  # D
        "first_contact": {"count": 0, "resolved": 3, "rate": 0.0},  # B two replies, D reopened
        "sla": {
            # B 1200, D 300, H 300: p50 rank 2 = 300, p90 rank 3 = 1200.
            "first_response": _sla(3, 3, 3, 300, 1200, 300, 1200),
            "next_response": _sla(0, 1, 1, 9960, 9960, 9960, 9960),  # B, breached at 9000
            # Business B 12000, D#1 600, D#2 4200: p50 rank 2 = 4200 → 4500, p90 → 12540.
            # Wall 12000, 600, 3600: p50 3600, p90 12540.
            "resolution": _sla(3, 3, 3, 4500, 12540, 3600, 12540),
        },
        # Sent B D#1 D#2; answered B with 3.
        "satisfaction": {"sent": 3, "responses": 1, "positive": 0, "positive_share": 0.0, "mean": 3.0,
                         "response_rate": 1 / 3},
        "backlog": {"total": 2, "age": _ages(**{"0_1": 1, "15_30": 1})},  # H, F
        "feedback": None,  # feedback is about a team, not a department
    },
}


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
