from rest_framework import serializers

from notifications.models import Notification
from servicedesk.api import fields as strict
from servicedesk.limits import BIGINT_MAX


class NotificationSerializer(serializers.ModelSerializer):
    ticket = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "event", "title", "body", "url", "ticket", "created_at", "read_at", "read"]
        read_only_fields = fields

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=strict.IntegerField(min_value=1, max_value=BIGINT_MAX),
        required=False,
        allow_null=True,
        max_length=1000,
        help_text="Notifications to mark read; leave out (or null) to mark all of mine read.",
    )


class MarkReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()
