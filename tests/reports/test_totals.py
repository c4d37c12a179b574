"""The report totals (reports.totals: the rollups summed per grain) give the same figures as the
rollups they are summed from, for every scope and breakdown that reads them; they follow the
rollups through incremental runs, late rows, a second run and a database rolled up before they
existed. The rollups themselves are checked against the raw rows in test_rollup_vs_raw.py
(whose world this reuses)."""

import datetime as dt

import pytest

from reports import selectors
from reports.models import Grain, OutcomeRollup, OutcomeTotal, SurveyTotal, TicketTotal
from reports.rollup import rollup_pending
from reports.selectors import (
    BREAKDOWNS,
    ReportScope,
    grain_for,
    report_breakdown,
    report_quarters,
    report_summary,
    report_trend,
)
from sla.models import SLAOutcome
from tests.reports.test_rollup_vs_raw import END, FIRST_DAY, PERIODS, random_world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_the_coarsest_grain_that_answers_is_chosen():
    assert grain_for(ReportScope(team_ids=(1,))) == Grain.TEAM
    assert grain_for(ReportScope(department_id=3)) == Grain.DEPARTMENT
    assert grain_for(ReportScope()) == Grain.TEAM
    assert grain_for(ReportScope(team_ids=(1,)), "department_id") == Grain.TEAM_DEPARTMENT
    assert grain_for(ReportScope(team_ids=(1,)), "service_item_id") == Grain.TEAM_SERVICE_ITEM
    assert grain_for(ReportScope(team_ids=(1,), category_id=2)) == Grain.TEAM_SERVICE_ITEM
    assert grain_for(ReportScope(team_ids=(1,)), "priority") == Grain.TEAM_PRIORITY
    assert grain_for(ReportScope(department_id=3), "team_id") == Grain.TEAM_DEPARTMENT
    assert grain_for(ReportScope(department_id=3), "service_item_id") == Grain.DEPARTMENT_SERVICE_ITEM
    assert grain_for(ReportScope(department_id=3, priority="P1")) == Grain.DEPARTMENT_PRIORITY
    # nothing keeps an assignee or three dimensions: the rollups answer
    assert grain_for(ReportScope(team_ids=(1,), assignee_id=5)) is None
    assert grain_for(ReportScope(team_ids=(1,)), "assignee_id") is None
    assert grain_for(ReportScope(team_ids=(1,), department_id=3), "priority") is None
    assert grain_for(ReportScope(department_id=3, service_item_id=4), "priority") is None
    assert grain_for(ReportScope(team_ids=(1,), service_item_id=4, priority="P2")) is None


def _from_rollups(monkeypatch, read):
    """`read()` with every report reading the rollups, not the totals."""
    with monkeypatch.context() as patch:
        patch.setattr(selectors, "grain_for", lambda scope, by=None: None)
        return read()


def _scopes(world) -> dict[str, ReportScope]:
    return {
        "all": ReportScope(),
        "team": ReportScope(team_ids=(world.it.pk,)),
        "teams": ReportScope(team_ids=(world.it.pk, world.hr.pk)),
        "department": ReportScope(department_id=world.finance.pk),
        "team and department": ReportScope(team_ids=(world.it.pk,), department_id=world.finance.pk),
        "team and service item": ReportScope(team_ids=(world.it.pk,), service_item_id=world.laptop.pk),
        "department and category": ReportScope(department_id=world.finance.pk, category_id=world.monitor.category_id),
        "team and priority": ReportScope(team_ids=(world.it.pk,), priority="P2"),
        "department and priority": ReportScope(department_id=world.finance.pk, priority="P3"),
    }


def _everything(world) -> dict:
    out = {}
    for name, scope in _scopes(world).items():
        for period in PERIODS:
            summary = report_summary(scope=scope, period=period, with_backlog=False, with_feedback=False,
                                     with_knowledge=False)
            summary.pop("as_of")
            out[(name, period, "summary")] = summary
            for by in BREAKDOWNS:
                out[(name, period, by)] = report_breakdown(scope=scope, period=period, by=by)
        out[(name, "trend")] = report_trend(scope=scope, last=PERIODS[0].last, weeks=4)
        out[(name, "quarters")] = report_quarters(scope=scope, last=PERIODS[0].last, quarters=2)
    return out


