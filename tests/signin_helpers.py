"""Helpers of the sign-in lock tests (API and login page)."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import override_settings

# A port where nothing listens: every cache call fails at once.
CLOSED_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_timeout": 0.2, "socket_connect_timeout": 0.2},
    }
}


@pytest.fixture
def redis_down():
    """Django's cache points at a closed port (checked unreachable) for the test's body;
    restored before other fixtures tidy the real cache up."""
    with override_settings(CACHES=CLOSED_REDIS):
        with pytest.raises(Exception):  # noqa: B017 - whatever redis-py raises for a refused connection
            cache.set("probe", 1)
        yield


def time_passes(minutes: int) -> None:
    """As if `minutes` had passed since every counted failure."""
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=attempt.attempt_time - dt.timedelta(minutes=minutes))
