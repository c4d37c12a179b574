"""Reads of the service-standard API beyond `sla.selectors` (candidates to move there)."""

from django.db.models import QuerySet

from sla.models import ServiceStandard


def standard_versions() -> QuerySet[ServiceStandard]:
    """Every version of every standard (a retired one is still shown by its id)."""
    return ServiceStandard.objects.select_related("team", "category", "service_item", "calendar",
                                                  "escalation_chain")