def _assert_same(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    for key in want:
        assert got[key] == want[key], key


def test_the_totals_give_the_figures_of_the_rollups(random_world, monkeypatch):  # noqa: F811 - the imported fixture
    world = random_world
    used = {grain_for(scope, by) for scope in _scopes(world).values() for by in (None, *BREAKDOWNS)}
    assert used == {*Grain, None}  # every grain is read here, and the rollups for the rest
    from_totals = _everything(world)
    # the data means something: the team's week has outcomes with durations
    week = from_totals[("team", PERIODS[0], "summary")]
    assert week["sla"]["first_response"]["timed"] > 10 and week["sla"]["resolution"]["p90_business_seconds"]
    _assert_same(from_totals, _from_rollups(monkeypatch, lambda: _everything(world)))


def _table(model) -> list[tuple]:
    fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
    return sorted(model.objects.values_list(*fields), key=repr)


def test_the_totals_follow_a_late_outcome_and_a_second_run_changes_nothing(random_world, monkeypatch, clock):  # noqa: F811 - the imported fixture
    world = random_world
    scope, period = ReportScope(team_ids=(world.it.pk,)), PERIODS[0]
    before = report_summary(scope=scope, period=period)["sla"]["first_response"]
    # an outcome written now for a cycle decided on the third day
    late = SLAOutcome.objects.in_force().filter(kind="first_response", team=world.it,
                                                decided_at__date__gte=FIRST_DAY + dt.timedelta(days=2)).first()
    later = END + dt.timedelta(hours=1)
    clock.set(later)
    late.pk = None
    late.cycle = 900
    late.met = False
    late.business_seconds, late.wall_seconds = 7 * 3600, 9 * 3600
    late.written_at = later
    late.save()
    rollup_pending(now=later)
    after = report_summary(scope=scope, period=period)["sla"]["first_response"]
    assert (after["decided"], after["met"], after["timed"]) == (before["decided"] + 1, before["met"],
                                                                before["timed"] + 1)
    _assert_same(_everything(world), _from_rollups(monkeypatch, lambda: _everything(world)))

    tables = {model: _table(model) for model in (TicketTotal, OutcomeTotal, SurveyTotal)}
    rollup_pending(now=later + dt.timedelta(minutes=5))
    assert {model: _table(model) for model in tables} == tables


@pytest.mark.parametrize("missing", [None, Grain.DEPARTMENT_PRIORITY], ids=["every grain", "one grain"])
def test_a_database_rolled_up_before_the_totals_gets_them_on_the_next_run(random_world, monkeypatch, missing):  # noqa: F811 - the imported fixture
    """Rolled up before the totals existed, or before one of their grains did."""
    world = random_world
    want = _everything(world)
    counts = (TicketTotal.objects.count(), OutcomeTotal.objects.count(), SurveyTotal.objects.count())
    assert all(counts)
    for model in (TicketTotal, OutcomeTotal, SurveyTotal):
        (model.objects.all() if missing is None else model.objects.filter(grain=missing)).delete()
    assert OutcomeRollup.objects.exists()
    rollup_pending(now=END + dt.timedelta(minutes=10))
    assert (TicketTotal.objects.count(), OutcomeTotal.objects.count(), SurveyTotal.objects.count()) == counts
    _assert_same(_everything(world), want)


def test_a_breakdown_reads_only_the_histograms_it_is_asked_for(random_world, monkeypatch):  # noqa: F811 - the imported fixture
    from reports.tables import BREAKDOWN_HISTOGRAMS

    scope, period = ReportScope(team_ids=(random_world.it.pk,)), PERIODS[0]
    for read in (lambda **kw: report_breakdown(**kw),
                 lambda **kw: _from_rollups(monkeypatch, lambda: report_breakdown(**kw))):
        for by in ("service_item_id", "assignee_id"):
            full = read(scope=scope, period=period, by=by)
            some = read(scope=scope, period=period, by=by, histograms=BREAKDOWN_HISTOGRAMS)
            assert some.keys() == full.keys()
            assert any(f["sla"]["first_response"]["p50_business_seconds"] for f in full.values())
            for key, figures in full.items():
                got, want = some[key]["sla"], figures["sla"]
                assert got["first_response"]["p50_business_seconds"] == want["first_response"]["p50_business_seconds"]
                assert (got["resolution"]["met"], got["resolution"]["decided"]) == (
                    want["resolution"]["met"], want["resolution"]["decided"])
                assert got["resolution"]["p90_business_seconds"] is None
                assert got["first_response"]["p50_wall_seconds"] is None
