"""`manage.py reports_rebuild`: everything, or a range of days, again from the raw rows; bad
input exits non-zero with one line."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from reports.models import OutcomeRollup, TicketRollup
from reports.rollup import rollup_pending
from tests.reports.known_answers import NOW, WEEK, ZONE, seed_known_week
from tests.reports.test_rollup_days import rollup_rows

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def known_week(world, clock, settings):
    settings.REPORT_TIME_ZONE = ZONE
    seed_known_week(world, clock)
    rollup_pending(now=NOW)


def test_a_full_rebuild_restores_every_row(known_week):
    rows = rollup_rows()
    TicketRollup.objects.all().delete()
    OutcomeRollup.objects.filter(kind="resolution").update(met=0)
    out = StringIO()

    call_command("reports_rebuild", stdout=out)

    assert rollup_rows() == rows
    assert "Rebuilt every report day" in out.getvalue() and ZONE in out.getvalue()


def test_a_range_rebuilds_those_days_only(known_week):
    rows = rollup_rows()
    TicketRollup.objects.filter(day=WEEK.first).delete()
    TicketRollup.objects.filter(day=WEEK.last).update(created=99)

    call_command("reports_rebuild", "--from", str(WEEK.first), "--to", str(WEEK.first), stdout=StringIO())

    assert TicketRollup.objects.filter(day=WEEK.first).exists()
    assert list(TicketRollup.objects.filter(day=WEEK.last).values_list("created", flat=True)) == [99]
    call_command("reports_rebuild", "--from", str(WEEK.first), "--to", str(WEEK.last), stdout=StringIO())
    assert rollup_rows() == rows


@pytest.mark.parametrize("args", [
    ["--from", "2026-13-01", "--to", "2026-12-31"],
    ["--from", "2026-09-01", "--to", "tomorrow"],
    ["--from", "2026-09-10", "--to", "2026-09-01"],
    ["--from", "2026-09-01"],
    ["--from", "1900-01-01", "--to", "2026-01-01"],
])
def test_bad_input_exits_non_zero_with_one_line(args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "servicedesk.settings.test"}
    done = subprocess.run([sys.executable, "manage.py", "reports_rebuild", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)

    assert done.returncode != 0
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stdout == ""
