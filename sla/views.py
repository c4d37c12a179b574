"""Pages where service admins keep the service standards: standards and their versions,
business calendars, escalation chains, the due-time simulator and the change log.

Views stay thin: forms parse, `sla.standards` writes, `sla.selectors` reads. Everyone
but a service admin gets a 404, so the pages do not reveal that they exist.
"""

from __future__ import annotations

import functools
from collections import OrderedDict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from servicedesk.exceptions import ApplicationError
from teams.selectors import visible_teams
from tickets.presentation import format_business_minutes

from . import selectors
from .forms import (
    CalendarForm,
    ChainForm,
    HolidayImportForm,
    LevelFormSet,
    SimulatorForm,
    StandardForm,
    level_initial,
)
from .models import EscalationLevel, ServiceStandard, SLAClock
from .standards import service_standards
from .standards.calendars import WEEKDAY_KEYS, available_timezones, calendar_import_holidays, calendar_save
from .standards.chains import chain_save
from .standards.simulator import simulate


def admin_required(view):
    """Service admins only; anyone else signed in gets a 404."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_admin_role:
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapper)


# --- presentation helpers -------------------------------------------------------------

FIELD_LABELS = {
    "name": gettext_lazy("name"),
    "names": gettext_lazy("name in other languages"),
    "timezone": gettext_lazy("time zone"),
    "extra_day_weekday": gettext_lazy("make-up days use the hours of"),
    "working_hours": gettext_lazy("working hours"),
    "holidays": gettext_lazy("holidays"),
    "extra_working_days": gettext_lazy("make-up working days"),
    "source": gettext_lazy("imported from"),
    "team": gettext_lazy("service team"),
    "category": gettext_lazy("service category"),
    "service_item": gettext_lazy("service"),
    "priority": gettext_lazy("priority"),
    "calendar": gettext_lazy("business calendar"),
    "first_response_minutes": gettext_lazy("first response target (business minutes)"),
    "next_response_minutes": gettext_lazy("next response target (business minutes)"),
    "resolution_minutes": gettext_lazy("resolution target (business minutes)"),
    "warning_percent": gettext_lazy("warn at percent of target"),
    "pause_on_pending": gettext_lazy("pause while waiting on requester"),
    "escalation_chain": gettext_lazy("escalation chain"),
    "version": gettext_lazy("version"),
    "is_current": gettext_lazy("current"),
    "description": gettext_lazy("description"),
    "levels": gettext_lazy("escalation levels"),
    "review": gettext_lazy("quarterly review"),
}
OBJECT_LABELS = {
    "standard": gettext_lazy("service standard"),
    "calendar": gettext_lazy("business calendar"),
    "chain": gettext_lazy("escalation chain"),
}
ACTION_LABELS = {
    "created": gettext_lazy("created"),
    "updated": gettext_lazy("changed"),
    "retired": gettext_lazy("retired"),
    "imported": gettext_lazy("holidays imported"),
}


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value)


_WEEKDAY_NAMES = dict(zip(WEEKDAY_KEYS, (WEEKDAYS[day] for day in range(7)), strict=True))


def _weekday_text(value) -> str:
    """A weekday stored as 0–6 (Monday 0) or as its key ("Mon"), in the reader's language."""
    if value is None:
        return _text(value)
    if isinstance(value, int) and 0 <= value <= 6:
        return str(WEEKDAYS[value])
    return str(_WEEKDAY_NAMES.get(value, value))


def _key_text(key) -> str:
    """A key of a per-weekday or per-language value: the weekday or the language's name."""
    return str(dict(settings.LANGUAGES).get(key) or _weekday_text(key))


