from django.db.models import QuerySet

from .models import Notification


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def user_notifications(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("ticket")
