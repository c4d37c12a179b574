"""Webhook writes: endpoints (service admins), the deliveries that ticket events write
(`webhook_event`, called inside the transaction of the change), and their delivery.

Delivery is at least once: a receiver deduplicates by `X-Servicedesk-Delivery`. Each
attempt is signed anew with its own timestamp (`sign`), so that a receiver can refuse a
replayed request; the URL is checked again, and its host resolved, before every attempt
(`webhooks.addresses`), and the POST goes to the addresses checked (`webhooks.transport`). Rows
are claimed (`servicedesk.claims`: SKIP LOCKED, their `next_attempt_at` pushed past the
POSTs' timeout) in a short transaction, so that no lock is held while a receiver answers
and several workers share the work; a worker killed mid-POST leaves the row to be retried
when its claim runs out.
"""

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.claims import claim_due
from servicedesk.exceptions import ApplicationError

from . import addresses, transport
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from .selectors import active_endpoint_events

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Servicedesk-Signature"
TIMESTAMP_HEADER = "X-Servicedesk-Timestamp"
EVENT_HEADER = "X-Servicedesk-Event"
DELIVERY_HEADER = "X-Servicedesk-Delivery"
USER_AGENT = "servicedesk-webhooks/1"


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def timeout_seconds() -> float:
    return float(_setting("WEBHOOK_TIMEOUT_SECONDS", 5.0))


def max_attempts() -> int:
    return int(_setting("WEBHOOK_MAX_ATTEMPTS", 8))


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt after `attempts` failed ones: 30 s, 1 min, 2 min, …, 6 h at most."""
    base = float(_setting("WEBHOOK_RETRY_BASE_SECONDS", 30.0))
    return dt.timedelta(seconds=min(base * 2 ** (attempts - 1), 6 * 3600))


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header's value: `t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>." + body>`,
    the timestamp in Unix seconds (also sent as X-Servicedesk-Timestamp). Signing the time
    with the body lets a receiver refuse a request replayed outside its window."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


# --- endpoints ---------------------------------------------------------------------------


def url_problem(url: str) -> str | None:
    """Why an endpoint URL is refused, or None: https only (plain http only to this
    machine, where WEBHOOK_ALLOW_HTTP_LOCALHOST is on), no credentials, and a host that is
    and resolves to public addresses only unless WEBHOOK_ALLOWED_INTERNAL_HOSTS names it.
    A name that does not resolve yet is accepted: every delivery checks it again."""
    try:
        addresses.destination(url)
    except addresses.Refused as refusal:
        return refusal.message
    except addresses.Unresolved:
        if urlsplit(url).scheme != "https":  # plain http needs an address proven local
            return _("The URL must start with https://.")
    return None


def _clean_endpoint(*, url: str, events: list[str], name: str) -> dict[str, Any]:
    errors: dict[str, str] = {}
    url = (url or "").strip()
    problem = url_problem(url)
    if problem:
        errors["url"] = problem
    events = list(dict.fromkeys(events or []))
    if not events:
        errors["events"] = _("Choose at least one event.")
    elif any(event not in WebhookEvent.values for event in events):
        errors["events"] = _("Choose from: %(events)s.") % {"events": ", ".join(WebhookEvent.values)}
    name = (name or "").strip()
    if len(name) > 120:
        errors["name"] = _("Enter at most %(n)d characters.") % {"n": 120}
    if errors:
        raise ApplicationError(_("The webhook was not saved."), field_errors=errors)
    return {"url": url, "events": events, "name": name}


@transaction.atomic
def webhook_endpoint_create(*, actor, url: str, events: list[str], name: str = "",
                            active: bool = True) -> WebhookEndpoint:
    """Subscribe a receiver; its signing secret is generated here."""
    values = _clean_endpoint(url=url, events=events, name=name)
    return WebhookEndpoint.objects.create(
        **values, active=active, secret=secrets.token_hex(32),
        created_by=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def webhook_endpoint_update(*, endpoint: WebhookEndpoint, url: str | None = None, events: list[str] | None = None,
                            name: str | None = None, active: bool | None = None,
                            rotate_secret: bool = False) -> WebhookEndpoint:
    """Change a receiver; values left as None stay as they are."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    values = _clean_endpoint(
        url=endpoint.url if url is None else url,
        events=endpoint.events if events is None else events,
        name=endpoint.name if name is None else name,
    )
    for field, value in values.items():
        setattr(endpoint, field, value)
    if active is not None:
        endpoint.active = active
    if rotate_secret:
        endpoint.secret = secrets.token_hex(32)
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Remove a receiver and its delivery log."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()


# --- events ------------------------------------------------------------------------------


def ticket_payload(ticket) -> dict[str, Any]:
    """What a receiver learns about the ticket with every event."""
    return {
        "id": ticket.pk,
        "reference": ticket.reference,
        "title": ticket.title,
        "status": ticket.status,
        "priority": ticket.priority,
        "team": ticket.team_id,
        "service_item": ticket.service_item_id,
        "requester": ticket.requester_id,
        "assignee": ticket.assignee_id,
        "version": ticket.version,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
    }


