"""Write the SLA outcomes of the clocks decided before outcomes were recorded.

A clock stopped met gets its met row; a clock stopped met late its breached row, complete;
a live clock recorded breached (or one breached and then stopped unfulfilled) its breached
row without completion. Only each clock's current cycle is known: earlier resolution cycles
of a reopened ticket left no trace on the clock, and such a clock's `started_at` is still
the filing time. Batched by clock id (a transaction per batch would need a non-atomic
migration; one transaction suffices for the sizes a desk has, the batches keep the memory
flat). Plain ORM and `bulk_create(ignore_conflicts=True)`: PostgreSQL and SQLite alike,
and running it twice writes nothing twice.

Self-contained on purpose (a migration must not follow later changes of `sla.outcomes`);
it computes the fields as `sla.outcomes.outcome_of` does.
"""

from django.db import migrations
from django.db.models import Q

BATCH_SIZE = 1000


def _seconds(value):
    return max(0, round(value))


def backfill_outcomes(apps, schema_editor, batch_size=BATCH_SIZE):
    SLAClock = apps.get_model("sla", "SLAClock")
    SLAOutcome = apps.get_model("sla", "SLAOutcome")
    decided = (Q(state="met", stopped_at__isnull=False) | Q(state="breached")
               | Q(state="stopped", breached_at__isnull=False))
    after = 0
    while True:
        clocks = list(SLAClock.objects.filter(decided, pk__gt=after).select_related("ticket", "standard")
                      .order_by("pk")[:batch_size])
        if not clocks:
            return
        rows = []
        for clock in clocks:
            ticket, met = clock.ticket, clock.state == "met"
            row = SLAOutcome(
                ticket_id=ticket.pk, kind=clock.kind, cycle=clock.cycle, standard_id=clock.standard_id,
                standard_version=clock.standard.version, team_id=ticket.team_id,
                service_item_id=ticket.service_item_id, priority=ticket.priority,
                requester_department_id=ticket.requester_department_id, assignee_id=ticket.assignee_id,
                started_at=clock.started_at, due_at=clock.due_at, target_minutes=clock.target_minutes, met=met,
                decided_at=clock.stopped_at if met else (clock.breached_at or clock.due_at or clock.stopped_at),
            )
            if clock.state in ("met", "breached") and clock.stopped_at is not None:
                business = _seconds(clock.consumed_seconds)
                row.stopped_at = clock.stopped_at
                row.business_seconds = business
                row.wall_seconds = _seconds((clock.stopped_at - clock.started_at).total_seconds())
                row.paused_seconds = _seconds(clock.paused_seconds)
                row.breached_by_seconds = 0 if met else max(0, business - clock.target_minutes * 60)
            rows.append(row)
        SLAOutcome.objects.bulk_create(rows, ignore_conflicts=True)
        after = clocks[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ("sla", "0011_outcomes"),
    ]

    operations = [
        migrations.RunPython(backfill_outcomes, migrations.RunPython.noop),
    ]
