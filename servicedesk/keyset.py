"""Keyset pages, the one implementation behind the queue page and the API.

A page is the rows after a *position*: the values of the ordering keys of the last row
seen, the last key unique (the primary key). `(a, b, id) > (x, y, z)` is written as
`a >= x AND (a > x OR (a = x AND (b > y OR (b = y AND id > z))))`, so PostgreSQL walks
the index from the position: page 1,000 costs what page 1 does, and ties on a coarse key
(`priority`) neither repeat nor skip rows. A cursor is that position as URL-safe base64
JSON; every value is parsed with its model field before it reaches a query, so a forged
or stale cursor is `InvalidCursor`, never a 500.

Ordering keys may name annotations (e.g. a `Coalesce` that sorts NULLs last); no key may
be NULL.
"""

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet

from servicedesk.limits import BIGINT_MAX


class InvalidCursor(ValueError):
    """A cursor that does not decode, or whose values do not fit the ordering."""


@dataclass(frozen=True)
class KeysetPage:
    rows: list[Any]
    next_cursor: str | None
    previous_cursor: str | None
    is_first: bool


def _keys(ordering: tuple[str, ...]) -> list[tuple[str, bool]]:
    return [(name.lstrip("-"), name.startswith("-")) for name in ordering]


def _field(queryset: QuerySet, name: str):
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return annotation.output_field
    if name == "pk":
        return queryset.model._meta.pk
    try:
        return queryset.model._meta.get_field(name)
    except FieldDoesNotExist:  # a programming error in the caller
        raise AssertionError(f"cannot page on {name!r}") from None


def encode_cursor(values: list[Any], ordering: tuple[str, ...], *, reverse: bool = False) -> str:
    """The position as a cursor, bound to its ordering: a cursor of another sort is
    refused (InvalidCursor), not read as a position it does not mean."""
    plain = [v.isoformat() if isinstance(v, dt.datetime | dt.date) else v for v in values]
    raw = json.dumps({"o": ",".join(ordering), "v": plain, "r": int(reverse)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str, ordering: tuple[str, ...], queryset: QuerySet) -> tuple[list[Any], bool]:
    """The position and direction of a cursor for this ordering; InvalidCursor when it
    does not decode or a value does not parse as its key's field."""
    keys = _keys(ordering)
    if len(token) > 1000:
        raise InvalidCursor(token[:20])
    try:
        data = json.loads(base64.urlsafe_b64decode((token + "=" * (-len(token) % 4)).encode("ascii")).decode())
        raw_values, reverse = data["v"], bool(data.get("r", 0))
        if data["o"] != ",".join(ordering):
            raise InvalidCursor(token[:20])
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeError, binascii.Error):
        raise InvalidCursor(token[:20]) from None
    if not isinstance(raw_values, list) or len(raw_values) != len(keys):
        raise InvalidCursor(token[:20])
    values = []
    for (name, _desc), raw in zip(keys, raw_values, strict=True):
        if raw is None or isinstance(raw, dict | list | bool):
            raise InvalidCursor(token[:20])
        try:
            value = _field(queryset, name).to_python(raw)
        except (ValidationError, ValueError, TypeError, OverflowError):
            raise InvalidCursor(token[:20]) from None
        if (value is None or (isinstance(value, int) and not -BIGINT_MAX - 1 <= value <= BIGINT_MAX)
                or (isinstance(value, str) and "\x00" in value)
                or (isinstance(value, dt.datetime) and value.tzinfo is None)):
            raise InvalidCursor(token[:20])
        values.append(value)
    return values, reverse


def _after(keys: list[tuple[str, bool]], values: list[Any], reverse: bool) -> Q:
    """Rows strictly after the position in the (possibly reversed) ordering."""
    condition: Q | None = None
    for (name, desc), value in reversed(list(zip(keys, values, strict=True))):
        op = "lt" if desc != reverse else "gt"
        beyond = Q(**{f"{name}__{op}": value})
        condition = beyond if condition is None else beyond | (Q(**{name: value}) & condition)
    first_name, first_desc = keys[0]
    # The leading bound lets the index scan start at the position.
    start = Q(**{f"{first_name}__{'lte' if first_desc != reverse else 'gte'}": values[0]})
    return start & condition


def keyset_page(queryset: QuerySet, ordering: tuple[str, ...], *, cursor: str | None, size: int) -> KeysetPage:
    """One page of `queryset` in `ordering` from `cursor` (None: the first page). Raises
    InvalidCursor for a cursor that does not fit."""
    keys = _keys(ordering)
    values, reverse = (None, False) if not cursor else decode_cursor(cursor, ordering, queryset)
    ordered = queryset.order_by(*[f"-{n}" if desc != reverse else n for n, desc in keys])
    if values is not None:
        ordered = ordered.filter(_after(keys, values, reverse))
    rows = list(ordered[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if reverse:
        rows.reverse()
    has_next, has_previous = (values is not None, more) if reverse else (more, values is not None)

    def position(row) -> list[Any]:
        return [row[n] if isinstance(row, dict) else getattr(row, n) for n, _desc in keys]

    next_cursor = encode_cursor(position(rows[-1]), ordering) if has_next and rows else None
    previous_cursor = None
    if has_previous:
        previous_cursor = encode_cursor(position(rows[0]), ordering, reverse=True) if rows else ""
    return KeysetPage(rows=rows, next_cursor=next_cursor, previous_cursor=previous_cursor, is_first=values is None)
