"""Django admin for the catalog and the workspace's small models. Tickets and their
comments are read-only here: every change to a ticket goes through `tickets.services`
(history, SLA clocks, notifications), which the admin's save would bypass."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    CannedResponse,
    Collaborator,
    Comment,
    SavedView,
    ServiceCategory,
    ServiceItem,
    ServiceItemField,
    Ticket,
    TicketLink,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, search and filter; no add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "order")
    list_editable = ("order",)
    search_fields = ("name",)


class ServiceItemFieldInline(admin.TabularInline):
    model = ServiceItemField
    extra = 0
    fields = ("order", "key", "label", "kind", "required", "choices", "help_text", "translations")


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "team", "default_priority", "is_active", "order")
    list_filter = ("is_active", "category", "team", "default_priority")
    search_fields = ("name", "description")
    list_select_related = ("category", "team")
    inlines = [ServiceItemFieldInline]


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "team", "status", "priority", "assignee", "requester", "created_at",
                    "sla_due_at", "sla_breached")
    list_filter = ("status", "priority", "team", "sla_breached")
    search_fields = ("title", "description", "requester__username", "requester__email")
    list_select_related = ("team", "assignee", "requester")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)

    @admin.display(description=_("reference"), ordering="pk")
    def reference(self, obj: Ticket) -> str:
        return obj.reference


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "author", "is_internal", "created_at")
    list_filter = ("is_internal",)
    search_fields = ("body",)
    list_select_related = ("ticket", "author")


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ("title", "team")
    list_filter = ("team",)
    search_fields = ("title", "body")
    list_select_related = ("team",)
    fields = ("team", "title", "body")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["body"].help_text = _(
            "Placeholders filled in when an agent inserts the text: {requester_name}, {reference}, {title}."
        )
        return form


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ("name", "team", "owner", "shared", "created_at")
    list_filter = ("team", "shared")
    search_fields = ("name", "owner__username")
    list_select_related = ("team", "owner")
    raw_id_fields = ("owner",)


@admin.register(TicketLink)
class TicketLinkAdmin(ReadOnlyAdmin):
    list_display = ("source", "kind", "target", "created_by", "created_at")
    list_filter = ("kind",)
    list_select_related = ("source", "target", "created_by")


@admin.register(Collaborator)
class CollaboratorAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "user", "added_by", "added_at")
    list_select_related = ("ticket", "user", "added_by")
    search_fields = ("user__username",)
