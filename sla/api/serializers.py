"""Shapes of business calendars, service standards (served at `sla/policies/`), escalation
chains and the simulator. Shapes and bounds only: `sla.standards` decides what is acceptable."""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from servicedesk.api import fields as strict
from servicedesk.api.fields import IdRelatedField
from servicedesk.api.serializers import ModelSerializer
from servicedesk.limits import BIGINT_MAX
from sla import selectors as sla_selectors
from sla.models import BusinessCalendar, EscalationChain, EscalationLevel, ServiceStandard, SLAClock, SLAOutcome
from teams.models import Team, User
from tickets.constants import Priority
from tickets.models import ServiceCategory, ServiceItem

# A year of round-the-clock time: targets beyond it cannot be computed on a calendar
# with office hours within the ten years that the business-time search allows.
MINUTES_MAX = 365 * 24 * 60
# Dates the business-time arithmetic handles without overflowing a datetime.
YEAR_MIN, YEAR_MAX = 1970, 2200
HOLIDAY_DAYS_MAX = 366
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:00)?$|^24:00(:00)?$"


def _check_year(value: dt.date) -> dt.date:
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise serializers.ValidationError(_("Enter a date between %(min)d and %(max)d.")
                                          % {"min": YEAR_MIN, "max": YEAR_MAX})
    return value


def _hhmm(value: dt.time, *, is_end: bool) -> str:
    if is_end and value == dt.time(0, 0):
        return "24:00"
    return value.strftime("%H:%M")


# --- calendars ------------------------------------------------------------------------------


class WorkingHoursSerializer(serializers.Serializer):
    weekday = strict.IntegerField(min_value=0, max_value=6, help_text="0 = Monday … 6 = Sunday")
    start = strict.RegexField(TIME_PATTERN, help_text="HH:MM, local time")
    end = strict.RegexField(TIME_PATTERN, help_text="HH:MM, local time; 24:00 (or 00:00) is midnight")


class HolidaySerializer(serializers.Serializer):
    date = serializers.DateField(validators=[_check_year])
    end_date = serializers.DateField(required=False, allow_null=True, default=None, validators=[_check_year],
                                     help_text="The last day of a range; null for a single day.")
    name = strict.LineField(required=False, allow_blank=True, default="", max_length=120)

    def validate(self, attrs: dict) -> dict:
        end = attrs.get("end_date")
        if end is not None and (end - attrs["date"]).days > HOLIDAY_DAYS_MAX:
            raise serializers.ValidationError({"end_date": _("A holiday range spans at most %(n)d days.")
                                               % {"n": HOLIDAY_DAYS_MAX}})
        return attrs


class ExtraWorkingDaySerializer(serializers.Serializer):
    date = serializers.DateField(validators=[_check_year])
    name = strict.LineField(required=False, allow_blank=True, default="", max_length=120)


class CalendarSerializer(ModelSerializer):
    """A business calendar: time zone, weekly working hours, holidays and make-up days.

    A write replaces the lists it is given (PATCH keeps the ones left out)."""

    working_hours = WorkingHoursSerializer(many=True, max_length=7 * 24)
    holidays = HolidaySerializer(many=True, required=False, default=list, max_length=1000)
    extra_working_days = ExtraWorkingDaySerializer(many=True, required=False, default=list, max_length=1000)
    extra_day_weekday = strict.IntegerField(
        min_value=0, max_value=6, required=False, default=0,
        help_text="Make-up working days are worked with the hours of this weekday (0 = Monday).",
    )
    timezone = strict.LineField(max_length=64, help_text="An IANA name such as Asia/Shanghai.")
    name = strict.LineField(max_length=120)

    class Meta:
        model = BusinessCalendar
        fields = ["id", "name", "timezone", "extra_day_weekday", "working_hours", "holidays",
                  "extra_working_days", "updated_at"]
        read_only_fields = ["id", "updated_at"]

    def to_representation(self, calendar: BusinessCalendar) -> dict[str, Any]:
        return {
            "id": calendar.pk,
            "name": calendar.name,
            "timezone": calendar.timezone,
            "extra_day_weekday": calendar.extra_day_weekday,
            "working_hours": [
                {"weekday": h.weekday, "start": _hhmm(h.start, is_end=False), "end": _hhmm(h.end, is_end=True)}
                for h in sorted(calendar.working_hours.all(), key=lambda h: (h.weekday, h.start))
            ],
            "holidays": [
                {"date": h.date.isoformat(), "end_date": h.end_date.isoformat() if h.end_date else None,
                 "name": h.name}
                for h in sorted(calendar.holidays.all(), key=lambda h: h.date)
            ],
            "extra_working_days": [
                {"date": d.date.isoformat(), "name": d.name}
                for d in sorted(calendar.extra_working_days.all(), key=lambda d: d.date)
            ],
            "updated_at": serializers.DateTimeField().to_representation(calendar.updated_at),
        }


