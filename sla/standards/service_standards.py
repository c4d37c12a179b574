"""Service standards: which tickets a standard covers (team, category or service,
priority), its targets in business minutes, its calendar and escalation chain.

Service standards are versioned: an edit writes a new row with the same lineage and
running clocks keep the version they started with; retiring one stops it from matching
new tickets.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from servicedesk.exceptions import ApplicationError
from sla.models import BusinessCalendar, EscalationChain, ServiceStandard
from teams.models import Team, User
from tickets.constants import Priority
from tickets.models import ServiceCategory, ServiceItem

from .common import add_error, audit, clean_line, diff, other_names, raise_if_errors, to_int

STANDARD_FIELDS = (
    "name", "team", "category", "service_item", "priority", "calendar", "first_response_minutes",
    "next_response_minutes", "resolution_minutes", "warning_percent", "pause_on_pending", "escalation_chain", "translations",
)
_STANDARD_FKS = {
    "team": Team, "category": ServiceCategory, "service_item": ServiceItem, "calendar": BusinessCalendar,
    "escalation_chain": EscalationChain,
}
_STANDARD_DEFAULTS = {
    "category": None, "service_item": None, "priority": "", "next_response_minutes": None, "warning_percent": 80,
    "pause_on_pending": True,
    "escalation_chain": None, "translations": {},
}


def standard_summary(values: dict[str, Any]) -> dict[str, Any]:
    """Audit view of a standard's fields: related objects by name, the rest as is."""
    summary = {}
    for field in STANDARD_FIELDS:
        value = values.get(field)
        if field == "translations":
            summary["names"] = other_names(value)
        else:
            summary[field] = str(value) if field in _STANDARD_FKS and value is not None else value
    return summary


def _standard_values(standard: ServiceStandard) -> dict[str, Any]:
    return {field: getattr(standard, field) for field in STANDARD_FIELDS}


def _same_values(a: dict[str, Any], b: dict[str, Any]) -> bool:
    def key(values):
        return tuple(getattr(values[f], "pk", values[f]) for f in STANDARD_FIELDS)
    return key(a) == key(b)


def _clean_standard(values: dict[str, Any], *, lineage, errors: dict[str, str]) -> dict[str, Any]:
    cleaned = dict(values)
    name = clean_line(errors, "name", values.get("name"))
    if not name:
        add_error(errors, "name", _("Enter a name."))
    elif len(name) > 160:
        add_error(errors, "name", _("The name is longer than %(max)d characters.") % {"max": 160})
    cleaned["name"] = name
    translations = values.get("translations") or {}
    if not isinstance(translations, dict):
        translations = {}
    cleaned["translations"] = {
        lang: {**entry, "name": clean_line(errors, f"name_{lang.replace('-', '_')}", entry.get("name"))}
        for lang, entry in translations.items() if isinstance(entry, dict)
    }
    for field, model in _STANDARD_FKS.items():
        value = values.get(field)
        if value is not None and not isinstance(value, model):
            add_error(errors, field, _("Choose one of the options."))
            cleaned[field] = None
    if cleaned.get("team") is None:
        add_error(errors, "team", _("Choose the service team."))
    if cleaned.get("calendar") is None:
        add_error(errors, "calendar", _("Choose the business calendar."))
    priority = values.get("priority") or ""
    if priority not in ("", *Priority.values):
        add_error(errors, "priority", _("Choose a priority, or any priority."))
    cleaned["priority"] = priority
    team, category, item = cleaned.get("team"), cleaned.get("category"), cleaned.get("service_item")
    if item is not None and team is not None and item.team_id != team.pk:
        add_error(errors, "service_item", _("%(item)s belongs to another service team.") % {"item": item})
    if item is not None and category is not None and item.category_id != category.pk:
        add_error(errors, "category", _("%(item)s is not in the service category %(category)s.") % {
            "item": item, "category": category})

    for field in ("first_response_minutes", "resolution_minutes", "warning_percent"):
        try:
            cleaned[field] = to_int(values.get(field))
        except ValueError:
            add_error(errors, field, _("Enter a whole number."))
            cleaned[field] = None
    first, resolution, warning = (cleaned["first_response_minutes"], cleaned["resolution_minutes"],
                                  cleaned["warning_percent"])
    if first is not None and first <= 0:
        add_error(errors, "first_response_minutes", _("The first response target must be more than 0 minutes."))
    if resolution is not None and resolution <= 0:
        add_error(errors, "resolution_minutes", _("The resolution target must be more than 0 minutes."))
    elif first is not None and first > 0 and resolution is not None and resolution < first:
        add_error(errors, "resolution_minutes",
                   _("The resolution target cannot be shorter than the first response target."))
    # Optional: empty means the standard does not track next responses. A next response owed
    # longer than the whole resolution target could never be the one that matters.
    next_response = values.get("next_response_minutes")
    if next_response in (None, ""):
        cleaned["next_response_minutes"] = None
    else:
        try:
            cleaned["next_response_minutes"] = next_response = to_int(next_response)
        except ValueError:
            add_error(errors, "next_response_minutes", _("Enter a whole number, or leave it empty."))
            cleaned["next_response_minutes"] = next_response = None
        if next_response is not None and next_response <= 0:
            add_error(errors, "next_response_minutes",
                      _("The next response target must be more than 0 minutes, or empty."))
        elif next_response is not None and resolution is not None and next_response > resolution:
            add_error(errors, "next_response_minutes",
                      _("The next response target cannot be longer than the resolution target."))
    if warning is not None and not 1 <= warning <= 99:
        add_error(errors, "warning_percent", _("The warning must be between 1 and 99 percent of the target."))
    cleaned["pause_on_pending"] = bool(values.get("pause_on_pending"))

    if team is not None and not errors:
        clash = ServiceStandard.objects.filter(
            is_current=True, team=team, category=category, service_item=item, priority=priority,
        ).exclude(lineage=lineage).first()
        if clash is not None:
            add_error(errors, "__all__", _("%(other)s already covers the same service team, scope and priority.")
                       % {"other": clash.name})
    return cleaned


