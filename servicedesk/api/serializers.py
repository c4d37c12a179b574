"""Schemas shared by every endpoint's documentation, and the base of the API's model
serializers."""

from django.db import models
from rest_framework import serializers

from . import fields


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages per field, e.g. {\"fields.asset_tag\": [\"This field is required.\"]}.",
    )


class ModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose generated fields take only their own JSON type
    (`servicedesk.api.fields`): every API serializer that writes derives from it."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: fields.LineField,
        models.SlugField: fields.LineField,
        models.TextField: fields.TextField,
        models.IntegerField: fields.IntegerField,
        models.BigIntegerField: fields.IntegerField,
        models.SmallIntegerField: fields.IntegerField,
        models.PositiveIntegerField: fields.IntegerField,
        models.PositiveSmallIntegerField: fields.IntegerField,
        models.PositiveBigIntegerField: fields.IntegerField,
        models.BooleanField: fields.BooleanField,
    }
    serializer_related_field = fields.IdRelatedField
    serializer_choice_field = fields.ChoiceField
