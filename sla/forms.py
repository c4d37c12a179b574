"""Forms of the service-standard pages. They parse what an admin types; the rules live
in `sla.standards`, whose ApplicationError the view shows on the form."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.db.models import Q
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicedesk.exceptions import ApplicationError
from servicedesk.names import OTHER_LANGUAGES, name_translations
from teams.models import Team, User
from tickets.constants import Priority
from tickets.models import ServiceCategory, ServiceItem

from . import business_time as bt
from .models import BusinessCalendar, EscalationChain, EscalationLevel, ServiceStandard
from .standards.calendars import (
    COMMON_HOLIDAY_COUNTRIES,
    format_extra_day,
    format_holiday,
    format_intervals,
    is_valid_timezone,
)
from .standards.service_standards import STANDARD_FIELDS

_INTERVAL = re.compile(r"^(\d{1,2}):(\d{2})\s*(?:-|–|—|~|to)\s*(\d{1,2}):(\d{2})$")
_DATE = r"\d{4}-\d{1,2}-\d{1,2}"
_HOLIDAY_LINE = re.compile(rf"^({_DATE})(?:\s*(?:\.\.|–|—|~|\s-\s|\sto\s)\s*({_DATE}))?(?:\s+(.*))?$")
_EXTRA_DAY_LINE = re.compile(rf"^({_DATE})(?:\s+(.*))?$")
_DURATION = re.compile(r"^(?:(\d+)\s*h)?\s*(?:(\d+)\s*(?:m|min)?)?$", re.IGNORECASE)


class ApplicationErrorForm(forms.Form):
    """A form that can show a service's ApplicationError next to the fields it names."""

    # Service field name → form field name, where they differ.
    service_field_map: dict[str, str] = {}

    def add_application_error(self, error: ApplicationError) -> None:
        if not error.field_errors:
            self.add_error(None, error.message)
        for key, message in error.field_errors.items():
            field = self.service_field_map.get(key, key)
            self.add_error(field if field in self.fields else None, message)


class NamesInLanguages(forms.Form):
    """The name in the other languages (servicedesk.names): shown to readers of those
    languages; empty means the English name."""

    name_zh_hans = forms.CharField(label=gettext_lazy("name in 简体中文"), max_length=120, required=False)
    name_zh_hant = forms.CharField(label=gettext_lazy("name in 繁體中文"), max_length=120, required=False)

    @staticmethod
    def names_initial(obj) -> dict:
        translations = getattr(obj, "translations", None) or {}
        return {f"name_{lang.replace('-', '_')}": (translations.get(lang) or {}).get("name", "")
                for lang in OTHER_LANGUAGES}

    def other_names(self) -> dict[str, str]:
        return {lang: self.cleaned_data.get(f"name_{lang.replace('-', '_')}", "") for lang in OTHER_LANGUAGES}


# --- fields -----------------------------------------------------------------------------


def format_minutes(minutes: int | None) -> str:
    """480 → "8h", 90 → "1h 30", 45 → "45": what BusinessMinutesField reads back."""
    if minutes is None:
        return ""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return str(rest)
    return f"{hours}h {rest}" if rest else f"{hours}h"


