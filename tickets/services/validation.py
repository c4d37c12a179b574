"""Checks of what people type when they file or edit a request: the title and the
service item's own fields."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from servicedesk.exceptions import ApplicationError
from servicedesk.text import ControlCharacterError, multi_line, one_line, one_line_field

from ..constants import FieldKind
from ..models import ServiceItem, ServiceItemField

TITLE_MAX = 200


class Refusals:
    """Runs several checks of one input and refuses it once, naming every field at fault,
    so that a form shows all its errors in one round:

        refusals = Refusals()
        title = refusals.check(clean_title, title)
        fields = refusals.check(validate_item_fields, item=item, values=values)
        refusals.raise_if_any()
    """

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.field_errors: dict[str, str] = {}

    def check(self, function, *args, **kwargs):
        """`function(...)`, or None when it refuses (the refusal is kept)."""
        try:
            return function(*args, **kwargs)
        except ApplicationError as error:
            if error.code != "invalid":
                raise  # not a problem of the input (a permission, a conflict): at once
            self.messages.append(error.message)
            self.field_errors.update(error.field_errors)
            return None

    def refuse(self, message: str, **field_errors: str) -> None:
        """Keep a refusal found by the caller itself."""
        self.messages.append(message)
        self.field_errors.update(field_errors)

    def raise_if_any(self) -> None:
        if len(self.messages) == 1:
            raise ApplicationError(self.messages[0], field_errors=self.field_errors)
        if self.messages:
            raise ApplicationError(_("Some fields are not valid: see each one."), field_errors=self.field_errors)


def validate_item_fields(*, item: ServiceItem, values: dict[str, Any] | None) -> dict[str, Any]:
    """Check the values of an item's extra fields; return them cleaned and JSON-ready.

    Raises ApplicationError with one message per bad field (keyed `fields.<key>`).
    Unknown keys are refused too, so that nothing unexpected is stored with the ticket.
    """
    values = dict(values or {})
    if not isinstance(values, dict):
        raise ApplicationError(_("Service fields must be an object."), field_errors={"fields": _("Must be an object.")})
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    definitions: Sequence[ServiceItemField] = list(item.fields.all())
    known = {f.key for f in definitions}
    for key in values:
        if key not in known:
            errors[f"fields.{key}"] = _("Unknown field for this service.")
    for field in definitions:
        raw = values.get(field.key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if field.required:
                errors[f"fields.{field.key}"] = _("This field is required.")
            continue
        try:
            cleaned[field.key] = _clean_field_value(field, raw)
        except ValueError as exc:
            errors[f"fields.{field.key}"] = str(exc)
    if errors:
        raise ApplicationError(_("Some service fields are not valid."), field_errors=errors)
    return cleaned


def _clean_field_value(field: ServiceItemField, raw: Any) -> Any:
    if field.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        if not isinstance(raw, str):
            raise ValueError(_("Enter text."))
        limit = 200 if field.kind == FieldKind.TEXT else 5000
        try:
            text = one_line(raw) if field.kind == FieldKind.TEXT else multi_line(raw).strip()
        except ControlCharacterError as exc:
            raise ValueError(str(exc)) from None
        if len(text) > limit:
            raise ValueError(_("Enter at most %(n)d characters.") % {"n": limit})
        return text
    if field.kind == FieldKind.CHOICE:
        if not isinstance(raw, str) or raw not in field.choices:
            raise ValueError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(map(str, field.choices))})
        return raw
    if field.kind == FieldKind.NUMBER:
        if isinstance(raw, bool):
            raise ValueError(_("Enter a number."))
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        return int(number) if number == number.to_integral_value() else float(number)
    if field.kind == FieldKind.DATE:
        if isinstance(raw, dt.date):
            return raw.isoformat()
        try:
            parsed = parse_date(str(raw).strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValueError(_("Enter a date as YYYY-MM-DD."))
        return parsed.isoformat()
    raise ValueError(_("Unsupported field kind."))


def clean_title(title: str) -> str:
    """A request's title: one line (`servicedesk.text`), given, not too long."""
    title = one_line_field(title, field="title")
    if not title:
        raise ApplicationError(_("Give the request a title."), field_errors={"title": _("This field is required.")})
    if len(title) > TITLE_MAX:
        raise ApplicationError(
            _("The title is too long."), field_errors={"title": _("Enter at most %(n)d characters.") % {"n": TITLE_MAX}}
        )
    return title
