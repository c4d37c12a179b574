"""Statuses, priorities and the ticket lifecycle: the only transitions a ticket may make."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("new")
    OPEN = "open", _("open")
    PENDING = "pending", _("waiting on requester")
    RESOLVED = "resolved", _("resolved")
    CLOSED = "closed", _("closed")
    CANCELLED = "cancelled", _("cancelled")


class Priority(models.TextChoices):
    P1 = "P1", _("P1 · urgent")
    P2 = "P2", _("P2 · high")
    P3 = "P3", _("P3 · normal")
    P4 = "P4", _("P4 · low")


# Every legal move of the lifecycle. Moving to the current status is a no-op, not a move.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.OPEN, Status.PENDING, Status.RESOLVED, Status.CANCELLED}),
    Status.OPEN: frozenset({Status.PENDING, Status.RESOLVED}),
    Status.PENDING: frozenset({Status.OPEN, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.CANCELLED: frozenset(),
}

# What a requester may do to their own ticket; everything else is the service team's.
REQUESTER_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.CANCELLED}),
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
}

OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING)
DONE_STATUSES = (Status.RESOLVED, Status.CLOSED, Status.CANCELLED)


class FieldKind(models.TextChoices):
    TEXT = "text", _("text")
    LONG_TEXT = "long_text", _("long text")
    CHOICE = "choice", _("choice")
    NUMBER = "number", _("number")
    DATE = "date", _("date")


class EventKind(models.TextChoices):
    CREATED = "created", _("created")
    STATUS = "status", _("status changed")
    PRIORITY = "priority", _("priority changed")
    ASSIGNED = "assigned", _("assigned")
    TEAM = "team", _("transferred to team")
    SERVICE_ITEM = "service_item", _("service changed")
    COMMENT = "comment", _("reply")
    NOTE = "note", _("internal note")
    ATTACHMENT = "attachment", _("attachment added")
    FIRST_RESPONSE = "first_response", _("first response")
    SLA = "sla", _("service standard applied")
    ESCALATION = "escalation", _("escalation")
    COLLABORATOR = "collaborator", _("collaborator added")
    LINK = "link", _("linked")
    MERGED = "merged", _("merged")
    EDITED = "edited", _("edited")
    PROBLEM = "problem", _("problem")

# The longest resolution summary (a few lines for the requester, not a report).
RESOLUTION_SUMMARY_MAX = 2000
