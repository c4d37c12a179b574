"""The shared cache's circuit breaker (servicedesk.cache_guard), against a private, real
redis-server: hung with SIGSTOP for failures, resumed for recovery. The breaker's clock
is pinned; only the socket timeouts take real time."""

import threading
import time

import pytest
from django.core.cache import cache

from servicedesk import cache_guard
from servicedesk.settings.base import redis_cache
from tests.redis_server import RedisServer

WINDOW = 30.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def redis_server(settings):
    server = RedisServer().start()
    settings.CACHES = {"default": redis_cache(server.url(1), "guard-test")}
    yield server
    server.stop()


@pytest.fixture
def clock(monkeypatch):
    """The module's breaker, on a pinned clock."""
    clock = Clock()
    monkeypatch.setattr(cache_guard, "breaker", cache_guard.CircuitBreaker(window=lambda: WINDOW, clock=clock))
    return clock


def _stored(server: RedisServer, key: str) -> bool:
    return any(server.client(1).scan_iter(f"*:{key}"))


def test_a_hung_cache_opens_the_breaker(redis_server, clock):
    redis_server.hang()

    assert cache_guard.store("k", 1, 60) is False

    assert cache_guard.breaker.is_open


def test_while_open_the_cache_is_not_asked(redis_server, clock):
    # Given a breaker opened by a hung Redis, which answers again at once
    redis_server.hang()
    cache_guard.store("k", 1, 60)
    redis_server.resume()
    clock.now += WINDOW - 0.1
    calls = []

    # When callers use the cache within the window
    started = time.monotonic()
    stored = cache_guard.store("k", 1, 60)
    result = cache_guard.guarded(lambda: calls.append(1), fallback="skipped")

    # Then they get the fallback at once, and Redis holds nothing
    assert (stored, result, calls) == (False, "skipped", [])
    assert time.monotonic() - started < 0.05
    assert not _stored(redis_server, "k")


def test_after_the_window_one_trial_that_succeeds_closes_the_breaker(redis_server, clock):
    redis_server.hang()
    cache_guard.store("k", 1, 60)
    redis_server.resume()
    clock.now += WINDOW

    assert cache_guard.store("k", 2, 60) is True

    assert not cache_guard.breaker.is_open
    assert cache_guard.get("k") == 2
    assert _stored(redis_server, "k")


def test_a_failed_trial_opens_the_breaker_for_another_window(redis_server, clock):
    redis_server.hang()
    cache_guard.store("k", 1, 60)
    clock.now += WINDOW
    assert cache_guard.store("k", 2, 60) is False  # the trial, still hung
    redis_server.resume()
    calls = []

    clock.now += WINDOW - 0.1
    cache_guard.guarded(lambda: calls.append("too early"), fallback=None)
    clock.now += 0.1
    cache_guard.guarded(lambda: calls.append("next trial"), fallback=None)

    assert calls == ["next trial"]


def test_only_one_trial_at_a_time(redis_server, clock):
    # Given an open breaker whose window is over, and Redis still hung
    redis_server.hang()
    cache_guard.store("k", 1, 60)
    clock.now += WINDOW
    trial_started = threading.Event()

    def trial():
        trial_started.set()
        cache.get("k")  # waits for the socket timeout

    thread = threading.Thread(target=lambda: cache_guard.guarded(trial, fallback=None))
    thread.start()
    trial_started.wait(5)

    # When another caller comes while the trial waits
    calls = []
    result = cache_guard.guarded(lambda: calls.append(1), fallback="skipped")
    thread.join()

    # Then it is not let through
    assert (result, calls) == ("skipped", [])
    assert cache_guard.breaker.is_open


def test_an_error_answered_by_the_cache_passes_through_and_keeps_it_closed(redis_server, clock):
    with pytest.raises(ValueError):
        cache_guard.guarded(lambda: cache.incr("missing"), fallback=None)

    assert not cache_guard.breaker.is_open


def test_count_adds_one_per_call_and_is_none_while_unreachable(redis_server, clock):
    assert [cache_guard.count("c", 60) for _ in range(3)] == [1, 2, 3]
    redis_server.hang()

    assert cache_guard.count("c", 60) is None
    assert cache_guard.count("c", 60) is None  # open: no second wait
