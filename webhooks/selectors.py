"""Reads of webhook endpoints."""

from servicedesk import refcache

from .models import WebhookEndpoint


def active_endpoint_events() -> list[tuple[int, frozenset[str]]]:
    """(endpoint id, the events it subscribed to) of every active endpoint; from the
    reference cache, as every ticket change asks who wants to hear about it."""
    return refcache.get(
        ("webhook_endpoints",),
        lambda: [(pk, frozenset(events)) for pk, events in
                 WebhookEndpoint.objects.filter(active=True).order_by("id").values_list("id", "events")],
    )
