"""The service catalog and the tickets filed against it."""

import datetime
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from servicedesk import search
from servicedesk.names import Translated

from .constants import OPEN_STATUSES, EventKind, FieldKind, Priority, Status

# Sorts after every real due time: the due time of a ticket whose clocks are not running.
NO_DUE = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)


class CatalogText(Translated):
    """Catalog text in several languages (servicedesk.names.Translated): English in the
    columns, others in `translations`, e.g. {"zh-hans": {"name": "…", "description": "…"}}.
    """

    # Every language's text of SEARCHED_FIELDS, folded (servicedesk.search.fold): what the
    # catalog search matches, the same on SQLite (which stores JSON with \u escapes) and
    # PostgreSQL, in either Chinese script. Kept by save().
    search_text = models.TextField(editable=False, blank=True, default="")

    SEARCHED_FIELDS: tuple[str, ...] = ("name",)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.search_text = self.searchable_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    def searchable_text(self) -> str:
        texts = [getattr(self, field) or "" for field in self.SEARCHED_FIELDS]
        for values in (self.translations or {}).values():
            if isinstance(values, dict):
                texts += [str(values.get(field) or "") for field in self.SEARCHED_FIELDS]
        return search.fold("\n".join(text for text in texts if text))


class ServiceCategory(CatalogText):
    """A group of service items in the catalog (Hardware, Accounts & access, …)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")

    def __str__(self) -> str:
        return self.name


class ServiceItem(CatalogText):
    """An entry of the service catalog that employees choose when filing a request."""

    category = models.ForeignKey(ServiceCategory, verbose_name=_("service category"), on_delete=models.PROTECT,
                                 related_name="items")
    team = models.ForeignKey("teams.Team", verbose_name=_("service team"), on_delete=models.PROTECT,
                             related_name="service_items")
    name = models.CharField(_("name"), max_length=160, unique=True)
    description = models.TextField(_("description"), blank=True)
    default_priority = models.CharField(_("default priority"), max_length=2, choices=Priority.choices,
                                        default=Priority.P3)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    SEARCHED_FIELDS = ("name", "description")

    class Meta:
        ordering = ["category__order", "order", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name


class ServiceItemField(Translated):
    """An extra question a service item asks when filed (e.g. "Asset tag", "Start date")."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(_("key"), max_length=60, help_text=_("Name the value is stored under."))
    label = models.CharField(_("label"), max_length=160)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=FieldKind.choices, default=FieldKind.TEXT)
    choices = models.JSONField(_("choices"), default=list, blank=True,
                               help_text=_("For a choice field: the list of allowed values."))
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("service field")
        verbose_name_plural = _("service fields")
        constraints = [models.UniqueConstraint(fields=["item", "key"], name="service_field_unique_key")]

    def __str__(self) -> str:
        return f"{self.item}: {self.label}"

    def choice_options(self) -> list[tuple[str, str]]:
        """(stored value, label in the active language) for each choice. The value is the
        English text; a language's labels are `translations[lang]["choices"]`, one per
        choice in the same order (ignored unless there is exactly one per choice)."""
        values = [str(choice) for choice in self.choices or ()]
        lang = (translation.get_language() or "en").lower()
        labels = (self.translations or {}).get(lang, {}).get("choices")
        if not isinstance(labels, list) or len(labels) != len(values):
            labels = values
        return [(value, str(label) or value) for value, label in zip(values, labels, strict=True)]

    def display_value(self, value):
        """An answer as the reader sees it: a choice by its label in the active language."""
        if self.kind == FieldKind.CHOICE:
            return dict(self.choice_options()).get(str(value), value)
        return value


