"""The one rule for text people type, for the pages and the API alike.

* **One-line fields** (titles, names, subjects, usernames, URLs): a line break, a tab or
  a Unicode line/paragraph separator, with the spaces around it, becomes one space (a
  title pasted from an email keeps its words, and no header or log line can be split by
  it); any other control character (C0, DEL, C1, NUL among them) is refused with a
  message naming it, since it is never typed on purpose.
* **Multi-line fields** (descriptions, replies, notes): line endings become "\\n"; tabs
  and line breaks stay; NUL and every other control character are dropped.

The services apply it to what they store (`one_line_field`, `multi_line`); the API's
string fields (`servicedesk.api.fields`) apply it too, so that a refusal names the field
before any service runs.
"""

import re

from django.utils.translation import gettext as _

from servicedesk.exceptions import ApplicationError

# Line breaks and tabs in a one-line field, with the blanks around them: one space.
_BREAKS = re.compile(r"[ ]*[\r\n\t\u2028\u2029][\r\n\t\u2028\u2029 ]*")
_NEWLINES = re.compile(r"\r\n?")
# Control characters (Unicode category Cc): C0, DEL and C1.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class ControlCharacterError(ValueError):
    """A one-line text has a control character that is refused; the message says which."""


def one_line(value: str) -> str:
    """`value` on one line (breaks and tabs as one space), stripped; raises
    ControlCharacterError for any other control character."""
    value = _BREAKS.sub(" ", value)
    found = _CONTROL.search(value)
    if found:
        raise ControlCharacterError(
            _("Remove the control character U+%(code)04X: this field takes one line of plain text.")
            % {"code": ord(found.group())}
        )
    return value.strip()


def one_line_field(value: str | None, *, field: str) -> str:
    """`one_line` for a service: a refusal is an ApplicationError on `field`."""
    try:
        return one_line(value or "")
    except ControlCharacterError as exc:
        raise ApplicationError(str(exc), field_errors={field: str(exc)}) from None


def multi_line(value: str | None) -> str:
    """`value` with "\\n" line endings and no control characters but newlines and tabs."""
    return _CONTROL_BUT_LINES.sub("", _NEWLINES.sub("\n", value or ""))
