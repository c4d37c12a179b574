"""Django admin for notifications: the outbox and the in-app list to look into (they are
written by `notifications.services`), and the per-user delivery preferences."""

from django.contrib import admin

from .models import Notification, OutboxMessage, Preference


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("event", "channel", "recipient", "address", "state", "attempts", "created_at", "sent_at")
    list_filter = ("state", "channel", "event")
    search_fields = ("subject", "address", "recipient__username", "dedupe_key")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("title", "user", "event", "created_at", "read_at")
    list_filter = ("event",)
    search_fields = ("title", "user__username")
    list_select_related = ("user",)


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "event", "delivery")
    list_filter = ("event", "delivery")
    search_fields = ("user__username",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
