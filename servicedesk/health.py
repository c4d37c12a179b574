"""Liveness and readiness endpoints (django-health-check), for the container health checks
and a load balancer or monitor.

- /health/live/: the process answers; touches nothing (no database, no cache).
- /health/ready/: PostgreSQL answers; Redis answers (the cache and the broker, each when it
  is Redis); the deadline scanner finished a cycle recently; no outbox message waits long
  past its due time.

The answer is `{"status": "ok"|"failing", "checks": {name: "ok"|"failing"}}` with 200 or
503, nothing more: no error text, hosts or timings for an anonymous caller (the reason is
in the log, where django-health-check writes it).
"""

import asyncio
import dataclasses
import datetime as dt

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from redis.asyncio import Redis as RedisClient

from notifications.selectors import outbox_overdue_exists
from sla.selectors import scanner_heartbeat_stale

REDIS_SCHEMES = ("redis://", "rediss://")


@dataclasses.dataclass
class ScannerHeartbeat(HealthCheck):
    """The deadline scanner (celery beat + worker) finished a cycle recently."""

    async def run(self):
        # thread-sensitive: the request's own database connection (and, in tests, its transaction)
        if await sync_to_async(scanner_heartbeat_stale)():
            raise ServiceUnavailable("the deadline scanner has not finished a cycle recently")


@dataclasses.dataclass
class OutboxBacklog(HealthCheck):
    """No outbox message has waited more than HEALTH_OUTBOX_MAX_DELAY_SECONDS past its due time."""

    async def run(self):
        before = timezone.now() - dt.timedelta(seconds=settings.HEALTH_OUTBOX_MAX_DELAY_SECONDS)
        if await sync_to_async(outbox_overdue_exists)(before=before):
            raise ServiceUnavailable("outbox messages are overdue")


def _redis_client(url: str):
    return lambda: RedisClient.from_url(url, socket_connect_timeout=2, socket_timeout=2)


def readiness_checks() -> list[tuple[str, HealthCheck]]:
    """What readiness asks, by name, from the settings in force."""
    checks: list[tuple[str, HealthCheck]] = [("database", Database())]
    if settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        checks.append(("cache", Cache()))
    if settings.CELERY_BROKER_URL.startswith(REDIS_SCHEMES):
        checks.append(("broker", Redis(client_factory=_redis_client(settings.CELERY_BROKER_URL))))
    checks += [("sla_scanner", ScannerHeartbeat()), ("outbox", OutboxBacklog())]
    return checks


class HealthView(HealthCheckView):
    """django-health-check's view, answering only ok/failing per check (see the module)."""

    named_checks = staticmethod(list)  # () -> [(name, check)]; none: liveness

    def get_checks(self):
        for _name, check in self.named_checks():
            yield check

    async def get(self, request, *args, **kwargs):
        named = self.named_checks()
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for _name, check in named))
        checks = {name: "failing" if result.error else "ok" for (name, _check), result in zip(named, results, strict=True)}
        failing = "failing" in checks.values()
        return JsonResponse({"status": "failing" if failing else "ok", "checks": checks},
                            status=503 if failing else 200)


liveness = HealthView.as_view()
readiness = HealthView.as_view(named_checks=readiness_checks)
