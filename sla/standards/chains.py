"""Escalation chains: ordered levels triggered at a percentage of the target or at the
breach plus a delay, each notifying people, raising the priority or reassigning. An edit
asks for the running clocks on the chain to be re-planned.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from servicedesk.names import name_translations
from servicedesk.text import multi_line
from sla.bookkeeping import clocks_replan_request
from sla.models import EscalationChain, EscalationLevel
from teams.models import Team, User

from .common import add_error, audit, clean_name, clean_other_names, diff, other_names, raise_if_errors, to_int

LEVEL_FIELDS = (
    "order", "trigger", "percent", "delay_minutes", "applies_to", "notify_assignee", "notify_lead",
    "notify_admins", "notify_users", "raise_priority", "reassign", "reassign_team",
)


def level_summary(level: dict[str, Any]) -> dict[str, Any]:
    """A level as plain JSON for the audit log; the change log words it in the reader's
    language (sla.views.level_text). Entries written before 2026-12 hold an English line."""
    reassign_team = level.get("reassign_team")
    return {
        "order": level["order"], "trigger": level["trigger"], "percent": level.get("percent"),
        "applies_to": level["applies_to"], "delay_minutes": level.get("delay_minutes") or 0,
        "notify": [who for who, flag in (("assignee", level["notify_assignee"]), ("lead", level["notify_lead"]),
                                         ("admins", level["notify_admins"])) if flag],
        "users": sorted(user.get_username() for user in level["notify_users"]),
        "raise_priority": bool(level["raise_priority"]), "reassign": level.get("reassign") or "",
        "reassign_team": str(reassign_team) if reassign_team else None,
    }


def _existing_level(level: EscalationLevel) -> dict[str, Any]:
    values = {field: getattr(level, field) for field in LEVEL_FIELDS if field != "notify_users"}
    values["notify_users"] = list(level.notify_users.all())
    return values


def chain_summary(*, name: str, description: str, levels: list[dict[str, Any]],
                  names: dict[str, str] | None = None) -> dict[str, Any]:
    return {"name": name, "names": names or {}, "description": description,
            "levels": [level_summary(level) for level in levels]}


def _clean_levels(levels, errors) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    for index, row in enumerate(levels or (), start=1):
        label = _("Level %(n)s") % {"n": row.get("order", index)}
        level: dict[str, Any] = {}
        try:
            level["order"] = to_int(row.get("order", index))
        except ValueError:
            level["order"] = None
        if level["order"] is None or level["order"] <= 0:
            add_error(errors, "levels", _("%(level)s: the level number must be 1 or more.") % {"level": label})
            continue
        trigger = row.get("trigger") or EscalationLevel.Trigger.AFTER_BREACH
        applies_to = row.get("applies_to") or EscalationLevel.AppliesTo.EVERY_TARGET
        reassign = row.get("reassign") or ""
        if trigger not in EscalationLevel.Trigger.values or applies_to not in EscalationLevel.AppliesTo.values \
                or reassign not in EscalationLevel.Reassign.values:
            add_error(errors, "levels", _("%(level)s: choose one of the options.") % {"level": label})
            continue
        level.update(trigger=trigger, applies_to=applies_to, reassign=reassign)
        if trigger == EscalationLevel.Trigger.PERCENT:
            try:
                level["percent"] = to_int(row.get("percent"))
            except ValueError:
                level["percent"] = None
            if level["percent"] is None or not 1 <= level["percent"] <= 99:
                add_error(errors, "levels", _("%(level)s: a percentage level needs a percent between 1 and 99.")
                           % {"level": label})
                continue
            level["delay_minutes"] = 0
        else:
            level["percent"] = None
            try:
                level["delay_minutes"] = to_int(row.get("delay_minutes") or 0)
            except ValueError:
                level["delay_minutes"] = -1
            if level["delay_minutes"] < 0:
                add_error(errors, "levels", _("%(level)s: the minutes after the breach cannot be negative.")
                           % {"level": label})
                continue
        for flag in ("notify_assignee", "notify_lead", "notify_admins", "raise_priority"):
            level[flag] = bool(row.get(flag))
        users = list(row.get("notify_users") or ())
        if any(not isinstance(user, User) for user in users):
            ids = [getattr(user, "pk", user) for user in users]
            found = {user.pk: user for user in User.objects.filter(pk__in=ids)}
            if len(found) != len(set(ids)):
                add_error(errors, "levels", _("%(level)s: unknown person to notify.") % {"level": label})
                continue
            users = [found[pk] for pk in ids]
        level["notify_users"] = users
        team = row.get("reassign_team")
        if reassign == EscalationLevel.Reassign.TEAM:
            if not isinstance(team, Team):
                add_error(errors, "levels", _("%(level)s: choose the team to reassign to.") % {"level": label})
                continue
            level["reassign_team"] = team
        else:
            level["reassign_team"] = None
        if not (level["notify_assignee"] or level["notify_lead"] or level["notify_admins"] or users
                or level["raise_priority"] or reassign):
            add_error(errors, "levels", _("%(level)s does nothing: choose whom to notify or what to change.")
                       % {"level": label})
            continue
        cleaned.append(level)

    orders = [level["order"] for level in cleaned]
    if len(orders) != len(set(orders)):
        add_error(errors, "levels", _("Two levels have the same number; every level needs its own."))
    cleaned.sort(key=lambda level: level["order"])
    seen_breach = False
    previous_percent = previous_delay = None
    for level in cleaned:
        label = _("Level %(n)s") % {"n": level["order"]}
        if level["trigger"] == EscalationLevel.Trigger.PERCENT:
            if seen_breach:
                add_error(errors, "levels", _("%(level)s: percentage levels come before the levels after the "
                                               "breach.") % {"level": label})
            elif previous_percent is not None and level["percent"] <= previous_percent:
                add_error(errors, "levels", _("%(level)s: each percentage level must be higher than the one before.")
                           % {"level": label})
            previous_percent = level["percent"]
        else:
            if previous_delay is not None and level["delay_minutes"] < previous_delay:
                add_error(errors, "levels", _("%(level)s: each level after the breach must come no earlier than "
                                               "the one before.") % {"level": label})
            seen_breach = True
            previous_delay = level["delay_minutes"]
    return cleaned


@transaction.atomic
def chain_save(
    *,
    actor: User | None,
    chain: EscalationChain | None = None,
    name: str,
    description: str = "",
    levels: list[dict],
    names: dict[str, str] | None = None,
) -> EscalationChain:
    """Create an escalation chain or replace its levels.

    Levels are matched by their number, so an edited level keeps its row (and the
    escalations already recorded against it); levels left out are deleted.
    """
    old = None
    existing: dict[int, EscalationLevel] = {}
    if chain is not None:
        chain = EscalationChain.objects.select_for_update().get(pk=chain.pk)
        existing = {level.order: level for level in chain.levels.prefetch_related("notify_users")}
        old = chain_summary(name=chain.name, description=chain.description,
                            levels=[_existing_level(level) for level in existing.values()], names=other_names(chain.translations))
    errors: dict[str, str] = {}
    name = clean_name(errors, name, others=EscalationChain.objects.exclude(pk=getattr(chain, "pk", None)),
                      taken=_("Another escalation chain already has this name."))
    description = multi_line(description).strip()
    cleaned = _clean_levels(levels, errors)
    names = clean_other_names(errors, names)
    raise_if_errors(_("The escalation chain was not saved."), errors)

    translations = name_translations(names, getattr(chain, "translations", None)) if names is not None else (
        getattr(chain, "translations", None) or {})
    new = chain_summary(name=name, description=description, levels=cleaned,
                        names=other_names(translations))
    changes = diff(old, new)
    if old is not None and not changes:
        return chain
    if chain is None:
        chain = EscalationChain.objects.create(name=name, description=description)
    chain.name, chain.description, chain.translations = name, description, translations
    chain.save(update_fields=["name", "description", "translations", "updated_at"])
    wanted = {level["order"] for level in cleaned}
    chain.levels.exclude(order__in=wanted).delete()
    for values in cleaned:
        users = values["notify_users"]
        attrs = {field: values[field] for field in LEVEL_FIELDS if field not in ("order", "notify_users")}
        level = existing.get(values["order"])
        if level is None:
            level = EscalationLevel.objects.create(chain=chain, order=values["order"], **attrs)
        else:
            for field, value in attrs.items():
                setattr(level, field, value)
            level.save(update_fields=list(attrs))
        level.notify_users.set(users)
    audit(actor=actor, obj=chain, object_type="chain", action="created" if old is None else "updated",
           changes=changes)
    if old is not None:
        clocks_replan_request(chain=chain)
    return chain