@transaction.atomic
def standard_save(*, actor: User | None, standard: ServiceStandard | None = None, cause: dict | None = None,
                  **fields) -> ServiceStandard:
    """Create a service standard, or edit one by writing its next version.

    An edit never changes the row that running clocks point at: it writes a new row with
    the same lineage and `version + 1` and retires the old one. Fields left out keep
    their current value. Saving without any change writes nothing. `cause` names what led
    to the change, kept in its change log entry (the quarterly review: {"review": id}).
    """
    unknown = set(fields) - set(STANDARD_FIELDS)
    if unknown:
        raise TypeError(f"standard_save() got unexpected fields: {sorted(unknown)}")
    old = None
    if standard is not None:
        old = ServiceStandard.objects.select_for_update().get(pk=standard.pk)
        if not old.is_current:
            raise ApplicationError(_("This is an old version of %(name)s; edit the current version instead.")
                                   % {"name": old.name}, code="conflict")
        values = {**_standard_values(old), **fields}
    else:
        values = {**_STANDARD_DEFAULTS, **fields}
    errors: dict[str, str] = {}
    cleaned = _clean_standard(values, lineage=old.lineage if old else None, errors=errors)
    raise_if_errors(_("The service standard was not saved."), errors)

    if old is not None and _same_values(_standard_values(old), cleaned):
        return old
    new = ServiceStandard(created_by=actor if getattr(actor, "pk", None) else None, **cleaned)
    if old is not None:
        new.lineage, new.version = old.lineage, old.version + 1
        old.is_current = False
        old.save(update_fields=["is_current"])
    new.save()
    changes = diff(standard_summary(_standard_values(old)) if old else None, standard_summary(cleaned))
    changes["version"] = {"old": old.version if old else None, "new": new.version}
    for key, value in (cause or {}).items():
        changes[key] = {"old": None, "new": value}
    audit(actor=actor, obj=new, object_type="standard", action="created" if old is None else "updated",
           changes=changes)
    return new


@transaction.atomic
def standard_retire(*, actor: User | None, standard: ServiceStandard) -> ServiceStandard:
    """Stop a service standard from matching new tickets; running clocks keep it."""
    standard = ServiceStandard.objects.select_for_update().get(pk=standard.pk)
    if not standard.is_current:
        raise ApplicationError(_("%(name)s is already retired or replaced by a newer version.")
                               % {"name": standard.name}, code="conflict")
    standard.is_current = False
    standard.save(update_fields=["is_current"])
    audit(actor=actor, obj=standard, object_type="standard", action="retired",
           changes={"is_current": {"old": True, "new": False}, "version": {"old": standard.version,
                                                                            "new": standard.version}})
    return standard