class BusinessMinutesField(forms.CharField):
    """Business minutes, typed as "90", "1h 30" or "8h"."""

    default_error_messages = {"invalid": gettext_lazy("Enter minutes (90) or hours and minutes (1h 30).")}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("size", 8)

    def prepare_value(self, value):
        return format_minutes(value) if isinstance(value, int) else value

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        match = _DURATION.match(value)
        if not match or not any(match.groups()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        hours, minutes = match.groups()
        return int(hours or 0) * 60 + int(minutes or 0)


class LocalDateTimeField(forms.CharField):
    """A date-time kept naive unless it carries an offset: the simulator reads a naive one
    in the calendar's time zone, not in the viewer's."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    default_error_messages = {"invalid": gettext_lazy("Enter a date and time, e.g. 2026-09-25 17:45.")}

    def prepare_value(self, value):
        return value.strftime("%Y-%m-%dT%H:%M") if isinstance(value, dt.datetime) else value

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def _staff_users():
    return (User.objects.filter(is_active=True)
            .filter(Q(memberships__isnull=False) | Q(is_service_admin=True) | Q(is_superuser=True))
            .distinct().order_by("username"))


class _StandardChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.team} · {obj.name}"


class _CatalogChoiceField(forms.ModelChoiceField):
    """A service category or service, named in the viewer's language."""

    def label_from_instance(self, obj):
        return obj.tr("name")


class _StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def _priority_choices(any_label):
    return [("", any_label), *Priority.choices]


# --- service standards ----------------------------------------------------------------


class StandardForm(ApplicationErrorForm, NamesInLanguages):
    name = forms.CharField(label=gettext_lazy("name"), max_length=160)
    team = forms.ModelChoiceField(label=gettext_lazy("service team"), queryset=Team.objects.filter(is_active=True))
    category = _CatalogChoiceField(label=gettext_lazy("service category"), required=False,
                                      queryset=ServiceCategory.objects.all(),
                                      empty_label=gettext_lazy("every service category"))
    service_item = _CatalogChoiceField(label=gettext_lazy("service"), required=False,
                                          queryset=ServiceItem.objects.select_related("team"),
                                          empty_label=gettext_lazy("every service"))
    priority = forms.ChoiceField(label=gettext_lazy("priority"), required=False,
                                 choices=_priority_choices(gettext_lazy("any priority")))
    calendar = forms.ModelChoiceField(label=gettext_lazy("business calendar"),
                                      queryset=BusinessCalendar.objects.all())
    first_response_minutes = BusinessMinutesField(
        label=gettext_lazy("first response target (business minutes)"),
        help_text=gettext_lazy("Minutes (90) or hours and minutes (1h 30) of business time."))
    next_response_minutes = BusinessMinutesField(
        label=gettext_lazy("next response target (business minutes)"), required=False,
        help_text=gettext_lazy("How soon the team answers each reply of the requester. Empty: not tracked."))
    resolution_minutes = BusinessMinutesField(label=gettext_lazy("resolution target (business minutes)"))
    warning_percent = forms.IntegerField(label=gettext_lazy("warn at percent of target"), initial=80,
                                         help_text=gettext_lazy("The ticket is at risk from this share of the "
                                                                "target on."))
    pause_on_pending = forms.BooleanField(label=gettext_lazy("pause while waiting on requester"), required=False,
                                          initial=True)
    escalation_chain = forms.ModelChoiceField(label=gettext_lazy("escalation chain"), required=False,
                                              queryset=EscalationChain.objects.all(),
                                              empty_label=gettext_lazy("no escalation"))

    @staticmethod
    def initial_from(standard: ServiceStandard) -> dict:
        return {**{field: getattr(standard, field) for field in STANDARD_FIELDS if field != "translations"},
                **NamesInLanguages.names_initial(standard)}

    def service_kwargs(self, standard: ServiceStandard | None = None) -> dict:
        data = {field: self.cleaned_data.get(field) for field in STANDARD_FIELDS if field != "translations"}
        data["priority"] = data["priority"] or ""
        data["translations"] = name_translations(self.other_names(), getattr(standard, "translations", None))
        return data


# --- business calendars ---------------------------------------------------------------


def parse_intervals(text: str) -> list[tuple[dt.time, dt.time]]:
    """ "09:00-12:00, 13:30-18:00" → [(09:00, 12:00), (13:30, 18:00)]; 24:00 as an end is midnight."""
    intervals = []
    for part in re.split(r"[,;，、]", text or ""):
        part = part.strip()
        if not part:
            continue
        match = _INTERVAL.match(part)
        if not match:
            raise forms.ValidationError(_("“%(part)s” is not a time range like 09:00-18:00.") % {"part": part})
        sh, sm, eh, em = (int(g) for g in match.groups())
        if sh > 23 or sm > 59 or em > 59 or eh > 24 or (eh == 24 and em):
            raise forms.ValidationError(_("“%(part)s” is not a time of day.") % {"part": part})
        intervals.append((dt.time(sh, sm), dt.time(0, 0) if eh == 24 else dt.time(eh, em)))
    return intervals


def _parse_date(text: str, line_number: int) -> dt.date:
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return dt.date(year, month, day)
    except ValueError:
        raise forms.ValidationError(_("Line %(n)d: %(date)s is not a date.") % {"n": line_number, "date": text}) \
            from None


def _lines(text: str):
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            yield number, line


def parse_holidays(text: str) -> list[dict]:
    """Lines "2026-10-01..2026-10-07 National Day" or "2026-05-01 Labour Day"."""
    rows = []
    for number, line in _lines(text):
        match = _HOLIDAY_LINE.match(line)
        if not match:
            raise forms.ValidationError(
                _("Line %(n)d: write “2026-05-01 Labour Day” or “2026-10-01..2026-10-07 National Day”.")
                % {"n": number})
        first = _parse_date(match.group(1), number)
        last = _parse_date(match.group(2), number) if match.group(2) else None
        rows.append({"date": first, "end_date": last, "name": (match.group(3) or "").strip()})
    return rows


def parse_extra_days(text: str) -> list[dict]:
    """Lines "2026-10-10 National Day make-up"."""
    rows = []
    for number, line in _lines(text):
        match = _EXTRA_DAY_LINE.match(line)
        if not match:
            raise forms.ValidationError(_("Line %(n)d: write “2026-10-10 National Day make-up”.") % {"n": number})
        rows.append({"date": _parse_date(match.group(1), number), "name": (match.group(2) or "").strip()})
    return rows


def _minutes(value: dt.time, *, is_end: bool) -> int:
    minutes = value.hour * 60 + value.minute
    return 1440 if is_end and minutes == 0 else minutes


def _check_day(intervals: list[tuple[dt.time, dt.time]]) -> None:
    """One weekday's intervals: each ends after it starts, none overlap (the service checks again)."""
    minutes = []
    for start, end in intervals:
        pair = (_minutes(start, is_end=False), _minutes(end, is_end=True))
        if pair[1] <= pair[0]:
            raise forms.ValidationError(_("%(interval)s ends before it starts.") % {"interval": format_intervals([pair])})
        minutes.append(pair)
    minutes.sort()
    for first, second in zip(minutes, minutes[1:], strict=False):
        if second[0] < first[1]:
            raise forms.ValidationError(_("%(first)s and %(second)s overlap.") % {
                "first": format_intervals([first]), "second": format_intervals([second])})
    try:
        bt.validate_intervals(minutes)
    except ValueError as error:
        raise forms.ValidationError(str(error)) from None


class CalendarForm(ApplicationErrorForm, NamesInLanguages):
    """One form for a whole business calendar: hours per weekday as text, holidays and
    make-up working days one per line."""

    name = forms.CharField(label=gettext_lazy("name"), max_length=120)
    timezone = forms.CharField(label=gettext_lazy("time zone"), max_length=64, initial="Asia/Shanghai",
                               widget=forms.TextInput(attrs={"list": "timezones", "autocomplete": "off"}),
                               help_text=gettext_lazy("An IANA time zone, e.g. Asia/Shanghai, Asia/Taipei, "
                                                      "Europe/London."))
    hours_0 = forms.CharField(required=False)
    hours_1 = forms.CharField(required=False)
    hours_2 = forms.CharField(required=False)
    hours_3 = forms.CharField(required=False)
    hours_4 = forms.CharField(required=False)
    hours_5 = forms.CharField(required=False)
    hours_6 = forms.CharField(required=False)
    holidays = forms.CharField(
        label=gettext_lazy("holidays"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("One a line: “2026-05-01 Labour Day” or “2026-10-01..2026-10-07 National Day”."))
    extra_working_days = forms.CharField(
        label=gettext_lazy("make-up working days"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One a line: “2026-10-10 National Day make-up”."))
    extra_day_weekday = forms.TypedChoiceField(
        label=gettext_lazy("make-up days use the hours of"), coerce=int, initial=0,
        choices=[(day, name) for day, name in WEEKDAYS.items()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day, name in WEEKDAYS.items():
            field = self.fields[f"hours_{day}"]
            field.label = name
            field.widget.attrs["placeholder"] = _("not worked")
        self.fields["hours_0"].help_text = _("For example 09:00-12:00, 13:30-18:00; empty means not worked; "
                                             "00:00-24:00 is the whole day.")

    @property
    def hours_fields(self):
        return [self[f"hours_{day}"] for day in range(7)]

    @staticmethod
    def initial_from(calendar: BusinessCalendar) -> dict:
        weekly: dict[int, list] = {day: [] for day in range(7)}
        for hours in calendar.working_hours.all():
            weekly[hours.weekday].append((_minutes(hours.start, is_end=False), _minutes(hours.end, is_end=True)))
        initial = {
            "name": calendar.name,
            **NamesInLanguages.names_initial(calendar),
            "timezone": calendar.timezone,
            "extra_day_weekday": calendar.extra_day_weekday,
            "holidays": "\n".join(format_holiday(h.date, h.end_date, h.name) for h in calendar.holidays.all()),
            "extra_working_days": "\n".join(format_extra_day(d.date, d.name)
                                            for d in calendar.extra_working_days.all()),
        }
        for day, intervals in weekly.items():
            initial[f"hours_{day}"] = format_intervals(sorted(intervals))
        return initial

    def clean_timezone(self):
        value = self.cleaned_data["timezone"].strip()
        if not is_valid_timezone(value):
            raise forms.ValidationError(_("Unknown time zone %(tz)s; use an IANA name such as Asia/Shanghai.")
                                        % {"tz": value})
        return value

    def clean(self):
        cleaned = super().clean()
        for day in range(7):
            name = f"hours_{day}"
            if name not in cleaned:
                continue
            try:
                intervals = parse_intervals(cleaned[name])
                _check_day(intervals)
            except forms.ValidationError as error:
                self.add_error(name, error)
                continue
            cleaned[f"{name}_parsed"] = intervals
        for name, parser in (("holidays", parse_holidays), ("extra_working_days", parse_extra_days)):
            if name in cleaned:
                try:
                    cleaned[f"{name}_parsed"] = parser(cleaned[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "names": self.other_names(),
            "timezone": data["timezone"],
            "extra_day_weekday": data["extra_day_weekday"],
            "working_hours": [{"weekday": day, "start": start, "end": end}
                              for day in range(7) for start, end in data[f"hours_{day}_parsed"]],
            "holidays": data["holidays_parsed"],
            "extra_working_days": data["extra_working_days_parsed"],
        }


class HolidayImportForm(ApplicationErrorForm):
    country = forms.CharField(label=gettext_lazy("country"), max_length=3,
                              widget=forms.TextInput(attrs={"list": "countries", "size": 4}),
                              help_text=gettext_lazy("ISO code, e.g. CN, TW, HK, SG, US, GB."))
    year = forms.IntegerField(label=gettext_lazy("year"))
    subdiv = forms.CharField(label=gettext_lazy("region (optional)"), max_length=10, required=False)

    common_countries = COMMON_HOLIDAY_COUNTRIES

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "import")
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = dt.date.today().year


# --- escalation chains ----------------------------------------------------------------


class ChainForm(ApplicationErrorForm, NamesInLanguages):
    name = forms.CharField(label=gettext_lazy("name"), max_length=120)
    description = forms.CharField(label=gettext_lazy("description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))


class LevelForm(forms.Form):
    order = forms.IntegerField(label=gettext_lazy("level"), required=False, min_value=1,
                               widget=forms.NumberInput(attrs={"size": 3}))
    trigger = forms.ChoiceField(label=gettext_lazy("trigger"), choices=EscalationLevel.Trigger.choices,
                                initial=EscalationLevel.Trigger.AFTER_BREACH)
    percent = forms.IntegerField(label=gettext_lazy("percent of target"), required=False)
    delay_minutes = BusinessMinutesField(label=gettext_lazy("minutes after the breach"), required=False)
    applies_to = forms.ChoiceField(label=gettext_lazy("applies to"), choices=EscalationLevel.AppliesTo.choices,
                                   initial=EscalationLevel.AppliesTo.EVERY_TARGET)
    notify_assignee = forms.BooleanField(label=gettext_lazy("notify the assignee"), required=False)
    notify_lead = forms.BooleanField(label=gettext_lazy("notify the team lead"), required=False)
    notify_admins = forms.BooleanField(label=gettext_lazy("notify the service admins"), required=False)
    notify_users = _StaffChoiceField(label=gettext_lazy("notify these managers"), required=False,
                                     queryset=User.objects.none())
    raise_priority = forms.BooleanField(label=gettext_lazy("raise the priority"), required=False)
    reassign = forms.ChoiceField(label=gettext_lazy("reassign"), choices=EscalationLevel.Reassign.choices,
                                 required=False, initial="")
    reassign_team = forms.ModelChoiceField(label=gettext_lazy("reassign to team"), required=False,
                                           queryset=Team.objects.filter(is_active=True))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notify_users"].queryset = _staff_users()


class BaseLevelFormSet(forms.BaseFormSet):
    def levels(self) -> list[dict]:
        """The filled-in levels (blank extra rows and rows marked for deletion left out);
        a level without a number gets the next one."""
        rows = [form.cleaned_data for form in self.forms
                if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")]
        next_order = max((row["order"] or 0 for row in rows), default=0) + 1
        levels = []
        for row in rows:
            level = {key: value for key, value in row.items() if key != "DELETE"}
            if not level.get("order"):
                level["order"], next_order = next_order, next_order + 1
            level["delay_minutes"] = level.get("delay_minutes") or 0
            levels.append(level)
        return levels


LevelFormSet = forms.formset_factory(LevelForm, formset=BaseLevelFormSet, extra=2, can_delete=True)


def level_initial(chain: EscalationChain) -> list[dict]:
    return [
        {
            "order": level.order, "trigger": level.trigger, "percent": level.percent,
            "delay_minutes": level.delay_minutes if level.trigger == EscalationLevel.Trigger.AFTER_BREACH else None,
            "applies_to": level.applies_to, "notify_assignee": level.notify_assignee,
            "notify_lead": level.notify_lead, "notify_admins": level.notify_admins,
            "notify_users": list(level.notify_users.all()), "raise_priority": level.raise_priority,
            "reassign": level.reassign, "reassign_team": level.reassign_team,
        }
        for level in chain.levels.all()
    ]


# --- simulator --------------------------------------------------------------------------


class SimulatorForm(ApplicationErrorForm):
    start = LocalDateTimeField(label=gettext_lazy("start"),
                               help_text=gettext_lazy("Read in the calendar's time zone."))
    calendar = forms.ModelChoiceField(label=gettext_lazy("business calendar"), required=False,
                                      queryset=BusinessCalendar.objects.all(),
                                      empty_label=gettext_lazy("the service standard's calendar"))
    minutes = BusinessMinutesField(label=gettext_lazy("business minutes"), required=False)
    standard = _StandardChoiceField(label=gettext_lazy("service standard"), required=False,
                                      empty_label=gettext_lazy("none: use the calendar and minutes above"),
                                      queryset=ServiceStandard.objects.filter(is_current=True)
                                      .select_related("team").order_by("team__name", "name"))
    priority = forms.ChoiceField(label=gettext_lazy("priority"), required=False,
                                 choices=_priority_choices(gettext_lazy("any priority")))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"calendar": data.get("calendar"), "standard": data.get("standard"), "start": data["start"],
                "minutes": data.get("minutes"), "priority": data.get("priority") or None}