class Ticket(models.Model):
    """One request from an employee to a service team."""

    # requester, team and assignee have no index of their own: the composite indexes in
    # Meta start with them (a ticket row is inserted into every index of this table).
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requester"), on_delete=models.PROTECT,
                                  related_name="requested_tickets", db_index=False)
    requester_department = models.ForeignKey("teams.Department", verbose_name=_("department"), null=True,
                                             blank=True, on_delete=models.SET_NULL, related_name="+")
    team = models.ForeignKey("teams.Team", verbose_name=_("service team"), on_delete=models.PROTECT,
                             related_name="tickets", db_index=False)
    service_item = models.ForeignKey(ServiceItem, verbose_name=_("service"), on_delete=models.PROTECT,
                                     related_name="tickets")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    fields = models.JSONField(_("service fields"), default=dict, blank=True)
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices, default=Priority.P3)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="assigned_tickets", db_index=False)
    # Not auto_now_add: ticket_create sets it, because the SLA clocks it plans before the
    # insert count from it.
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    # What the team did, in a few lines, given when resolving: the requester reads it, and
    # the knowledge base can start from it. Cleared when the ticket is reopened (the
    # resolution event in the history keeps it).
    resolution_summary = models.TextField(_("resolution summary"), blank=True, default="")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Which resolution cycle the ticket is in: 1 until it is first reopened after being
    # resolved, then one more for every reopen. SLA outcomes and satisfaction surveys are
    # kept per cycle (a reopened ticket is resolved, measured and surveyed again).
    resolution_cycle = models.PositiveIntegerField(_("resolution cycle"), default=1)
    # The summary of the ticket's SLA clocks, kept by the clock bookkeeping in the same
    # transaction, so that queues filter and sort by SLA state through an index instead of
    # a join (sla.states defines what the states mean): the earliest due and warning
    # times of running clocks, whether a live clock is recorded past its due time, and
    # whether a live clock is paused.
    sla_due_at = models.DateTimeField(_("next due"), null=True, blank=True)
    sla_warn_at = models.DateTimeField(_("at risk from"), null=True, blank=True)
    sla_breached = models.BooleanField(_("breached"), default=False)
    sla_paused = models.BooleanField(_("SLA paused"), default=False)
    # Bumped by every change; clients send it back so that a stale edit is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["team", "status", "-created_at"], name="ticket_team_status_created"),
            models.Index(fields=["requester", "-created_at"], name="ticket_requester_created"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status"),
            # Keyset pages of a team's open tickets, one index per queue order.
            models.Index(fields=["team", "sla_due_at", "id"], condition=Q(status__in=["new", "open", "pending"]),
                         name="ticket_team_open_due"),
            # The API's "due_at" ordering: tickets without a running clock sort last.
            models.Index(models.F("team"), Coalesce(models.F("sla_due_at"), models.Value(NO_DUE)), models.F("id"),
                         condition=Q(status__in=["new", "open", "pending"]), name="ticket_team_open_next_due"),
            models.Index(fields=["team", "priority", "created_at", "id"],
                         condition=Q(status__in=["new", "open", "pending"]), name="ticket_team_open_priority"),
            models.Index(fields=["team", "created_at", "id"], condition=Q(status__in=["new", "open", "pending"]),
                         name="ticket_team_open_age"),
            # A department's backlog by age (the department report): its open tickets alone.
            models.Index(fields=["requester_department", "created_at", "id"],
                         condition=Q(status__in=["new", "open", "pending"]), name="ticket_dept_open_age"),
            models.Index(fields=["team", "updated_at", "id"], condition=Q(status__in=["new", "open", "pending"]),
                         name="ticket_team_open_updated"),
            models.Index(fields=["resolved_at"], condition=Q(status="resolved"), name="ticket_resolved_at"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return format_reference(self.pk)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


REFERENCE_PREFIX = "SD-"


def format_reference(pk: int | None) -> str:
    return f"{REFERENCE_PREFIX}{pk:06d}" if pk else f"{REFERENCE_PREFIX}?"


def parse_reference(text: str) -> int | None:
    """`SD-000123`, `sd-123` or `123` → 123; anything else → None."""
    text = text.strip().upper()
    if text.startswith(REFERENCE_PREFIX):
        text = text[len(REFERENCE_PREFIX):]
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


class Comment(models.Model):
    """A public reply (seen by the requester) or an internal note (service team only)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    is_internal = models.BooleanField(_("internal note"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="comment_ticket_created")]

    def __str__(self) -> str:
        return f"{self.ticket.reference} comment {self.pk}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name is never the user's own: no path tricks, no collisions.
    return f"attachments/{instance.ticket_id}/{uuid4().hex}"


class Attachment(models.Model):
    """A file on a ticket (or on one of its comments), stored through Django's storage API."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class TicketEvent(models.Model):
    """Append-only history of a ticket: who changed what, when, from what to what."""

    # No index of its own: event_ticket_created (ticket, created_at) serves it.
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events", db_index=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    data = models.JSONField(default=dict, blank=True)
    # Now unless told otherwise: a request entered later than it came in is history from then.
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="event_ticket_created"),
            # The reports' rollup: which tickets changed since its last run.
            models.Index(fields=["created_at"], name="event_created"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


class Collaborator(models.Model):
    """Someone from another team pulled into a ticket: they see it and may write notes."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="collaborators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collaborations")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="collaborator_unique")]

    def __str__(self) -> str:
        return f"{self.user} on {self.ticket_id}"


class TicketLink(models.Model):
    """A relation between two tickets: related, or `source` is a duplicate merged into `target`."""

    class Kind(models.TextChoices):
        RELATED = "related", _("related")
        DUPLICATE = "duplicate", _("duplicate of")

    source = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="ticket_link_unique"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="ticket_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"


class CannedResponse(models.Model):
    """A reusable reply of a team; `{requester_name}` and `{reference}` are filled in."""

    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="canned_responses")
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("message"))
    # The language it is written in; the ticket page offers the requester's first.
    # Blank: meant for every language.
    language = models.CharField(_("language"), max_length=10, blank=True, default="",
                                choices=[("", _("Every language")), *settings.LANGUAGES])

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["team", "title"], name="canned_response_unique_title")]

    def __str__(self) -> str:
        return self.title


class SavedView(models.Model):
    """A queue filter a user saved; a lead may share it with the whole team."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters"), max_length=1000)
    shared = models.BooleanField(_("shared with the team"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "team", "name"], name="saved_view_unique_name")]

    def __str__(self) -> str:
        return self.name