def webhook_event(*, event: str, ticket, data: dict) -> int:
    """Write one pending delivery per active endpoint subscribed to `event`; returns
    how many. Call it inside the transaction of the change, so that the deliveries
    exist exactly when the change does. `data` must be JSON-serialisable (dates and
    decimals are fine)."""
    return webhook_events(events=[(event, ticket, data)])


def webhook_events(*, events: Iterable[tuple[str, Any, dict]]) -> int:
    """`webhook_event` for many (event, ticket, data) at once, in two statements
    whatever their number (one read of the endpoints, one insert): for the deadline
    scanner, which escalates a batch of clocks at a time."""
    events = list(events)
    unknown = {event for event, _ticket, _data in events} - set(WebhookEvent.values)
    if unknown:
        raise ValueError(f"unknown webhook event(s) {sorted(unknown)!r}")
    if not events:
        return 0
    endpoints = active_endpoint_events()
    now = timezone.now()
    rows = []
    for event, ticket, data in events:
        subscribed = [pk for pk, wanted in endpoints if event in wanted]
        if not subscribed:
            continue
        payload = {"event": event, "occurred_at": now, "ticket": ticket_payload(ticket), "data": data}
        # Round-trip once so that every delivery stores plain JSON (and a bad value fails here).
        payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
        rows += [WebhookDelivery(endpoint_id=pk, event=event, payload=payload, next_attempt_at=now)
                 for pk in subscribed]
    WebhookDelivery.objects.bulk_create(rows)
    return len(rows)


# --- delivery ----------------------------------------------------------------------------


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=timeout_seconds() * 2 + 30)


def _attempt(delivery: WebhookDelivery, now: dt.datetime) -> bool:
    endpoint = delivery.endpoint
    started_at = timezone.now()
    give_up = False
    if not endpoint.active:
        result = transport.PostResult(status=None, error=_("The endpoint is not active."), duration_ms=0)
        give_up = True
    else:
        try:
            destination = addresses.destination(endpoint.url)
        except addresses.Refused as refusal:
            # Refused for good (an internal address, say): no connection is made, nothing
            # of any answer is kept.
            result = transport.PostResult(status=None, error=refusal.message, duration_ms=0)
            give_up = True
        except addresses.Unresolved as unresolved:
            result = transport.PostResult(status=None, error=unresolved.message, duration_ms=0)
        else:
            body = json.dumps(delivery.payload, separators=(",", ":"), cls=DjangoJSONEncoder).encode()
            timestamp = int(time.time())
            result = transport.post(destination, body, {
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                EVENT_HEADER: delivery.event,
                DELIVERY_HEADER: str(delivery.pk),
                TIMESTAMP_HEADER: str(timestamp),
                SIGNATURE_HEADER: sign(endpoint.secret, body, timestamp),
            }, timeout=timeout_seconds())
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.state != WebhookDelivery.State.PENDING:
            return False  # another worker finished it after our lease ran out
        delivery.attempts += 1
        WebhookAttempt.objects.create(
            delivery=delivery, number=delivery.attempts, started_at=started_at, duration_ms=result.duration_ms,
            response_status=result.status, error=result.error,
        )
        delivery.response_status = result.status
        if result.ok:
            delivery.state = WebhookDelivery.State.SENT
            delivery.sent_at = timezone.now()
            delivery.last_error = ""
        else:
            delivery.last_error = result.error
            if give_up or delivery.attempts >= max_attempts():
                delivery.state = WebhookDelivery.State.FAILED
            else:
                delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.save(update_fields=["attempts", "response_status", "state", "sent_at", "last_error",
                                     "next_attempt_at"])
    log = logger.info if result.ok else logger.warning
    log("webhook delivery %s (%s → %s) attempt %s: status=%s error=%s", delivery.pk, delivery.event, endpoint.url,
        delivery.attempts, result.status, result.error or "-")
    return result.ok


def webhook_deliver_due(*, now: dt.datetime | None = None, batch_size: int = 50) -> int:
    """POST one batch of due deliveries; returns how many were claimed (the task calls
    it again while batches come back full). Failures are retried with exponential
    back-off up to WEBHOOK_MAX_ATTEMPTS, then the delivery is marked failed."""
    now = now or timezone.now()
    pending = WebhookDelivery.objects.filter(state=WebhookDelivery.State.PENDING).select_related("endpoint")
    claim = claim_due(pending, now=now, lease=_lease(), batch_size=batch_size)
    # One POST takes at most a connect and a read, each within the timeout.
    for delivery in claim.take(dt.timedelta(seconds=timeout_seconds() * 2)):
        _attempt(delivery, now)
    return len(claim.rows)
