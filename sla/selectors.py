"""Reads of service standards: matching a ticket, listing what admins edit."""

from django.db.models import Q, QuerySet

from .models import BusinessCalendar, EscalationChain, EscalationLevel, ServiceStandard, StandardChange


def standard_for(*, team_id: int, service_item, priority: str) -> ServiceStandard | None:
    """The current standard that matches most specifically: service item beats category
    beats the team default; a priority match beats "any priority"."""
    candidates = (
        ServiceStandard.objects.filter(is_current=True, team_id=team_id)
        .filter(Q(service_item__isnull=True) | Q(service_item_id=service_item.pk))
        .filter(Q(category__isnull=True) | Q(category_id=service_item.category_id))
        .filter(Q(priority="") | Q(priority=priority))
        .select_related("calendar")
    )
    best = None
    for standard in candidates:
        if best is None or (standard.specificity, standard.pk) > (best.specificity, best.pk):
            best = standard
    return best


def chain_levels(*, chain_ids) -> dict[int, list[EscalationLevel]]:
    levels: dict[int, list[EscalationLevel]] = {}
    qs = EscalationLevel.objects.filter(chain_id__in=set(chain_ids)).prefetch_related("notify_users")
    for level in qs.order_by("chain_id", "order"):
        levels.setdefault(level.chain_id, []).append(level)
    return levels


def current_standards() -> QuerySet[ServiceStandard]:
    return ServiceStandard.objects.filter(is_current=True).select_related(
        "team", "category", "service_item", "calendar", "escalation_chain"
    ).order_by("team__name", "name")


def calendars() -> QuerySet[BusinessCalendar]:
    return BusinessCalendar.objects.prefetch_related("working_hours", "holidays", "extra_working_days")


def chains() -> QuerySet[EscalationChain]:
    return EscalationChain.objects.prefetch_related("levels__notify_users", "levels__reassign_team")


def standard_changes(*, limit: int = 200) -> QuerySet[StandardChange]:
    return StandardChange.objects.select_related("actor")[:limit]


def standard_versions(*, lineage) -> QuerySet[ServiceStandard]:
    """Every version of one standard, newest first."""
    return (ServiceStandard.objects.filter(lineage=lineage)
            .select_related("team", "category", "service_item", "calendar", "escalation_chain", "created_by")
            .order_by("-version"))


def standard_changes_of(*, object_type: str, object_ids) -> QuerySet[StandardChange]:
    return (StandardChange.objects.filter(object_type=object_type, object_id__in=list(object_ids))
            .select_related("actor"))
