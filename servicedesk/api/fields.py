"""Request fields shared by the API's serializers: every value has the JSON type its
field documents, nothing is coerced.

DRF's own fields read `123` as the string "123", "1" as an integer and "yes" as true;
these refuse them. Strings are checked by `servicedesk.text` (one line, or multi-line)
as the services check them. `ModelSerializer` (servicedesk.api.serializers) maps model
fields to these, and tests/api/test_strict_fields.py checks that every writable field
of every API serializer is one of them.
"""

from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from servicedesk.limits import BIGINT_MAX
from servicedesk.text import ControlCharacterError, multi_line, one_line


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class StringField(serializers.CharField):
    """A JSON string, taken as it is (a password): nothing but a string is accepted."""

    default_error_messages = {
        **serializers.CharField.default_error_messages,
        "invalid": _("Enter text (a JSON string)."),
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class LineField(StringField):
    """One line of text (a title, a name): line breaks and tabs become a space, other
    control characters are refused (`servicedesk.text.one_line`)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # one_line names the control character; DRF's NUL validator would say less.
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return one_line(value)
        except ControlCharacterError as exc:
            raise serializers.ValidationError(str(exc), code="invalid") from None


class TextField(StringField):
    """Several lines of text (a description, a reply): "\\n" line endings; NUL and other
    control characters but tabs and newlines are dropped (`servicedesk.text.multi_line`)."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = multi_line(data)
        return super().to_internal_value(data)


class RegexField(LineField):
    """One line of text that matches a pattern."""

    def __init__(self, regex, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(serializers.RegexField(regex).validators[-1])


class ChoiceField(serializers.ChoiceField):
    """One of the choices, as the JSON type the choices have (a string for "P1")."""

    def to_internal_value(self, data):
        if isinstance(data, bool | list | dict) or (
            not isinstance(data, str) and all(isinstance(key, str) for key in self.choices)
        ):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class IntegerField(serializers.IntegerField):
    """A JSON integer: not "3", not 3.0, not true."""

    def to_internal_value(self, data):
        if not _is_int(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class BooleanField(serializers.BooleanField):
    """A JSON true or false: not "true", not 1."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


def id_field(**kwargs) -> IntegerField:
    """A database id in a request body: a bigint, so that nothing overflows a query."""
    return IntegerField(min_value=1, max_value=BIGINT_MAX, **kwargs)


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object by its id, a JSON integer; anything else is refused, and so is a
    number beyond bigint, before it reaches a query."""

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "incorrect_type": _("Enter an id (a whole number)."),
    }

    def to_internal_value(self, data):
        if not _is_int(data):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= data <= BIGINT_MAX:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)
