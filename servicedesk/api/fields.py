"""Request fields shared by the API's serializers."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from servicedesk.limits import BIGINT_MAX


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object by its id; anything that is not a bigint is refused before it
    reaches a query (so no input can overflow the database's integer)."""

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "incorrect_type": _("Enter an id (a whole number)."),
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, str):
            if not (data.isascii() and data.isdigit()):
                self.fail("incorrect_type", data_type="str")
            if len(data) > 19:
                self.fail("does_not_exist", pk_value=data[:20])
            data = int(data)
        if not 1 <= data <= BIGINT_MAX:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)
