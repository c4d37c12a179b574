"""Django admin for the SLA models: read-only.

Service standards are versioned, calendars must bump `updated_at` and every change is
audited, so edits go through the service-standard pages (`sla:standards`), which call
`sla.standards`. Here admins can look things up, e.g. which version a clock runs on.
"""

from django.contrib import admin

from .models import (
    BusinessCalendar,
    Escalation,
    EscalationChain,
    EscalationLevel,
    ExtraWorkingDay,
    Holiday,
    ServiceStandard,
    SLAClock,
    SLAOutcome,
    StandardChange,
    WorkingHours,
)


class ReadOnlyMixin:
    """View only: writes belong to the services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class WorkingHoursInline(ReadOnlyInline):
    model = WorkingHours
    fields = ("weekday", "start", "end")


class HolidayInline(ReadOnlyInline):
    model = Holiday
    fields = ("date", "end_date", "name")


class ExtraWorkingDayInline(ReadOnlyInline):
    model = ExtraWorkingDay
    fields = ("date", "name")


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "timezone", "extra_day_weekday", "updated_at")
    search_fields = ("name",)
    inlines = [WorkingHoursInline, HolidayInline, ExtraWorkingDayInline]


class EscalationLevelInline(ReadOnlyInline):
    model = EscalationLevel
    fields = ("order", "trigger", "percent", "delay_minutes", "applies_to", "notify_assignee", "notify_lead",
              "notify_admins", "raise_priority", "reassign", "reassign_team")


@admin.register(EscalationChain)
class EscalationChainAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "updated_at")
    search_fields = ("name",)
    inlines = [EscalationLevelInline]


@admin.register(ServiceStandard)
class ServiceStandardAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "version", "is_current", "team", "category", "service_item", "priority", "calendar",
                    "first_response_minutes", "resolution_minutes", "escalation_chain")
    list_filter = ("is_current", "team", "priority", "calendar")
    search_fields = ("name", "lineage")
    list_select_related = ("team", "category", "service_item", "calendar", "escalation_chain")


@admin.register(SLAClock)
class SLAClockAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("ticket", "kind", "state", "standard", "due_at", "next_check_at")
    list_filter = ("kind", "state")
    search_fields = ("ticket__id",)
    raw_id_fields = ("ticket", "standard")
    list_select_related = ("ticket", "standard")


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("clock", "step", "due_at", "recorded_at")
    list_filter = ("step",)
    raw_id_fields = ("clock", "level")


@admin.register(StandardChange)
class StandardChangeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("created_at", "actor", "object_type", "object_name", "action")
    list_filter = ("object_type", "action")
    search_fields = ("object_name",)
    list_select_related = ("actor",)
    readonly_fields = ("object_type", "object_id", "object_name", "action", "actor", "changes", "created_at")


@admin.register(SLAOutcome)
class SLAOutcomeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Append-only: a correction is a new row (`sla.outcomes.sla_outcome_correct`)."""

    list_display = ["ticket", "kind", "cycle", "met", "team", "decided_at", "stopped_at", "breached_by_seconds",
                    "corrects"]
    list_filter = ["kind", "met"]
    list_select_related = ["ticket", "team"]
    raw_id_fields = ["ticket", "corrects"]
