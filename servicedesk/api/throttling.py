"""Request rates per signed-in user and per anonymous client address.

The rates come from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (env-configurable in the
settings) and are read on every request, so that a test can lower them with the
`settings` fixture; without a configured rate the generous defaults below apply.
The counters live in Django's default cache: configure a shared cache (Redis) when the
API runs in more than one process.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings

DEFAULT_RATES = {"user": "2000/min", "anon": "100/min"}


class _SettingsRateMixin:
    scope: str

    def get_rate(self) -> str | None:
        rates = api_settings.DEFAULT_THROTTLE_RATES or {}
        return rates.get(self.scope) or DEFAULT_RATES[self.scope]


class UserRateThrottle(_SettingsRateMixin, throttling.UserRateThrottle):
    """Per signed-in user (anonymous requests are counted by address instead)."""

    scope = "user"


class AnonRateThrottle(_SettingsRateMixin, throttling.AnonRateThrottle):
    """Per anonymous client address."""

    scope = "anon"


API_THROTTLES = [UserRateThrottle, AnonRateThrottle]
