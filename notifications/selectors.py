import datetime as dt

from django.db.models import QuerySet

from refdata import versions
from teams.models import Membership

from .models import Notification, OutboxMessage, Preference


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def user_notifications(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("ticket")


def delivery_preferences(*, user_ids, events) -> dict[tuple[int, str], str]:
    """{(user id, event): delivery} of the preferences these users set for these events
    (no entry means both channels)."""
    return {
        (p.user_id, p.event): p.delivery
        for p in Preference.objects.filter(user_id__in=set(user_ids), event__in=set(events))
    }


def new_ticket_audience(*, team_id: int, event: str) -> tuple[list, dict[tuple[int, str], str]]:
    """The leads of a team, told about each of its new tickets, with their preferences
    for that event (every filed ticket asks: from the reference cache)."""

    def load():  # the leads with their preferences for every event: one key per team
        leads = [m.user for m in Membership.objects.filter(team_id=team_id, role=Membership.Role.LEAD)
                 .select_related("user").order_by("user_id")]
        prefs = {(p.user_id, p.event): p.delivery for p in Preference.objects.filter(user_id__in=[u.pk for u in leads])}
        return leads, prefs

    leads, prefs = versions.get(versions.audience_key(team_id), load)
    return leads, {key: delivery for key, delivery in prefs.items() if key[1] == event}


def outbox_overdue_exists(*, before: dt.datetime) -> bool:
    """Whether a pending outbox message was due before `before`: delivery is not keeping
    up (no worker or beat, or far behind). Retries wait with their own later due time, so
    a failing mail server alone does not count. Walks the index of pending due times."""
    return OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, next_attempt_at__lt=before).exists()
