"""The one statement of the deadline scanner that the ORM cannot say.

Each escalation step must be recorded exactly once however many scanners run: the unique
constraint on (clock, step) guarantees it, and the scanner needs to know which of the steps
it tried *this* call really recorded, so that it notifies and acts on those and no others.
That is `INSERT … ON CONFLICT DO NOTHING RETURNING`; `bulk_create(ignore_conflicts=True)`
inserts the same rows but cannot say which ones it inserted. Plain parameters, names from
the model's documented `_meta` API; PostgreSQL and SQLite (≥ 3.35) both run it.
"""

import datetime as dt

from django.db import connection

from .models import Escalation

EscalationRow = tuple[int, str, int | None, dt.datetime, dt.datetime]  # clock, step, level, due_at, recorded_at

_COLUMNS = ("clock", "step", "level", "due_at", "recorded_at")


def escalations_record(rows: list[EscalationRow]) -> set[tuple[int, str]]:
    """Insert the steps not yet recorded; the (clock id, step) of those this call inserted."""
    if not rows:
        return set()
    meta = Escalation._meta
    columns = ", ".join(meta.get_field(name).column for name in _COLUMNS)
    values = ", ".join(["(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"] * len(rows))
    clock, step = meta.get_field("clock").column, meta.get_field("step").column
    sql = (f"INSERT INTO {meta.db_table} ({columns}) VALUES {values} "  # noqa: S608 (names from the model)
           f"ON CONFLICT DO NOTHING RETURNING {clock}, {step}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])
        return {(clock_id, step_name) for clock_id, step_name in cursor.fetchall()}
