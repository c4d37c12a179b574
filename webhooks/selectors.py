"""Reads of webhook endpoints."""

from refdata import versions

from .models import WebhookEndpoint


def active_endpoint_events() -> list[tuple[int, frozenset[str]]]:
    """(endpoint id, the events it subscribed to) of every active endpoint (every ticket
    change asks who wants to hear about it: from the reference cache)."""
    return versions.get(versions.WEBHOOKS_KEY, lambda: [
        (pk, frozenset(events))
        for pk, events in WebhookEndpoint.objects.filter(active=True).order_by("id").values_list("id", "events")
    ])
