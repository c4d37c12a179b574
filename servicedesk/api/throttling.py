"""Request rates per signed-in user and per anonymous client address.

The rates come from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (env-configurable in the
settings) and are read on every request, so that a test can lower them with the
`settings` fixture; without a configured rate the generous defaults below apply.
The counters live in Django's default cache, which is Redis (shared by every process)
whenever the broker is, or `CACHE_URL` says so, reached through `servicedesk.cache_guard`:
when that cache cannot be reached the request is let through (and, for a while, the
cache is not asked at all): a Redis outage must not stop people from filing tickets.
"""

import math

from rest_framework import throttling
from rest_framework.settings import api_settings

from servicedesk import cache_guard

DEFAULT_RATES = {"user": "2000/min", "anon": "100/min"}


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
        count = cache_guard.count(key, self.duration + 1)
        return count is None or count <= self.num_requests

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
