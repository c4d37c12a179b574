"""What one test (or one test run) must not leave to the next: the browser tests'
permission for synchronous ORM calls beside an event loop, and other runs' cache keys."""

import asyncio
import os
import uuid

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from tests.cache import cache_clear


def test_outside_the_browser_tests_django_keeps_its_async_safety_check():
    # tests/e2e sets DJANGO_ALLOW_ASYNC_UNSAFE (and runs Playwright's event loop) for its
    # own tests only; with random order this test runs before or after them.
    assert os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE") is None
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()


def test_the_test_runs_cache_keys_have_a_prefix_of_their_own():
    prefix = settings.CACHES["default"]["KEY_PREFIX"]

    assert prefix.startswith("test:") and prefix.endswith(":" + os.environ.get("PYTEST_XDIST_WORKER", "main"))


def test_clearing_the_cache_deletes_this_runs_keys_and_no_others():
    # given a key of this run and keys of others on the same Redis database: the demo's
    # ("sd:…"), another xdist worker's, and one whose prefix merely starts like ours
    server = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    mark = uuid.uuid4().hex
    others = [f"sd:servicedesk:1:{mark}", f"{prefix}-gw9:1:{mark}", f"{prefix.rsplit(':', 1)[0]}:gw9:1:{mark}"]
    cache.set(mark, "ours", 60)
    for key in others:
        server.set(key, "theirs", ex=60)
    try:
        # when the test helper clears the cache
        cache_clear()

        # then only this run's key is gone
        assert cache.get(mark) is None
        assert [server.get(key) for key in others] == [b"theirs"] * 3
    finally:
        server.delete(*others)
        server.close()
