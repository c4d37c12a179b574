"""Reads of webhook endpoints."""

from .models import WebhookEndpoint


def active_endpoint_events() -> list[tuple[int, frozenset[str]]]:
    """(endpoint id, the events it subscribed to) of every active endpoint."""
    return [(pk, frozenset(events)) for pk, events in
            WebhookEndpoint.objects.filter(active=True).order_by("id").values_list("id", "events")]