def level_text(level) -> str:
    """An escalation level of the change log in the reader's language, e.g. "2: 30 min
    after the breach of the resolution → the team lead, raise the priority". Entries
    written before levels were stored as data hold their English line: shown as stored."""
    if not isinstance(level, dict):
        return _text(level)
    target = str(EscalationLevel.AppliesTo(level["applies_to"]).label)
    if level["trigger"] == EscalationLevel.Trigger.PERCENT:
        when = _("at %(percent)d%% of the %(target)s target") % {"percent": level["percent"] or 0, "target": target}
    elif level["delay_minutes"]:
        when = _("%(delay)s after the breach of the %(target)s target") % {
            "delay": format_business_minutes(level["delay_minutes"]), "target": target}
    else:
        when = _("at the breach of the %(target)s target") % {"target": target}
    who = {"assignee": _("the assignee"), "lead": _("the team lead"), "admins": _("the service admins")}
    actions = [str(who[key]) for key in level["notify"] if key in who] + list(level["users"])
    if level["raise_priority"]:
        actions.append(_("raise the priority"))
    if level["reassign"] == EscalationLevel.Reassign.LEAD:
        actions.append(_("reassign to the team lead"))
    elif level["reassign"] == EscalationLevel.Reassign.TEAM:
        actions.append(_("reassign to %(team)s") % {"team": level["reassign_team"]})
    return _("%(order)d: %(when)s → %(actions)s") % {
        "order": level["order"], "when": when, "actions": _(", ").join(actions) or "—"}


# How the change log words the values of some fields; the others are shown as stored.
_VALUE_TEXT = {"extra_day_weekday": _weekday_text, "levels": level_text}


def change_rows(changes: dict) -> list[dict]:
    """Old → new lines of one audit entry; for lists and per-day hours only what differs."""
    rows = []
    order = list(FIELD_LABELS)
    # jsonb does not keep key order: show fields in the order of the forms.
    items = sorted((changes or {}).items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order),
                                                             kv[0]))
    for field, change in items:
        old, new = change.get("old"), change.get("new")
        text = _VALUE_TEXT.get(field, _text)
        if isinstance(old, dict) or isinstance(new, dict):  # working hours by weekday, names by language
            old, new = old or {}, new or {}
            keys = [key for key in (*old, *[k for k in new if k not in old]) if old.get(key) != new.get(key)]
            old_text = "\n".join(f"{_key_text(key)} {_text(old.get(key))}" for key in keys)
            new_text = "\n".join(f"{_key_text(key)} {_text(new.get(key))}" for key in keys)
        elif isinstance(old, list) or isinstance(new, list):
            old, new = old or [], new or []
            old_text = "\n".join(f"− {text(line)}" for line in old if line not in new) or "—"
            new_text = "\n".join(f"+ {text(line)}" for line in new if line not in old) or "—"
        else:
            old_text, new_text = text(old), text(new)
        if old_text != new_text:
            row = {"field": FIELD_LABELS.get(field, field), "old": old_text, "new": new_text}
            if field == "review" and isinstance(new, int):  # the quarterly review that made the change
                row["url"], row["new"] = reverse("review-detail", args=[new]), f"#{new}"
            rows.append(row)
    return rows


def _audit_entries(changes):
    return [
        {"change": change, "object_label": OBJECT_LABELS.get(change.object_type, change.object_type),
         "action_label": ACTION_LABELS.get(change.action, change.action), "rows": change_rows(change.changes)}
        for change in changes
    ]


def _scope(standard: ServiceStandard) -> str:
    if standard.service_item_id:
        return standard.service_item.tr("name")
    if standard.category_id:
        return _("every service in %(category)s") % {"category": standard.category.tr("name")}
    return _("whole service team")


def _standard_row(standard: ServiceStandard) -> dict:
    return {
        "standard": standard,
        "scope": _scope(standard),
        "priority": standard.get_priority_display() if standard.priority else _("any priority"),
        "first_response": format_business_minutes(standard.first_response_minutes),
        "next_response": format_business_minutes(standard.next_response_minutes) or _("not tracked"),
        "resolution": format_business_minutes(standard.resolution_minutes),
    }


# --- service standards ----------------------------------------------------------------


