"""The statements of the deadline scanner that the ORM cannot say, or not fast enough.

- Each escalation step must be recorded exactly once however many scanners run: the unique
  constraint on (clock, step) guarantees it, and the scanner needs to know which of the
  steps it tried *this* call really recorded, so that it notifies and acts on those and no
  others. That is `INSERT … ON CONFLICT DO NOTHING RETURNING`; `bulk_create(
  ignore_conflicts=True)` inserts the same rows but cannot say which ones it inserted.
- A batch of 500 clocks gets its new schedule in one `UPDATE … FROM (VALUES …)`.
  `bulk_update` says the same as one `CASE WHEN id = … THEN …` per field and row: building
  those expressions cost more than the rest of a scan cycle (3× fewer escalations a second
  in `bench/sla_scan.py`). PostgreSQL only; elsewhere (the embedded SQLite default)
  `bulk_update` runs.
- A batch's breached SLA outcomes are one `INSERT … SELECT` from the clocks, their tickets
  and standards, `ON CONFLICT DO NOTHING` (the one-original-per-cycle constraint): building
  500 model rows and their 11,500 parameters for `bulk_create` took as long as the rest of
  the batch's writes together (`bench/outcomes.py`). PostgreSQL only; elsewhere the caller
  uses `bulk_create(ignore_conflicts=True)`.

Plain parameters prepared by each field as the ORM would, names from the model's
documented `_meta` API, quoted by the connection.
"""

import datetime as dt

from django.db import connection
from django.utils import timezone

from .models import Escalation, ServiceStandard, SLAClock, SLAOutcome

EscalationRow = tuple[int, str, int | None, dt.datetime, dt.datetime]  # clock, step, level, due_at, recorded_at

_COLUMNS = ("clock", "step", "level", "due_at", "recorded_at")


def escalations_record(rows: list[EscalationRow]) -> set[tuple[int, str]]:
    """Insert the steps not yet recorded; the (clock id, step) of those this call inserted."""
    if not rows:
        return set()
    meta, quote = Escalation._meta, connection.ops.quote_name
    fields = [meta.get_field(name) for name in _COLUMNS]
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(rows))
    clock, step = quote(meta.get_field("clock").column), quote(meta.get_field("step").column)
    sql = (f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {values} "  # noqa: S608 (names from the model)
           f"ON CONFLICT DO NOTHING RETURNING {clock}, {step}")
    # Each value as the ORM would send it (SQLite stores datetimes in UTC, as it does elsewhere).
    params = [field.get_db_prep_value(value, connection) for row in rows for field, value in zip(fields, row,
                                                                                                 strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(clock_id, step_name) for clock_id, step_name in cursor.fetchall()}


def clocks_update(clocks: list[SLAClock], field_names: list[str]) -> None:
    """Write these fields of many clocks in one statement."""
    if not clocks:
        return
    if connection.vendor != "postgresql":
        SLAClock.objects.bulk_update(clocks, field_names)
        return
    meta, quote = SLAClock._meta, connection.ops.quote_name
    fields = [meta.pk, *(meta.get_field(name) for name in field_names)]
    row = "(" + ", ".join(f"%s::{field.rel_db_type(connection) if field is meta.pk else field.db_type(connection)}"
                          for field in fields) + ")"
    names = ", ".join(f"c{i}" for i in range(len(fields)))
    assignments = ", ".join(f"{quote(field.column)} = v.c{i}" for i, field in enumerate(fields) if i)
    sql = (f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "  # noqa: S608 (names from the model)
           f"FROM (VALUES {', '.join([row] * len(clocks))}) AS v({names}) WHERE t.{quote(meta.pk.column)} = v.c0")
    params = [field.get_db_prep_value(getattr(clock, field.attname), connection) for clock in clocks for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def outcomes_breached_insert(clock_ids: list[int], decided_at: dt.datetime) -> None:
    """Write the breached outcome of each clock's current cycle, as it stands in the clock,
    ticket and standard rows, unless the cycle has its original outcome already."""
    if not clock_ids:
        return
    quote = connection.ops.quote_name
    out, clock, standard = SLAOutcome._meta, SLAClock._meta, ServiceStandard._meta
    ticket = clock.get_field("ticket").related_model._meta

    def col(meta, name: str) -> str:
        return quote(meta.get_field(name).column)

    # outcome field ← expression over c (clock), t (ticket), s (standard)
    values = {
        "ticket": f"c.{col(clock, 'ticket')}", "kind": f"c.{col(clock, 'kind')}",
        "cycle": f"c.{col(clock, 'cycle')}", "standard": f"c.{col(clock, 'standard')}",
        "standard_version": f"s.{col(standard, 'version')}", "team": f"t.{col(ticket, 'team')}",
        "service_item": f"t.{col(ticket, 'service_item')}", "priority": f"t.{col(ticket, 'priority')}",
        "requester_department": f"t.{col(ticket, 'requester_department')}",
        "assignee": f"t.{col(ticket, 'assignee')}", "started_at": f"c.{col(clock, 'started_at')}",
        "due_at": f"c.{col(clock, 'due_at')}", "target_minutes": f"c.{col(clock, 'target_minutes')}",
        "met": "FALSE", "decided_at": "%s", "reason": "''", "written_at": "%s",
    }
    sql = (
        f"INSERT INTO {quote(out.db_table)} ({', '.join(col(out, name) for name in values)}) "  # noqa: S608
        f"SELECT {', '.join(values.values())} FROM {quote(clock.db_table)} c "
        f"JOIN {quote(ticket.db_table)} t ON t.{quote(ticket.pk.column)} = c.{col(clock, 'ticket')} "
        f"JOIN {quote(standard.db_table)} s ON s.{quote(standard.pk.column)} = c.{col(clock, 'standard')} "
        f"WHERE c.{quote(clock.pk.column)} = ANY(%s) ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [decided_at, timezone.now(), list(clock_ids)])
