"""With a read replica configured, the report reads go there and the writes stay on the
primary; without it everything reads the primary. The "replica" alias of the test settings
is a test mirror of the test database (the same rows once committed: these tests commit)."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from reports.models import OutcomeRollup, TicketRollup
from reports.rollup import rollup_pending
from servicedesk.db_router import reports_reading
from tests.api.conftest import token_client
from tests.sla.outcome_drivers import MINUTE, T0, fresh
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def answered_ticket(world, file_ticket, clock, standard, settings):
    settings.REPORT_TIME_ZONE = "UTC"
    ticket = file_ticket()
    clock.set(T0 + 10 * MINUTE)
    services.comment_create(ticket=fresh(ticket), author=world.it_agent, body="On it")
    return ticket


def _tables(queries) -> str:
    return " ".join(query["sql"] for query in queries)


def test_the_summary_api_reads_the_replica(world, answered_ticket, settings):
    settings.REPORTS_READ_REPLICA = True
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        rollup_pending()
    assert on_replica.captured_queries == []  # the rollup writes (and locks) on the primary
    assert TicketRollup.objects.using("default").count() == 1

    with CaptureQueriesContext(connections["replica"]) as on_replica, \
            CaptureQueriesContext(connections["default"]) as on_primary:
        response = token_client(world, "it_lead").get("/api/v1/reports/summary/",
                                                      {"team": world.it.pk, "from": "2026-09-24", "to": "2026-09-24"})

    assert response.status_code == 200 and response.json()["created"] == 1
    replica_sql, primary_sql = _tables(on_replica.captured_queries), _tables(on_primary.captured_queries)
    # A team's summary reads the report totals (reports.totals), the team's grain.
    for table in ("reports_tickettotal", "reports_outcometotal", "reports_surveytotal",
                  "reports_rollupstate", "tickets_ticket", "feedback_feedback"):
        assert table in replica_sql, table
        assert table not in primary_sql, table
    assert "reports_" not in primary_sql


def test_outside_a_report_the_raw_reads_stay_on_the_primary(world, answered_ticket, settings):
    settings.REPORTS_READ_REPLICA = True
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        Ticket.objects.count()
        OutcomeRollup.objects.count()  # a rollup model: only reports read them
        with reports_reading():
            Ticket.objects.count()
        services.comment_create(ticket=fresh(answered_ticket), author=world.it_agent, body="More")

    sql = [query["sql"] for query in on_replica.captured_queries]
    assert len(sql) == 2 and "reports_outcomerollup" in sql[0] and "tickets_ticket" in sql[1]


def test_without_a_replica_everything_reads_the_primary(world, answered_ticket, settings):
    settings.REPORTS_READ_REPLICA = False
    rollup_pending()
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = token_client(world, "admin").get("/api/v1/reports/summary/", {"from": "2026-09-24"})

    assert response.status_code == 200 and response.json()["created"] == 1
    assert on_replica.captured_queries == []


@pytest.mark.parametrize("replica", [None, "postgres://reader@replica.example.com:5432/servicedesk"])
def test_production_settings_add_the_replica_only_when_configured(replica):
    from tests.servicedesk.test_production_settings import settings_of

    found = settings_of("DATABASES", "REPORTS_READ_REPLICA", "DATABASE_ROUTERS", DATABASE_REPLICA_URL=replica)

    assert found["DATABASE_ROUTERS"] == ["servicedesk.db_router.ReportsReplicaRouter"]
    assert found["REPORTS_READ_REPLICA"] is bool(replica)
    if replica:
        assert (found["DATABASES"]["replica"]["HOST"], found["DATABASES"]["replica"]["USER"]) == (
            "replica.example.com", "reader")
    else:
        assert set(found["DATABASES"]) == {"default"}
