"""Direct access to the Redis server behind Django's cache, for the few hot paths that
need more than get and set (a counter with an expiry in one round trip) or that run
on every request (the reference cache's generation).

Django's Redis backend builds a new client object for every call (filling a table of
about eighty response callbacks each time); here one client per backend is kept, on
the backend's own connection pool.
"""

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCacheClient


def redis_client():
    """A Redis client for the default cache, or None when that cache is not Redis."""
    backend = caches["default"]
    client = getattr(backend, "_shared_redis_client", None)
    if client is None:
        inner = getattr(backend, "_cache", None)
        client = inner.get_client(write=True) if isinstance(inner, RedisCacheClient) else False
        backend._shared_redis_client = client
    return client or None
