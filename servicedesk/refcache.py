"""A process-local cache of reference data: the things every filed ticket reads and
service admins seldom change (the service item and its fields, the team's service
standards with their calendars and escalation levels, the team's settings and leads,
the webhook endpoints), and the API tokens with their users, which every API request
reads.

Filing a ticket read all of them from PostgreSQL each time: six statements and their
ORM work, about a third of the request. Here each web or worker process keeps them in
memory, valid for one *generation*: a counter in the shared cache (Redis) that any
change to a watched model increases, at once and again when its transaction commits.
A request reads the counter once; an edit in any process is seen by the next request
of every process.

Rules that keep it correct:
- Apps declare their reference models with `watch()`; saves, deletes and many-to-many
  changes of those models (the admin, services, `loaddata`) move the generation.
  Writes that bypass signals (`QuerySet.update`, `bulk_create`) must call
  `invalidate()` themselves.
- A value is stored pickled and every reader gets its own copy: a caller may change
  what it gets (Django caches related objects on instances) without touching others.
- Inside a transaction that changed reference data, reads go to the database and are
  not kept: that transaction may still roll back.
- The cache is on only when Django's cache is shared between processes (Redis);
  with a per-process cache (the embedded default) every read goes to the database.
  Redis being unreachable also means reading from the database, never an error.
"""

import logging
import pickle
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .cache import redis_client

T = TypeVar("T")

logger = logging.getLogger(__name__)

# Bounded so that a catalog of many items cannot grow a worker without limit.
MAX_ENTRIES = 4096
# A safety net, not the mechanism: should a change's message to Redis be lost (Redis
# restarting at that very moment), no process keeps the old value longer than this.
MAX_AGE_SECONDS = 300

_entries: "OrderedDict[Hashable, tuple[str | bytes, float, bytes]]" = OrderedDict()
_lock = threading.Lock()
_local = threading.local()  # generation read for the current request; dirty flag


def enabled() -> bool:
    configured = getattr(settings, "REFERENCE_CACHE", None)
    if configured is not None:
        return bool(configured)
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    return backend.endswith("RedisCache")


def _generation_key() -> str:
    # Per database: the test suite and a benchmark may share one Redis.
    return f"refcache:generation:{connection.settings_dict['NAME']}"


def _read_generation() -> str | bytes | None:
    key = _generation_key()
    client = redis_client()
    if client is None:
        if cache.get(key) is None:
            cache.add(key, uuid.uuid4().hex, timeout=None)
        return cache.get(key)
    full_key = cache.make_and_validate_key(key)
    value = client.get(full_key)
    if value is None:
        client.set(full_key, uuid.uuid4().hex, nx=True)
        value = client.get(full_key)
    return value


def _generation() -> str | bytes | None:
    """The current generation (read once per request), or None when it cannot be read."""
    memo = getattr(_local, "generation", None)
    if memo is not None and getattr(_local, "in_request", False):
        return memo
    try:
        _local.generation = _read_generation()
    except Exception:  # Redis down: read from the database instead
        _local.generation = None
    return _local.generation


def _dirty() -> bool:
    """Reference data changed in the transaction still open on this thread."""
    if not getattr(_local, "dirty", False):
        return False
    if connection.in_atomic_block:
        return True
    _local.dirty = False  # that transaction is over (committed or rolled back)
    return False


def get(key: Hashable, load: Callable[[], T], *, keep_none: bool = True) -> T:
    """The value cached under `key` for the current generation, else `load()`.
    `keep_none=False` does not keep a None (a wrong API token: strangers' guesses would
    push real entries out)."""
    if not enabled() or _dirty():
        return load()
    generation = _generation()
    if generation is None:
        return load()
    now = time.monotonic()
    with _lock:
        entry = _entries.get(key)
        if entry is not None and entry[0] == generation and now - entry[1] < MAX_AGE_SECONDS:
            _entries.move_to_end(key)
            blob = entry[2]
        else:
            blob = None
    if blob is not None:
        return pickle.loads(blob)
    value = load()
    if value is None and not keep_none:
        return value
    blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    with _lock:
        _entries[key] = (generation, now, blob)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def _bump() -> None:
    _local.generation = None
    if not enabled():
        return
    key = _generation_key()
    try:
        client = redis_client()
        if client is None:
            cache.set(key, uuid.uuid4().hex, timeout=None)
        else:
            client.set(cache.make_and_validate_key(key), uuid.uuid4().hex)
    except Exception:
        # Every process keeps what it has until the next change or MAX_AGE_SECONDS: say so.
        logger.exception("reference cache: could not move the generation")


def invalidate() -> None:
    """Reference data changed: every process reloads it. Called by the signal handlers
    of watched models, and by writes that bypass signals."""
    _bump()
    if connection.in_atomic_block:
        _local.dirty = True
        # Again after commit: a process that reloaded between the first bump and the
        # commit read the old rows.
        transaction.on_commit(_bump)


def clear() -> None:
    """Forget everything in this process (tests start from a clean slate)."""
    with _lock:
        _entries.clear()
    _local.generation = None
    _local.dirty = False


def _on_change(sender, **kwargs: Any) -> None:
    ignore = getattr(sender, "_refcache_ignore_fields", frozenset())
    update_fields = kwargs.get("update_fields")
    if update_fields and ignore and set(update_fields) <= ignore:
        return
    invalidate()


def watch(*models: type, ignore_update_fields: frozenset[str] = frozenset()) -> None:
    """Treat these models as reference data. Saves that change only
    `ignore_update_fields` (say a user's `last_login`) leave the cache alone."""
    for model in models:
        model._refcache_ignore_fields = ignore_update_fields
        uid = f"refcache:{model._meta.label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid + ":delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_on_change, sender=field.remote_field.through, dispatch_uid=uid + f":{field.name}")


def _request_started(**_kwargs: Any) -> None:
    _local.generation = None
    _local.in_request = True


def _request_finished(**_kwargs: Any) -> None:
    _local.in_request = False
    _local.generation = None


request_started.connect(_request_started, dispatch_uid="refcache:request_started")
request_finished.connect(_request_finished, dispatch_uid="refcache:request_finished")
