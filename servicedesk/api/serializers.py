"""Schemas shared by every endpoint's documentation."""

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages per field, e.g. {\"fields.asset_tag\": [\"This field is required.\"]}.",
    )
