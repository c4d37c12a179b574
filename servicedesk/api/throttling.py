"""Request rates per signed-in user and per anonymous client address.

The rates come from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (env-configurable in the
settings) and are read on every request, so that a test can lower them with the
`settings` fixture; without a configured rate the generous defaults below apply.
The counters live in Django's default cache, which is Redis (shared by every process)
whenever the broker is, or `CACHE_URL` says so. When that cache cannot be reached the
request is let through and the failure logged: a Redis outage must not stop people from
filing tickets.
"""

import logging
import math

from django.core.cache import cache
from rest_framework import throttling
from rest_framework.settings import api_settings

DEFAULT_RATES = {"user": "2000/min", "anon": "100/min"}

logger = logging.getLogger(__name__)


def _count(key: str, ttl: int) -> int:
    """Add one to a counter in Django's default cache that lives `ttl` seconds; its new
    value. The window's first request creates it with its expiry (`add` does nothing
    when it exists), every request increments it."""
    cache.add(key, 0, ttl)
    return cache.incr(key)


class _SettingsRateMixin:
    scope: str

    def get_rate(self) -> str | None:
        rates = api_settings.DEFAULT_THROTTLE_RATES or {}
        return rates.get(self.scope) or DEFAULT_RATES[self.scope]

    def allow_request(self, request, view) -> bool:
        """A counter per client and fixed window of the rate's period (Django's `add` and `incr`):
        constant work per request, where DRF's default keeps and rewrites the list of
        every request's time in the window (thousands of entries at a high rate)."""
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        key = f"{self.key}:{window}"
        try:
            count = _count(key, self.duration + 1)
        except Exception:
            logger.warning("throttle counters unreachable; request let through", exc_info=True)
            return True
        return count <= self.num_requests

    def wait(self) -> float:
        """Seconds until the current window ends (the Retry-After header)."""
        return max(1.0, math.ceil(self.window_ends - self.now))


class UserRateThrottle(_SettingsRateMixin, throttling.UserRateThrottle):
    """Per signed-in user (anonymous requests are counted by address instead)."""

    scope = "user"


class AnonRateThrottle(_SettingsRateMixin, throttling.AnonRateThrottle):
    """Per anonymous client address."""

    scope = "anon"


API_THROTTLES = [UserRateThrottle, AnonRateThrottle]
