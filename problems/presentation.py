"""A problem's history in words, in the reader's language."""

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from tickets.constants import Priority

from .models import Problem, ProblemChange, ProblemStatus


def _field_label(field: str) -> str:
    try:
        return str(Problem._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field


def _value(field: str, value) -> str:
    if field == "status" and value in ProblemStatus.values:
        return str(ProblemStatus(value).label)
    if field == "priority" and value in Priority.values:
        return str(Priority(value).label)
    text = str(value or "—")
    return text if len(text) <= 80 else f"{text[:79]}…"


def describe_change(change: ProblemChange) -> list[str]:
    """The lines of one history entry: what was done, and for an edit each field old → new."""
    data = change.data or {}
    kind = change.kind
    if kind == ProblemChange.Kind.CREATED:
        if data.get("ref"):
            return [_("Raised the problem from %(ref)s") % {"ref": data["ref"]}]
        return [_("Raised the problem")]
    if kind == ProblemChange.Kind.EDITED:
        return [_("Changed %(field)s: %(old)s → %(new)s") % {
            "field": _field_label(field), "old": _value(field, values[0]), "new": _value(field, values[1])}
            for field, values in data.items() if isinstance(values, list) and len(values) == 2]
    if kind == ProblemChange.Kind.LINKED:
        return [_("Linked incident %(ref)s") % {"ref": data.get("ref", "?")}]
    if kind == ProblemChange.Kind.UNLINKED:
        return [_("Unlinked incident %(ref)s") % {"ref": data.get("ref", "?")}]
    outcomes = data.get("outcomes") or []
    if kind == ProblemChange.Kind.WORKAROUND_SENT:
        sent = [o["ref"] for o in outcomes if o.get("outcome") == "sent"]
        return [_("Sent the workaround to %(refs)s") % {"refs": ", ".join(sent) or "—"}]
    if kind == ProblemChange.Kind.INCIDENTS_RESOLVED:
        done = [o["ref"] for o in outcomes if o.get("outcome") == "resolved"]
        refused = [o["ref"] for o in outcomes if o.get("outcome") == "refused"]
        lines = [_("Resolved the incidents with the problem: %(refs)s") % {"refs": ", ".join(done) or "—"}]
        if refused:
            lines.append(_("Could not resolve: %(refs)s") % {"refs": ", ".join(refused)})
        return lines
    if kind == ProblemChange.Kind.FLAGGED:
        threshold = str(data.get("threshold", ""))
        if threshold.startswith("incidents:"):
            return [_("Flagged to the service admins: %(n)s linked incidents") % {"n": data.get("value", "?")}]
        return [_("Flagged to the service admins: open for %(n)s days") % {"n": data.get("value", "?")}]
    if kind == ProblemChange.Kind.ARTICLE:
        return [_("Published as knowledge article #%(id)s") % {"id": data.get("article", "?")}]
    return [str(change.get_kind_display())]
