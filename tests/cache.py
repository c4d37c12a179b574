"""The test run's own keys in the shared cache.

The suite's cache may be a Redis database that other runs (another engineer's suite, a
benchmark, the demo) use too, so tests never call `cache.clear()`: servicedesk.settings.test
puts this run's keys under a prefix of their own ("test:…", per pytest-xdist worker) and
`cache_clear()` deletes only those."""

import redis
from django.conf import settings
from django.core.cache import cache


def cache_clear() -> int:
    """Delete this test process's cache keys and no others; returns how many went. A
    per-process cache (the embedded default's locmem) is simply emptied."""
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        cache.clear()
        return 0
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    assert prefix.startswith("test:"), f"refusing to delete keys under a non-test prefix {prefix!r}"
    server = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    try:
        pattern = "".join(f"[{c}]" if c in "*?[]\\" else c for c in prefix) + ":*"
        deleted = 0
        batch = []
        for key in server.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) == 500:
                deleted += server.unlink(*batch)
                batch = []
        if batch:
            deleted += server.unlink(*batch)
        return deleted
    finally:
        server.close()
