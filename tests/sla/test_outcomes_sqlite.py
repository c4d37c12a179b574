"""SLA outcomes on the embedded SQLite default: the scanner's breach rows (written from the
clocks in memory there, `bulk_create(ignore_conflicts=True)`), the met rows, and the backfill
migration on a database that holds decided clocks. A copy of the project migrated on a SQLite
file, as tests/test_embedded_default.py does."""

from tests import test_embedded_default as embedded

project = embedded.project  # the fixture: a copy of the project, no server settings

SCRIPT = """
import datetime as dt, importlib
from django.apps import apps
from django.utils import timezone
from sla.models import SLAOutcome
from sla.scanner import sla_scan
from teams.models import Membership, Team, User
from tests.factories import CalendarFactory, ServiceStandardFactory
from tickets import services
from tickets.models import ServiceCategory, ServiceItem, Ticket

team = Team.objects.create(name="IT", slug="it")
agent = User.objects.create(username="agent")
Membership.objects.create(user=agent, team=team)
alice = User.objects.create(username="alice")
item = ServiceItem.objects.create(name="Laptop", category=ServiceCategory.objects.create(name="Hardware"), team=team)
ServiceStandardFactory(team=team, calendar=CalendarFactory(), first_response_minutes=60, resolution_minutes=480)
met = services.ticket_create(requester=alice, service_item=item, title="met", description="", fields={})
late = services.ticket_create(requester=alice, service_item=item, title="late", description="", fields={})
services.comment_create(ticket=met, author=agent, body="On it")
sla_scan(now=timezone.now() + dt.timedelta(minutes=61))
def rows():
    return sorted((o.ticket.title, o.kind, o.met, o.stopped_at is None) for o in SLAOutcome.objects.all())
print("live", rows())
SLAOutcome.objects.all().delete()
importlib.import_module("sla.migrations.0012_backfill_outcomes").backfill_outcomes(apps, None, batch_size=1)
print("backfilled", rows())
"""


def test_on_sqlite_outcomes_are_written_and_backfilled(project):
    copy, _env = project
    (copy / "outcomes_check.py").write_text(SCRIPT)
    migrate = embedded.manage(project, "migrate", "--noinput")
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr

    result = embedded.manage(project, "shell", "-c", "exec(open('outcomes_check.py').read())", timeout=120)

    assert result.returncode == 0, result.stderr
    expected = str([("late", "first_response", False, True), ("met", "first_response", True, False)])
    assert result.stdout.strip().splitlines()[-2:] == [f"live {expected}", f"backfilled {expected}"]
