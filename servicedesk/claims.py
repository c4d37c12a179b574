"""Claims on rows that a worker must deliver once: the email and in-app outbox
(`notifications`) and the webhook deliveries (`webhooks`).

A worker takes due rows with `SELECT … FOR UPDATE SKIP LOCKED` and pushes their
`next_attempt_at` to the end of its claim in one short transaction, then delivers with
no lock held. While the claim runs, the rows are not due, so no other worker takes them;
a worker that dies leaves them to come due again when the claim runs out. A live worker
records each result only while the row is still its own (`next_attempt_at` still equal
to the claim's end, `Claim.held`), and stops taking rows from its claim before too
little of it is left to deliver one (`Claim.take`), giving the rest back at once.
"""

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction


@dataclass
class Claim:
    """Rows claimed until `until`; `now` is the caller's clock (tests pin it)."""

    model: type[models.Model]
    rows: list[Any]
    now: dt.datetime
    until: dt.datetime
    _started: float = field(default_factory=time.monotonic)

    def left(self) -> dt.timedelta:
        """How much of the claim is left, on the caller's clock."""
        return self.until - self.now - dt.timedelta(seconds=time.monotonic() - self._started)

    def held(self, row: Any) -> models.QuerySet:
        """The row, only while this claim still holds it: update through this."""
        return self.model._default_manager.filter(pk=row.pk, next_attempt_at=self.until)

    def take(self, bound: dt.timedelta) -> Iterator[Any]:
        """The claimed rows one by one, while at least `bound` (the longest one delivery
        may take) is left of the claim; the rest are given back, due at once."""
        for index, row in enumerate(self.rows):
            if self.left() < bound:
                rest = [r.pk for r in self.rows[index:]]
                self.model._default_manager.filter(pk__in=rest, next_attempt_at=self.until).update(
                    next_attempt_at=self.now)
                return
            yield row


def claim_due(queryset: models.QuerySet, *, now: dt.datetime, lease: dt.timedelta, batch_size: int) -> Claim:
    """Claim up to `batch_size` rows of `queryset` (filtered to what may be delivered)
    that are due at `now` and that no other worker is claiming, oldest due first, until
    `now + lease`; committed before it returns."""
    until = now + lease
    with transaction.atomic():
        rows = list(
            queryset.select_for_update(skip_locked=True, of=("self",))
            .filter(next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")[:batch_size]
        )
        if rows:
            queryset.model._default_manager.filter(pk__in=[row.pk for row in rows]).update(next_attempt_at=until)
        for row in rows:
            row.next_attempt_at = until
    return Claim(model=queryset.model, rows=rows, now=now, until=until)
