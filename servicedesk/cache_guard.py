"""The only way request code uses Django's shared cache (Redis): through a circuit breaker,
so that a Redis that is down or hung costs a request at most one short wait, and then
nothing at all for a while.

Every operation goes through `guarded`. The breaker is per process and has three states:
closed (use the cache), open (skip it and return the fallback, for
`CACHE_BREAKER_SECONDS` after a failure) and trial (the window is over: the next caller
tries the cache once; meanwhile the others still skip it; success closes the breaker,
failure opens it again). A failure is an error of the connection (refused, reset,
timed out: the socket timeouts in `servicedesk.settings.base.cache_settings` bound each
wait); any other error, such as `incr` of a missing key, is an answer from the cache and
passes through to the caller.

The cache only ever holds what can be computed again (throttling counters, queue counts),
so skipping it is always correct, merely slower or less strict.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

try:  # Django's Redis backend raises redis-py's errors.
    from redis.exceptions import ConnectionError as _RedisConnectionError
    from redis.exceptions import TimeoutError as _RedisTimeoutError

    UNREACHABLE: tuple[type[BaseException], ...] = (_RedisConnectionError, _RedisTimeoutError, OSError)
except ImportError:  # pragma: no cover - redis is a requirement
    UNREACHABLE = (OSError,)

logger = logging.getLogger(__name__)

T = TypeVar("T")


class CircuitBreaker:
    """Decides, per process, whether the shared cache may be asked right now."""

    def __init__(self, *, window: Callable[[], float] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._window = window or (lambda: settings.CACHE_BREAKER_SECONDS)
        self._clock = clock
        self._lock = threading.Lock()
        self._open_until: float | None = None  # None: closed
        self._trial_running = False

    @property
    def is_open(self) -> bool:
        """True while callers skip the cache (open, or a trial under way)."""
        with self._lock:
            return self._open_until is not None

    def call(self, operation: Callable[[], T], *, fallback: T) -> T:
        """`operation()`, or `fallback` when the breaker is open or the cache is unreachable."""
        if not self._enter():
            return fallback
        try:
            result = operation()
        except UNREACHABLE as exc:
            self._failed(exc)
            return fallback
        except BaseException:
            self._succeeded()  # the cache answered, with an error of the caller's making
            raise
        self._succeeded()
        return result

    def reset(self) -> None:
        """Closed, as at start (tests, and a process that changes its cache settings)."""
        with self._lock:
            self._open_until = None
            self._trial_running = False

    def _enter(self) -> bool:
        with self._lock:
            if self._open_until is None:
                return True
            if self._trial_running or self._clock() < self._open_until:
                return False
            self._trial_running = True  # this caller is the one trial
            return True

    def _failed(self, exc: BaseException) -> None:
        with self._lock:
            first = self._open_until is None
            self._open_until = self._clock() + self._window()
            self._trial_running = False
        if first:
            logger.warning("shared cache unreachable (%r); not used for %.0f s at a time", exc, self._window())

    def _succeeded(self) -> None:
        with self._lock:
            if self._open_until is None:
                return
            self._open_until = None
            self._trial_running = False
        logger.warning("shared cache reachable again")


breaker = CircuitBreaker()


def guarded(operation: Callable[[], T], *, fallback: T) -> T:
    """Run one use of the cache (which may be several cache calls) through the breaker."""
    return breaker.call(operation, fallback=fallback)


def get(key: str, default=None):
    """`cache.get`, or `default` when the cache is skipped or unreachable."""
    return guarded(lambda: cache.get(key, default), fallback=default)


def store(key: str, value, timeout: float) -> bool:
    """`cache.set`; False when the cache is skipped or unreachable."""

    def _set() -> bool:
        cache.set(key, value, timeout)
        return True

    return guarded(_set, fallback=False)


def forget(*keys: str) -> None:
    """`cache.delete_many`; nothing when the cache is skipped or unreachable (the entries
    then expire on their own)."""
    guarded(lambda: cache.delete_many(list(keys)), fallback=None)


def count(key: str, ttl: int) -> int | None:
    """Add one to a counter that lives `ttl` seconds from its first count; its new value,
    or None when the cache is skipped or unreachable. The first count creates it with its
    expiry (`add` does nothing when it exists); when it expires between the two calls,
    the next request starts it again."""

    def _count() -> int:
        cache.add(key, 0, ttl)
        return cache.incr(key)

    try:
        return guarded(_count, fallback=None)
    except ValueError:  # expired between add and incr: this request is the window's first
        return 1