class HolidayImportSerializer(serializers.Serializer):
    country = strict.RegexField(r"^[A-Za-z]{2,3}$", help_text="ISO country code, e.g. CN, TW, HK, SG, US, GB.")
    year = strict.IntegerField(min_value=1950, max_value=2100)
    subdiv = strict.LineField(required=False, allow_blank=True, default="", max_length=10)


class HolidayImportResultSerializer(serializers.Serializer):
    added = serializers.IntegerField(help_text="Holiday ranges and make-up working days added.")
    calendar = CalendarSerializer()


# --- service standards ----------------------------------------------------------------------


# The schema keeps the component name that generated clients already use.
@extend_schema_serializer(component_name="Policy")
class ServiceStandardSerializer(ModelSerializer):
    """A service standard: targets for the tickets it matches (team, optionally a
    category or a service item, optionally one priority). Every edit writes a new
    version with a new id; tickets keep the version they started with."""

    team = IdRelatedField(queryset=Team.objects.all())
    category = IdRelatedField(queryset=ServiceCategory.objects.all(), required=False, allow_null=True)
    service_item = IdRelatedField(queryset=ServiceItem.objects.all(), required=False, allow_null=True)
    calendar = IdRelatedField(queryset=BusinessCalendar.objects.all())
    escalation_chain = IdRelatedField(queryset=EscalationChain.objects.all(), required=False, allow_null=True)
    priority = strict.ChoiceField(choices=[("", "any"), *Priority.choices], required=False, allow_blank=True,
                                  help_text="Empty: any priority.")
    name = strict.LineField(max_length=160)
    first_response_minutes = strict.IntegerField(min_value=1, max_value=MINUTES_MAX, help_text="Business minutes.")
    next_response_minutes = strict.IntegerField(
        min_value=1, max_value=MINUTES_MAX, required=False, allow_null=True,
        help_text="Business minutes the team has to answer each reply of the requester; null: not tracked. "
                  "At most the resolution target.")
    resolution_minutes = strict.IntegerField(min_value=1, max_value=MINUTES_MAX, help_text="Business minutes.")
    warning_percent = strict.IntegerField(min_value=1, max_value=99, required=False)
    pause_on_pending = strict.BooleanField(required=False)

    class Meta:
        model = ServiceStandard
        fields = ["id", "name", "team", "category", "service_item", "priority", "calendar",
                  "first_response_minutes", "next_response_minutes", "resolution_minutes", "warning_percent",
                  "pause_on_pending",
                  "escalation_chain", "version", "is_current", "created_at"]
        read_only_fields = ["id", "version", "is_current", "created_at"]


# --- escalation chains ------------------------------------------------------------------------


class EscalationLevelSerializer(ModelSerializer):
    order = strict.IntegerField(min_value=1, max_value=1000)
    percent = strict.IntegerField(min_value=1, max_value=99, required=False, allow_null=True,
                                  help_text="For trigger=percent: the share of the target.")
    delay_minutes = strict.IntegerField(min_value=0, max_value=MINUTES_MAX, required=False, default=0,
                                        help_text="For trigger=after_breach: minutes after the breach.")
    notify_users = IdRelatedField(queryset=User.objects.filter(is_active=True), many=True, required=False)
    reassign = strict.ChoiceField(choices=EscalationLevel.Reassign.choices, required=False, allow_blank=True)
    reassign_team = IdRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)

    class Meta:
        model = EscalationLevel
        fields = ["order", "trigger", "percent", "delay_minutes", "applies_to", "notify_assignee", "notify_lead",
                  "notify_admins", "notify_users", "raise_priority", "reassign", "reassign_team"]


class EscalationChainSerializer(ModelSerializer):
    levels = EscalationLevelSerializer(many=True, max_length=50)
    name = strict.LineField(max_length=120)
    description = strict.TextField(required=False, allow_blank=True, default="", max_length=5000)

    class Meta:
        model = EscalationChain
        fields = ["id", "name", "description", "levels", "updated_at"]
        read_only_fields = ["id", "updated_at"]


# --- simulator ----------------------------------------------------------------------------------


class ZonedDateTimeField(serializers.DateTimeField):
    """A date-time kept in the zone it came in (or naive when it came without an
    offset), and shown in the zone it carries: the simulator reads a naive start in the
    calendar's zone and answers in that zone."""

    def enforce_timezone(self, value: dt.datetime) -> dt.datetime:
        return value