@admin_required
def standard_list(request):
    standards = list(selectors.current_standards())
    groups: OrderedDict = OrderedDict()
    for standard in standards:
        groups.setdefault(standard.team, []).append(_standard_row(standard))
    with_default = {s.team_id for s in standards if not s.category_id and not s.service_item_id and not s.priority}
    teams_without_default = [team for team in visible_teams(user=request.user).filter(is_active=True)
                             if team.pk not in with_default]
    return render(request, "sla/standards.html", {
        "groups": list(groups.items()), "teams_without_default": teams_without_default,
    })


@admin_required
def standard_edit(request, pk: int | None = None):
    standard = get_object_or_404(ServiceStandard, pk=pk) if pk else None
    if standard is not None and not standard.is_current:
        messages.warning(request, _("This is an old version; only the current version can be edited."))
        return redirect("sla:standard-history", pk=standard.pk)
    if request.method == "POST":
        form = StandardForm(request.POST)
        if form.is_valid():
            try:
                saved = service_standards.standard_save(actor=request.user, standard=standard,
                                                        **form.service_kwargs(standard))
            except ApplicationError as error:
                form.add_application_error(error)
            else:
                if standard is not None and saved.pk != standard.pk:
                    messages.success(request, _("Saved as version %(version)s of %(name)s. Tickets already "
                                                "running keep the version they started with.")
                                     % {"version": saved.version, "name": saved.name})
                else:
                    messages.success(request, _("Service standard %(name)s saved.") % {"name": saved.name})
                return redirect("sla:standards")
    else:
        form = StandardForm(initial=StandardForm.initial_from(standard) if standard else None)
    return render(request, "sla/standard_form.html", {"form": form, "standard": standard})


@admin_required
def standard_history(request, pk: int):
    standard = get_object_or_404(ServiceStandard, pk=pk)
    versions = list(selectors.standard_versions(lineage=standard.lineage))
    entries = _audit_entries(selectors.standard_changes_of(object_type="standard", object_ids=[v.pk for v in versions]))
    current = next((v for v in versions if v.is_current), None)
    return render(request, "sla/standard_history.html", {
        "standard": standard, "current": current, "rows": [_standard_row(v) for v in versions],
        "entries": entries,
    })


@admin_required
@require_POST
def standard_retire(request, pk: int):
    standard = get_object_or_404(ServiceStandard, pk=pk)
    try:
        service_standards.standard_retire(actor=request.user, standard=standard)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is retired: it no longer applies to new tickets.")
                         % {"name": standard.name})
    return redirect("sla:standards")


# --- business calendars ---------------------------------------------------------------


def _calendar_rows(calendars):
    rows = []
    for calendar in calendars:
        initial = CalendarForm.initial_from(calendar)
        rows.append({
            "calendar": calendar,
            "hours": [(str(label), initial[f"hours_{day}"]) for day, label in enumerate(_weekday_labels())],
            "holiday_count": len(calendar.holidays.all()),
            "extra_count": len(calendar.extra_working_days.all()),
        })
    return rows


def _weekday_labels():
    return [WEEKDAYS_ABBR[day] for day in range(7)]


@admin_required
def calendar_list(request):
    return render(request, "sla/calendars.html", {"rows": _calendar_rows(selectors.calendars())})


def _calendar_page(request, *, form, calendar, import_form=None, status=200):
    return render(request, "sla/calendar_form.html", {
        "form": form, "calendar": calendar,
        "import_form": import_form or (HolidayImportForm() if calendar else None),
        "timezones": sorted(available_timezones()),
    }, status=status)


@admin_required
def calendar_edit(request, pk: int | None = None):
    calendar = get_object_or_404(selectors.calendars(), pk=pk) if pk else None
    if request.method == "POST":
        form = CalendarForm(request.POST)
        if form.is_valid():
            try:
                saved = calendar_save(actor=request.user, calendar=calendar, **form.service_kwargs())
            except ApplicationError as error:
                form.add_application_error(error)
            else:
                messages.success(request, _("Business calendar %(name)s saved.") % {"name": saved.name})
                return redirect("sla:calendars")
    else:
        form = CalendarForm(initial=CalendarForm.initial_from(calendar) if calendar else None)
    return _calendar_page(request, form=form, calendar=calendar)


