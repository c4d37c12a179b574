"""Sign-in protection: what django-axes needs from the service desk.

django-axes counts failed sign-ins per user name *and* client address (settings:
`AXES_LOCKOUT_PARAMETERS`) in PostgreSQL (its database handler: nothing of it lives in
Redis, so a Redis outage neither unlocks nor locks anybody). After `SIGNIN_FAILURE_LIMIT`
failures without a pause of `SIGNIN_LOCKOUT_MINUTES`, that user name is refused from that
address, even with the right password, until the lock runs out `SIGNIN_LOCKOUT_MINUTES`
after the last counted failure; attempts during the lock are not counted and do not extend
it. A successful sign-in clears the failures. Admins unlock in Django admin ("Access
attempts": delete the row) or with `manage.py axes_reset_username <name>`.

The login page (through `axes.middleware.AxesMiddleware` and `lockout_response`) and the
API's token endpoint (`servicedesk.api.auth`) share these rules.
"""

import datetime as dt
import math

from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def client_ip(request: HttpRequest) -> str | None:
    """The client address that sign-in failures are counted for.

    `REMOTE_ADDR`, unless `TRUSTED_PROXY_COUNT` reverse proxies are declared in front of
    the app: then the address the outermost of them saw, that is the N-th entry from the
    right of `X-Forwarded-For` (entries further left are whatever the client sent and are
    never trusted). The API throttling uses the same rule (`REST_FRAMEWORK["NUM_PROXIES"]`).
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote_addr
    addresses = [part.strip() for part in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or remote_addr


def lock_remaining(*, username: str | None, ip_address: str | None) -> dt.timedelta:
    """How long the lock of this user name from this address still lasts (zero when the
    failures have already run out)."""
    last = AccessAttempt.objects.filter(username=username, ip_address=ip_address).aggregate(
        last=Max("attempt_time"))["last"]
    if last is None:
        return dt.timedelta(0)
    return max(dt.timedelta(0), last + settings.AXES_COOLOFF_TIME - timezone.now())


def lock_minutes(remaining: dt.timedelta) -> int:
    """The remaining lock in whole minutes, rounded up (at least one)."""
    return max(1, math.ceil(remaining.total_seconds() / 60))


def request_lock_remaining(request: HttpRequest, credentials: dict | None) -> dt.timedelta:
    return lock_remaining(username=get_client_username(request, credentials),
                          ip_address=getattr(request, "axes_ip_address", None) or client_ip(request))


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """The page a locked-out sign-in gets (`AXES_LOCKOUT_CALLABLE`): the login page's look,
    a translated message, how long the lock lasts; HTTP 429."""
    minutes = lock_minutes(request_lock_remaining(request, credentials))
    return render(request, "registration/locked_out.html", {"minutes": minutes},
                  status=settings.AXES_HTTP_RESPONSE_CODE)


def signin_failures_reset(*, username: str, ip_address: str | None) -> int:
    """Forget the counted failures of this user name from this address (a successful
    sign-in through the API does what axes does for the login page)."""
    if not (settings.AXES_ENABLED and settings.AXES_RESET_ON_SUCCESS):
        return 0
    return reset(ip=ip_address, username=username)
