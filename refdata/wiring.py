"""Which edits change which cached reference data (refdata.versions): each receiver bumps
the versions of the keys whose data the saved or deleted row is part of."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from notifications.models import Preference
from sla.models import (
    BusinessCalendar,
    EscalationChain,
    EscalationLevel,
    ExtraWorkingDay,
    Holiday,
    ServiceStandard,
    WorkingHours,
)
from teams.models import Membership, Team, User
from tickets.models import ServiceCategory, ServiceItem, ServiceItemField
from webhooks.models import WebhookEndpoint

from .versions import WEBHOOKS_KEY, audience_key, bump, item_key, standards_key


def _saved_only(update_fields, ignored: frozenset[str]) -> bool:
    """A save that wrote only fields nobody caches (handing out tickets, signing in)."""
    return update_fields is not None and set(update_fields) <= ignored


def _items(**filters) -> list[str]:
    return [item_key(pk) for pk in ServiceItem.objects.filter(**filters).values_list("pk", flat=True)]


def _standards(**filters) -> list[str]:
    team_ids = ServiceStandard.objects.filter(**filters).values_list("team_id", flat=True).distinct()
    return [standards_key(team_id) for team_id in team_ids]


def _led_teams(user_id: int) -> list[str]:
    team_ids = Membership.objects.filter(user_id=user_id, role=Membership.Role.LEAD).values_list("team_id", flat=True)
    return [audience_key(team_id) for team_id in team_ids]


def _on(models, handler) -> None:
    for model in models:
        post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"refdata:{model.__name__}:save")
        post_delete.connect(handler, sender=model, weak=False, dispatch_uid=f"refdata:{model.__name__}:delete")


def _catalog(sender, instance, update_fields=None, **kwargs) -> None:
    if sender is ServiceItem:
        bump(item_key(instance.pk))
    elif sender is ServiceItemField:
        bump(item_key(instance.item_id))
    elif sender is ServiceCategory:
        bump(*_items(category_id=instance.pk))
    elif sender is Team and not _saved_only(update_fields, frozenset({"round_robin_last"})):
        bump(*_items(team_id=instance.pk))  # an item carries its team


def _standards_changed(sender, instance, **kwargs) -> None:
    if sender is ServiceStandard:
        bump(standards_key(instance.team_id))
    elif sender is BusinessCalendar:
        bump(*_standards(calendar_id=instance.pk))
    elif sender in (WorkingHours, Holiday, ExtraWorkingDay):
        bump(*_standards(calendar_id=instance.calendar_id))
    elif sender is EscalationChain:
        bump(*_standards(escalation_chain_id=instance.pk))
    elif sender is EscalationLevel:
        bump(*_standards(escalation_chain_id=instance.chain_id))


def _level_people(sender, instance, action, **kwargs) -> None:
    if action.startswith("post_") and isinstance(instance, EscalationLevel):
        bump(*_standards(escalation_chain_id=instance.chain_id))


def _audience(sender, instance, update_fields=None, **kwargs) -> None:
    if sender is Membership:
        bump(audience_key(instance.team_id))
    elif sender is Preference:
        bump(*_led_teams(instance.user_id))
    elif sender is User and not _saved_only(update_fields, frozenset({"last_login"})):
        bump(*_led_teams(instance.pk))


def _webhooks(sender, instance, **kwargs) -> None:
    bump(WEBHOOKS_KEY)


_on([ServiceItem, ServiceItemField, ServiceCategory, Team], _catalog)
_on([ServiceStandard, BusinessCalendar, WorkingHours, Holiday, ExtraWorkingDay, EscalationChain, EscalationLevel],
    _standards_changed)
m2m_changed.connect(_level_people, sender=EscalationLevel.notify_users.through, weak=False,
                    dispatch_uid="refdata:EscalationLevel.notify_users")
_on([Membership, Preference, User], _audience)
_on([WebhookEndpoint], _webhooks)
