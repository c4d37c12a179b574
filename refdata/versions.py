"""A per-process cache of the reference data that every filed ticket reads (a service item
with its fields, a team's service standards, a team's leads with their notification
preferences, the webhook endpoints), each entry valid for one *version* of its own key.

A key's version is a row in PostgreSQL, bumped by the signal receivers in
`refdata.wiring` in the same transaction as the edit that changes the data behind it. A
read asks for its key's version (one primary-key lookup) and uses its copy only when the
version is the one it was loaded under. So:
- an edit is seen by the next request of every process, and only the keys it touches are
  reloaded (a profile edit does not empty the catalog's cache);
- a transaction that edits and then reads sees its own edit (its own bumped version), and
  a rolled-back edit leaves a version that no stored copy carries;
- nothing is on Redis: a hung Redis costs nothing here.
Writes that bypass signals (`QuerySet.update`, `bulk_create`) call `bump()` themselves.
Every reader gets its own copy (values are stored pickled), so a caller may change what
it gets (Django caches related objects on instances).
"""

import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import connection

from .models import ReferenceVersion

T = TypeVar("T")

MAX_ENTRIES = 4096  # a catalog of many items cannot grow a worker without limit

_entries: "OrderedDict[str, tuple[int, bytes]]" = OrderedDict()
_lock = threading.Lock()


def enabled() -> bool:
    return bool(getattr(settings, "REFERENCE_CACHE", True))


def _table_and_columns() -> tuple[str, str, str]:
    meta, quote = ReferenceVersion._meta, connection.ops.quote_name
    return quote(meta.db_table), quote(meta.get_field("key").column), quote(meta.get_field("version").column)


def _version(key: str) -> int:
    table, key_column, version_column = _table_and_columns()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {version_column} FROM {table} WHERE {key_column} = %s", [key])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else 0


def get(key: str, load: Callable[[], T]) -> T:
    """The value of `key`, from this process's copy while its version holds."""
    if not enabled():
        return load()
    version = _version(key)
    with _lock:
        entry = _entries.get(key)
    if entry is not None and entry[0] == version:
        return pickle.loads(entry[1])  # noqa: S301 (our own pickles)
    value = load()
    with _lock:
        _entries[key] = (version, pickle.dumps(value))
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def bump(*keys: str) -> None:
    """The data behind these keys changed (in the current transaction)."""
    if not keys:
        return
    table, key_column, version_column = _table_and_columns()
    sql = (f"INSERT INTO {table} ({key_column}, {version_column}) VALUES (%s, 1) "  # noqa: S608
           f"ON CONFLICT ({key_column}) DO UPDATE SET {version_column} = {table}.{version_column} + 1")
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):  # one order, so two edits never wait for each other in a cycle
            cursor.execute(sql, [key])


def clear() -> None:
    """Forget this process's copies (tests)."""
    with _lock:
        _entries.clear()


def item_key(pk: int) -> str:
    return f"item:{pk}"


def standards_key(team_id: int) -> str:
    return f"standards:{team_id}"


def audience_key(team_id: int) -> str:
    return f"audience:{team_id}"


WEBHOOKS_KEY = "webhooks"
