"""What every admin write of service standards shares: one message per field for a
refused change (`add_error`, `raise_if_errors`), the audit log of accepted changes
(`diff`, `audit`), the longest name an admin may give, and reading a whole number.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from servicedesk.exceptions import ApplicationError
from servicedesk.text import ControlCharacterError, one_line
from sla.models import StandardChange

NAME_MAX = 120


def raise_if_errors(message: str, errors: dict[str, str]) -> None:
    """Refuse the whole change, with every field's problem, when there is any."""
    if errors:
        raise ApplicationError(message, field_errors=errors)


def add_error(errors: dict[str, str], field: str, message: str) -> None:
    """Keep the first problem of each field: one clear message beats a pile of them."""
    errors.setdefault(field, message)


def clean_line(errors: dict[str, str], field: str, value: str | None) -> str:
    """A one-line text (`servicedesk.text.one_line`); a refused character is `field`'s error."""
    try:
        return one_line(value or "")
    except ControlCharacterError as exc:
        add_error(errors, field, str(exc))
        return ""


def clean_name(errors: dict[str, str], name: str | None, *, others: QuerySet, taken: str) -> str:
    """A calendar's or chain's name: one line, given, not too long, and unique among
    `others` (the same kind of object, the one being edited excluded); `taken` says it is not."""
    name = clean_line(errors, "name", name)
    if "name" in errors:
        return name
    if not name:
        add_error(errors, "name", _("Enter a name."))
    elif len(name) > NAME_MAX:
        add_error(errors, "name", _("The name is longer than %(max)d characters.") % {"max": NAME_MAX})
    elif others.filter(name__iexact=name).exists():
        add_error(errors, "name", taken)
    return name


def audit(*, actor, obj, object_type: str, action: str, changes: dict) -> StandardChange:
    """The change log's entry of one accepted change (`changes` as `diff` gives them)."""
    return StandardChange.objects.create(
        object_type=object_type, object_id=obj.pk, object_name=str(getattr(obj, "name", obj))[:160],
        action=action, actor=actor if getattr(actor, "pk", None) else None, changes=changes,
    )


def diff(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Old → new of every key whose value changed (old is None for a creation)."""
    if old is None:
        return {key: {"old": None, "new": value} for key, value in new.items()}
    return {key: {"old": old.get(key), "new": value} for key, value in new.items() if old.get(key) != value}


def to_int(value) -> int:
    """A whole number from an int or its digits as text; anything else (True too) is a ValueError."""
    if isinstance(value, bool):
        raise ValueError(repr(value))
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ValueError(repr(value))


def other_names(translations: dict | None) -> dict[str, str]:
    """The names in other languages, {lang: name}, of a `translations` value
    (servicedesk.names): the audit log's view of it."""
    return {lang: values["name"] for lang, values in sorted((translations or {}).items())
            if isinstance(values, dict) and values.get("name")}


def clean_other_names(errors: dict[str, str], names: dict[str, str] | None) -> dict[str, str] | None:
    """Names in other languages ({lang: text}, None for "keep") on one line each; a refused
    character is an error on that language's form field (`name_zh_hans`)."""
    if names is None:
        return None
    return {lang: clean_line(errors, f"name_{lang.replace('-', '_')}", text) for lang, text in names.items()}
