"""Every value a client writes through the API is read by one of the strict fields of
`servicedesk.api.fields` (or a date, a time, a file, a service's free-form answers): a
new serializer that uses DRF's coercing CharField, IntegerField or BooleanField fails
here, so `"title": 123` cannot come back as "123"."""

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from servicedesk.api import fields as strict

STRICT = (strict.StringField, strict.IntegerField, strict.BooleanField, strict.ChoiceField, strict.IdRelatedField,
          serializers.DateField, serializers.DateTimeField, serializers.FileField)


def request_serializers(monkeypatch):
    """The request serializer of every POST, PATCH and PUT endpoint, as the schema finds it."""
    found = {}
    original = AutoSchema._get_request_body

    # Each operation asks for its request body here; `get_request_serializer` (public, and
    # overridden by @extend_schema(request=…)) says which serializer reads it.
    def spy(schema, *args, **kwargs):
        serializer = schema.get_request_serializer()
        if schema.method in ("POST", "PATCH", "PUT") and serializer is not None:
            found[f"{schema.method} {schema.path}"] = serializer
        return original(schema, *args, **kwargs)

    monkeypatch.setattr(AutoSchema, "_get_request_body", spy)
    SchemaGenerator().get_schema(request=None, public=True)
    return found


def writable_leaves(field, name):
    if isinstance(field, dict):  # by media type
        for serializer in field.values():
            yield from writable_leaves(serializer, name)
        return
    if isinstance(field, type):
        field = field()
    if isinstance(field, serializers.ListSerializer):
        yield from writable_leaves(field.child, f"{name}.0")
    elif isinstance(field, serializers.Serializer):
        for key, child in field.fields.items():
            if not child.read_only:
                yield from writable_leaves(child, f"{name}.{key}")
    elif isinstance(field, serializers.ManyRelatedField):
        yield from writable_leaves(field.child_relation, f"{name}.0")
    elif isinstance(field, serializers.ListField):
        yield from writable_leaves(field.child, f"{name}.0")
    elif isinstance(field, serializers.DictField) and type(field.child).__name__ == "_UnvalidatedField":
        return  # a service item's answers: each is checked by the service against its kind
    else:
        yield name, field


def test_every_writable_api_field_takes_only_its_own_json_type(monkeypatch):
    endpoints = request_serializers(monkeypatch)
    assert "POST /api/v1/tickets/" in endpoints and "POST /api/v1/auth/token/" in endpoints

    lax = [f"{endpoint}: {name} is a {type(field).__name__}"
           for endpoint, serializer in endpoints.items()
           for name, field in writable_leaves(serializer, "body")
           if not isinstance(field, STRICT)]

    assert lax == []
