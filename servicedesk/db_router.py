"""Where report reads go: the read replica when one is configured, the primary otherwise.

With `DATABASE_REPLICA_URL` set, the settings add a database alias "replica" and set
`REPORTS_READ_REPLICA`. Then:

- the rollup models (app "reports": the daily rollups and their bookkeeping) are always
  read from the replica — they are only ever read by reports; the rollup that writes them
  reads its bookkeeping row with SELECT … FOR UPDATE, which Django sends to the primary;
- every other read goes to the replica while `reports_reading()` is active: the report
  pages, the report API and the export tasks wrap their work in it, so that the raw reads
  they make (the backlog, the feedback counts, the rows of an export) leave the primary alone;
- writes always go to the primary, and so does every read outside `reports_reading()`.

A replica lags its primary by a moment: reports say up to when they are complete (`as_of`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
REPORT_APPS = frozenset({"reports"})

_reading: ContextVar[bool] = ContextVar("reports_reading", default=False)


@contextlib.contextmanager
def reports_reading() -> Iterator[None]:
    """Inside: the reads are a report's, and may go to the replica (a context variable, so
    each request, thread and task has its own)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def replica_in_use() -> bool:
    return bool(getattr(settings, "REPORTS_READ_REPLICA", False)) and REPLICA in settings.DATABASES


class ReportsReplicaRouter:
    """The database router (settings.DATABASE_ROUTERS)."""

    def db_for_read(self, model, **hints) -> str | None:
        if not replica_in_use():
            return None
        if model._meta.app_label in REPORT_APPS or _reading.get():
            return REPLICA
        return None

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # One database seen through two connections: rows read from either relate.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        # The replica copies the primary's schema; migrations run on the primary only.
        return db != REPLICA
