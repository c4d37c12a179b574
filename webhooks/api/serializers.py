from rest_framework import serializers

from servicedesk.api import fields as strict
from servicedesk.api.serializers import ModelSerializer
from teams.api.serializers import UserSummarySerializer
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent


class WebhookEndpointSerializer(ModelSerializer):
    """A receiver of ticket events. `secret` signs every delivery:
    `X-Servicedesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + the raw body>`."""

    url = strict.LineField(max_length=500, help_text="https:// only, at a public address (its host name "
                                                     "is resolved and checked when saved and at every delivery).")
    events = serializers.ListField(child=strict.ChoiceField(choices=WebhookEvent.choices), allow_empty=False,
                                   max_length=len(WebhookEvent.values))
    name = strict.LineField(max_length=120, required=False, allow_blank=True, default="")
    active = strict.BooleanField(required=False, default=True)
    secret = serializers.CharField(read_only=True)
    created_by = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "name", "url", "events", "active", "secret", "created_by", "created_at", "updated_at"]
        read_only_fields = ["id", "secret", "created_by", "created_at", "updated_at"]


class WebhookEndpointUpdateSerializer(serializers.Serializer):
    url = strict.LineField(max_length=500, required=False)
    events = serializers.ListField(child=strict.ChoiceField(choices=WebhookEvent.choices), allow_empty=False,
                                   max_length=len(WebhookEvent.values), required=False)
    name = strict.LineField(max_length=120, required=False, allow_blank=True)
    active = strict.BooleanField(required=False)
    rotate_secret = strict.BooleanField(required=False, default=False,
                                             help_text="Generate a new signing secret.")


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["number", "started_at", "duration_ms", "response_status", "error"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    payload = serializers.JSONField(read_only=True)
    attempt_log = WebhookAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = ["id", "event", "payload", "state", "attempts", "next_attempt_at", "response_status", "last_error",
                  "created_at", "sent_at", "attempt_log"]
        read_only_fields = fields