@admin_required
@require_POST
def calendar_import(request, pk: int):
    calendar = get_object_or_404(selectors.calendars(), pk=pk)
    import_form = HolidayImportForm(request.POST)
    if import_form.is_valid():
        data = import_form.cleaned_data
        try:
            added = calendar_import_holidays(actor=request.user, calendar=calendar, country=data["country"],
                                             year=data["year"], subdiv=data["subdiv"] or None)
        except ApplicationError as error:
            import_form.add_application_error(error)
        else:
            if added:
                messages.success(request, _("%(count)d holidays and make-up working days added.") % {"count": added})
            else:
                messages.info(request, _("Nothing to add: the calendar already has these holidays."))
            return redirect("sla:calendar-edit", pk=calendar.pk)
    form = CalendarForm(initial=CalendarForm.initial_from(calendar))
    return _calendar_page(request, form=form, calendar=calendar, import_form=import_form)


# --- escalation chains ----------------------------------------------------------------


@admin_required
def chain_list(request):
    return render(request, "sla/chains.html", {"chains": selectors.chains()})


@admin_required
def chain_edit(request, pk: int | None = None):
    chain = get_object_or_404(selectors.chains(), pk=pk) if pk else None
    if request.method == "POST":
        form = ChainForm(request.POST)
        formset = LevelFormSet(request.POST, prefix="levels")
        if form.is_valid() and formset.is_valid():
            try:
                saved = chain_save(actor=request.user, chain=chain, name=form.cleaned_data["name"],
                                   description=form.cleaned_data["description"], levels=formset.levels(),
                                   names=form.other_names())
            except ApplicationError as error:
                form.add_application_error(error)
            else:
                messages.success(request, _("Escalation chain %(name)s saved.") % {"name": saved.name})
                return redirect("sla:chains")
    else:
        form = ChainForm(initial={"name": chain.name, "description": chain.description,
                                  **ChainForm.names_initial(chain)} if chain else None)
        formset = LevelFormSet(prefix="levels", initial=level_initial(chain) if chain else None)
    return render(request, "sla/chain_form.html", {"form": form, "formset": formset, "chain": chain})


# --- simulator and change log ---------------------------------------------------------


@admin_required
def simulator(request):
    result = None
    if request.GET:
        form = SimulatorForm(request.GET)
        if form.is_valid():
            try:
                result = simulate(**form.service_kwargs())
            except ApplicationError as error:
                form.add_application_error(error)
    else:
        form = SimulatorForm()
    return render(request, "sla/simulator.html", {"form": form, "result": result,
                                                  "rows": _simulation_rows(result) if result else []})


def _simulation_rows(result: dict) -> list[dict]:
    """The instants of a simulation in time order, each as shown and as ISO 8601."""
    kinds = {str(value): str(label) for value, label in SLAClock.Kind.choices}
    rows = []
    if "first_response_due" in result:
        rows += [
            {"label": _("first response at risk"), "at": result["first_response_warning_at"]},
            {"label": _("first response due"), "at": result["first_response_due"], "strong": True},
            {"label": _("resolution at risk"), "at": result["warning_at"]},
            {"label": _("resolution due"), "at": result["resolution_due"], "strong": True},
        ]
        if result.get("next_response_due"):
            rows.append({"label": _("next response due (if the requester replies at the start)"),
                         "at": result["next_response_due"], "strong": True})
        rows += [{"label": _("escalation level %(level)s (%(kind)s)") % {"level": e["order"], "kind": kinds[e["kind"]]},
                  "at": e["at"]} for e in result["escalations"]]
    if "due_at" in result:
        rows.append({"label": _("due"), "at": result["due_at"], "strong": True})
    rows.sort(key=lambda row: row["at"])
    for row in rows:
        row["iso"] = row["at"].isoformat(timespec="minutes")
    return rows


@admin_required
def audit(request):
    return render(request, "sla/audit.html", {"entries": _audit_entries(selectors.standard_changes())})
