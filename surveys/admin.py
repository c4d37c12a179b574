"""Survey settings are edited here or on the service admins' page; invites, responses and
follow-ups are read-only everywhere (nobody deletes a response)."""

from django.contrib import admin

from .models import SurveyFollowUp, SurveyInvite, SurveyReason, SurveyResponse, SurveySettings


class SurveyReasonInline(admin.TabularInline):
    model = SurveyReason
    extra = 0
    can_delete = False


@admin.register(SurveySettings)
class SurveySettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "enabled", "delay_minutes", "sample_percent", "cooldown_days", "expiry_days",
                    "low_score", "anonymous")
    inlines = [SurveyReasonInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SurveyInvite)
class SurveyInviteAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "cycle", "state", "send_at", "sent_at", "expires_at")
    list_filter = ("state",)
    exclude = ("token_hash",)


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "cycle", "score", "team", "answered_at")
    list_filter = ("score", "team")


@admin.register(SurveyFollowUp)
class SurveyFollowUpAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "team", "state", "opened_at", "done_at")
    list_filter = ("state",)
