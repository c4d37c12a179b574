"""`feedback_counts`: feedback by kind and status, per team and period, for the reports."""

import datetime as dt

from feedback.models import Feedback
from feedback.selectors import feedback_counts

from .conftest import NOW


def test_counts_by_kind_and_status_per_team_within_the_period(world, send, clock):
    clock.at = NOW - dt.timedelta(days=40)
    send(world.bob, world.it, kind="complaint")  # before the period
    clock.at = NOW - dt.timedelta(days=10)
    send(world.bob, world.it, kind="complaint")
    praise = send(world.alice, world.it, kind="praise")
    send(world.bob, world.hr, kind="suggestion")
    clock.at = NOW
    send(world.bob, world.it, kind="praise")  # at the period's end: not in it
    Feedback.objects.filter(pk=praise.pk).update(status="acted_on")

    counts = feedback_counts(start=NOW - dt.timedelta(days=30), end=NOW)

    assert set(counts) == {world.it.pk, world.hr.pk}
    it = counts[world.it.pk]
    assert it["total"] == 2
    assert it["kind"] == {"suggestion": 0, "complaint": 1, "praise": 1}
    assert it["status"] == {"new": 1, "acknowledged": 0, "acted_on": 1, "declined": 0}
    assert it["kind_status"]["praise"]["acted_on"] == 1 and it["kind_status"]["complaint"]["new"] == 1
    assert counts[world.hr.pk]["kind"]["suggestion"] == 1


def test_a_team_asked_for_without_feedback_has_zeros(world, send):
    send(world.bob, world.it)

    counts = feedback_counts(team_ids=[world.hr.pk])

    assert counts == {world.hr.pk: {
        "total": 0, "kind": {"suggestion": 0, "complaint": 0, "praise": 0},
        "status": {"new": 0, "acknowledged": 0, "acted_on": 0, "declined": 0},
        "kind_status": {k: {"new": 0, "acknowledged": 0, "acted_on": 0, "declined": 0}
                        for k in ("suggestion", "complaint", "praise")}}}
