"""Reads of service standards: matching a ticket, listing what admins edit."""

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from refdata import versions
from teams.selectors import user_team_ids

from .models import (
    BusinessCalendar,
    EscalationChain,
    EscalationLevel,
    ScannerHeartbeat,
    ServiceStandard,
    SLAClock,
    SLAOutcome,
    StandardChange,
)


def shown_clocks() -> QuerySet[SLAClock]:
    """The clocks the pages and the API read to show tickets: all but the answered
    next-response cycles (history, many per ticket); `sla.states.current_clocks` picks
    one per kind from them."""
    return SLAClock.objects.exclude(kind=SLAClock.Kind.NEXT_RESPONSE, stopped_at__isnull=False).order_by(
        "kind", "cycle")


def _team_standards(team_id: int) -> list[tuple[ServiceStandard, list[EscalationLevel]]]:
    """The team's current standards, each with its calendar and escalation levels (every
    filed ticket needs them: from the reference cache)."""

    def load():
        standards = list(ServiceStandard.objects.filter(is_current=True, team_id=team_id).select_related("calendar"))
        levels = chain_levels(chain_ids=[s.escalation_chain_id for s in standards if s.escalation_chain_id])
        return [(standard, levels.get(standard.escalation_chain_id, [])) for standard in standards]

    return versions.get(versions.standards_key(team_id), load)


def standard_and_levels_for(
    *, team_id: int, service_item, priority: str
) -> tuple[ServiceStandard, list[EscalationLevel]] | None:
    """The current standard that matches most specifically, with its escalation levels:
    service item beats category beats the team default; a priority match beats "any
    priority"."""
    best = None
    for standard, levels in _team_standards(team_id):
        if (standard.service_item_id not in (None, service_item.pk)
                or standard.category_id not in (None, service_item.category_id)
                or standard.priority not in ("", priority)):
            continue
        if best is None or (standard.specificity, standard.pk) > (best[0].specificity, best[0].pk):
            best = (standard, levels)
    return best


def standard_for(*, team_id: int, service_item, priority: str) -> ServiceStandard | None:
    match = standard_and_levels_for(team_id=team_id, service_item=service_item, priority=priority)
    return match[0] if match else None


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


# --- who may read which standard, calendar and chain (the API's reads) -----------------------
#
# Service admins read everything; agents and leads the standards of their own teams, and the
# calendars and escalation chains those standards (any version) use; a requester reads none
# of them (her ticket's page shows no SLA clock either). Whatever is out of reach is not
# found: a 404.


def _teams_in_reach(user) -> list[int] | None:
    """The teams whose standards the user may read; None for all (service admins)."""
    if not user.is_authenticated:
        return []
    if user.is_admin_role:
        return None
    return user_team_ids(user=user)


def standards_visible_to(qs: QuerySet[ServiceStandard], *, user) -> QuerySet[ServiceStandard]:
    team_ids = _teams_in_reach(user)
    return qs if team_ids is None else qs.filter(team_id__in=team_ids)


def calendars_visible_to(qs: QuerySet[BusinessCalendar], *, user) -> QuerySet[BusinessCalendar]:
    team_ids = _teams_in_reach(user)
    if team_ids is None:
        return qs
    used = ServiceStandard.objects.filter(team_id__in=team_ids).values("calendar_id")
    return qs.filter(pk__in=used)


def chains_visible_to(qs: QuerySet[EscalationChain], *, user) -> QuerySet[EscalationChain]:
    team_ids = _teams_in_reach(user)
    if team_ids is None:
        return qs
    used = ServiceStandard.objects.filter(team_id__in=team_ids, escalation_chain__isnull=False)
    return qs.filter(pk__in=used.values("escalation_chain_id"))


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


def scanner_last_success() -> dt.datetime | None:
    """When the deadline scanner last finished a cycle (None: never)."""
    return (
        ScannerHeartbeat.objects.filter(name=ScannerHeartbeat.DEADLINE_SCANNER)
        .values_list("last_success_at", flat=True)
        .first()
    )


def scanner_heartbeat_stale(*, now: dt.datetime | None = None) -> bool:
    """Whether the deadline scanner's last good cycle is missing or older than
    HEALTH_SCANNER_MAX_AGE_SECONDS (three scan intervals by default): then no warning,
    breach or escalation is being recorded."""
    last = scanner_last_success()
    now = now or timezone.now()
    return last is None or now - last > dt.timedelta(seconds=settings.HEALTH_SCANNER_MAX_AGE_SECONDS)


# --- SLA outcomes ----------------------------------------------------------------------------
#
# Staff read them: service admins all, agents and leads those decided while their team had the
# ticket. A requester (and a collaborator) reads none, as she sees no SLA clock.


def outcomes_visible_to(*, user) -> QuerySet[SLAOutcome]:
    """The outcomes the user may read (the API's list; filter and order on top)."""
    team_ids = _teams_in_reach(user)
    qs = SLAOutcome.objects.all()
    return qs if team_ids is None else qs.filter(team_id__in=team_ids)


def ticket_outcomes(*, ticket) -> QuerySet[SLAOutcome]:
    """Every outcome of one ticket, corrections included, by target and cycle (the caller
    has checked that the user works the ticket)."""
    return SLAOutcome.objects.filter(ticket_id=ticket.pk).order_by("kind", "cycle", "id")
