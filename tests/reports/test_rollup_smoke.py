"""The rollup folds a filed, answered and resolved ticket into its day, and folding twice
changes nothing."""

import datetime as dt

from reports import definitions as d
from reports.models import OutcomeRollup, TicketRollup
from reports.rollup import rollup_pending
from reports.selectors import ReportScope, report_summary
from tests.sla.outcome_drivers import MINUTE, T0, fresh
from tickets import services
from tickets.constants import Status


def test_a_resolved_ticket_is_counted_once_in_its_day(world, file_ticket, clock, standard, settings):
    settings.REPORT_TIME_ZONE = "Asia/Shanghai"
    ticket = file_ticket()
    clock.set(T0 + 10 * MINUTE)
    services.comment_create(ticket=fresh(ticket), author=world.it_agent, body="Try again")
    clock.set(T0 + 30 * MINUTE)
    services.ticket_transition(ticket=fresh(ticket), to=Status.RESOLVED, actor=world.it_agent)
    clock.set(T0 + 60 * MINUTE)
    rollup_pending()
    rollup_pending(now=T0 + 70 * MINUTE)
    day = d.local_day(T0, d.ZoneInfo("Asia/Shanghai"))
    summary = report_summary(scope=ReportScope(team_ids=(world.it.pk,)), period=d.Period(day, day))
    assert summary["created"] == 1 and summary["resolved"] == 1 and summary["first_contact"]["count"] == 1
    fr = summary["sla"]["first_response"]
    assert (fr["met"], fr["decided"]) == (1, 1)
    assert fr["p50_business_seconds"] == 600
    assert summary["sla"]["resolution"]["p90_wall_seconds"] == 1800
    assert TicketRollup.objects.count() == 1 and OutcomeRollup.objects.count() == 2
    assert summary["backlog"]["total"] == 0
    other = report_summary(scope=ReportScope(team_ids=(world.it.pk,)), period=d.Period(day + dt.timedelta(days=1),
                                                                                         day + dt.timedelta(days=1)))
    assert other["created"] == 0 and other["sla"]["first_response"]["compliance"] is None


def test_every_table_builds_from_the_rollups(world, file_ticket, clock, standard, settings):
    from reports.tables import TABLES

    settings.REPORT_TIME_ZONE = "UTC"
    ticket = file_ticket()
    clock.set(T0 + 10 * MINUTE)
    services.comment_create(ticket=fresh(ticket), author=world.it_agent, body="Try again")
    rollup_pending()
    day = T0.date()
    for key, build in TABLES.items():
        table = build(ReportScope(team_ids=(world.it.pk,)), d.Period(day, day), T0)
        assert all(len(row) == len(table.columns) for row in table.rows), key
    by_service = TABLES["by_service_item"](ReportScope(team_ids=(world.it.pk,)), d.Period(day, day), T0)
    assert by_service.row_keys == [world.laptop.pk]
    assert by_service.rows[0][1] == 1  # created