class SimulateSerializer(serializers.Serializer):
    """Either a calendar and minutes, or a service standard in `policy` (and optionally the
    ticket's priority)."""

    calendar = IdRelatedField(queryset=BusinessCalendar.objects.all(), required=False, allow_null=True)
    policy = IdRelatedField(queryset=ServiceStandard.objects.select_related("calendar", "escalation_chain"),
                            required=False, allow_null=True, help_text="The id of a service standard.")
    start = ZonedDateTimeField(help_text="ISO 8601; without an offset it is read in the calendar's zone.")
    minutes = strict.IntegerField(min_value=0, max_value=MINUTES_MAX, required=False, allow_null=True)
    priority = strict.ChoiceField(choices=Priority.choices, required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Only what the user may read (a calendar or standard out of reach "does not exist").
            user = request.user
            self.fields["calendar"].queryset = sla_selectors.calendars_visible_to(
                BusinessCalendar.objects.all(), user=user)
            self.fields["policy"].queryset = sla_selectors.standards_visible_to(
                ServiceStandard.objects.select_related("calendar", "escalation_chain"), user=user)

    def validate_start(self, value: dt.datetime) -> dt.datetime:
        if not YEAR_MIN <= value.year <= YEAR_MAX:
            raise serializers.ValidationError(_("Enter a time between %(min)d and %(max)d.")
                                              % {"min": YEAR_MIN, "max": YEAR_MAX})
        return value

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("calendar") and not attrs.get("policy"):
            raise serializers.ValidationError({"calendar": _("Choose a business calendar or a service standard.")})
        if attrs.get("policy") is None and attrs.get("minutes") is None:
            raise serializers.ValidationError({"minutes": _("Enter the business minutes to add.")})
        return attrs


class SimulatedEscalationSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["first_response", "next_response", "resolution"])
    at = ZonedDateTimeField()


class SimulateResultSerializer(serializers.Serializer):
    """Due times in the calendar's own time zone (its offset in every value)."""

    timezone = serializers.CharField()
    start = ZonedDateTimeField()
    due_at = ZonedDateTimeField(required=False, help_text="start + minutes (when minutes were given)")
    first_response_due = ZonedDateTimeField(required=False)
    resolution_due = ZonedDateTimeField(required=False)
    next_response_due = ZonedDateTimeField(
        required=False, allow_null=True,
        help_text="When the team would owe its next response to a requester's reply at `start`; null when the "
                  "service standard does not track next responses.")
    first_response_warning_at = ZonedDateTimeField(required=False)
    resolution_warning_at = ZonedDateTimeField(required=False)
    escalations = SimulatedEscalationSerializer(many=True, required=False)


# --- SLA outcomes -------------------------------------------------------------------------------


class OutcomeSerializer(serializers.ModelSerializer):
    """What one cycle of one target of a ticket came to (README, "SLA outcomes"). Seconds
    are business seconds unless named `wall_seconds`; `stopped_at`, the seconds and
    `breached_by_seconds` are null while a breached cycle's late work is not done. A row
    with `corrects` set corrects the row it names."""

    class Meta:
        model = SLAOutcome
        fields = ["id", "ticket", "kind", "cycle", "met", "started_at", "stopped_at", "due_at", "decided_at",
                  "target_minutes", "business_seconds", "wall_seconds", "paused_seconds", "breached_by_seconds",
                  "standard", "standard_version", "team", "service_item", "priority", "requester_department",
                  "assignee", "corrects", "reason"]
        read_only_fields = fields


class OutcomeFilterSerializer(serializers.Serializer):
    """The list's filters, from the query string: `team` (id), `kind`, `met` (true or false),
    `from` and `to` (ISO 8601 instants bounding `decided_at`: from included, to excluded)."""

    team = serializers.IntegerField(required=False, min_value=1, max_value=BIGINT_MAX)
    kind = serializers.ChoiceField(choices=SLAClock.Kind.choices, required=False)
    met = serializers.BooleanField(required=False, allow_null=True, default=None)

    def get_fields(self):
        # "from" is a Python keyword: the two bounds are declared here.
        return {**super().get_fields(), "from": serializers.DateTimeField(required=False),
                "to": serializers.DateTimeField(required=False)}

    def validate(self, attrs: dict) -> dict:
        if attrs.get("from") and attrs.get("to") and attrs["to"] <= attrs["from"]:
            raise serializers.ValidationError({"to": _("Enter an instant after “from”.")})
        return attrs
