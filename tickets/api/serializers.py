"""Shapes of tickets and the catalog in the API. They validate types and shapes; the
business rules (required service fields, legal transitions, who may do what) are the
services' and come back as ApplicationError."""

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from servicedesk.api import fields as strict
from servicedesk.api.fields import id_field
from sla import states
from sla.models import SLAClock
from teams.api.serializers import TeamSummarySerializer, UserSummarySerializer
from tickets.api.selectors import PERSON_COLUMNS, TICKET_ORDERINGS, TICKET_ROW
from tickets.constants import RESOLUTION_SUMMARY_MAX, EventKind, FieldKind, Priority, Status
from tickets.models import (
    Attachment,
    Comment,
    ServiceCategory,
    ServiceItem,
    ServiceItemField,
    Ticket,
    TicketEvent,
    format_reference,
)
from tickets.selectors import active_service_item, works_for_team

VERSION_MAX = 2**31 - 1
# Bounds of what a service field value may be before the service even looks at it:
# PostgreSQL's jsonb refuses NUL characters and non-finite numbers.
FIELD_TEXT_MAX = 10_000
FIELD_NUMBER_MAX = Decimal(10) ** 15


def version_field(*, required: bool = True) -> strict.IntegerField:
    help_text = "The ticket's `version` as you read it; a stale one is refused with 409 and nothing changes."
    if not required:
        # Actions (a move, an assignment) are checked against the ticket as it is now: a
        # script that resolves or assigns need not read the ticket first.
        help_text += " Left out, the action applies to the ticket as it is now."
    return strict.IntegerField(min_value=1, max_value=VERSION_MAX, required=required, help_text=help_text)


# --- catalog -------------------------------------------------------------------------------


class ServiceCategorySummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceCategory
        fields = ["id", "name"]
        read_only_fields = fields


class ServiceItemFieldSerializer(serializers.ModelSerializer):
    """One extra question of a service item; its answer goes in the ticket's `fields`."""

    choices = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ServiceItemField
        fields = ["key", "label", "help_text", "kind", "choices", "required"]
        read_only_fields = fields


class ServiceItemSerializer(serializers.ModelSerializer):
    category = ServiceCategorySummarySerializer(read_only=True)
    team = TeamSummarySerializer(read_only=True)
    fields = ServiceItemFieldSerializer(many=True, read_only=True)

    class Meta:
        model = ServiceItem
        fields = ["id", "name", "description", "category", "team", "default_priority", "fields"]
        read_only_fields = fields


class ServiceItemSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceItem
        fields = ["id", "name"]
        read_only_fields = fields


# --- tickets --------------------------------------------------------------------------------



def _formatter():
    """Format datetimes as DRF's DateTimeField does with its default ISO 8601 format
    (in the current time zone, "Z" for UTC), with the time zone looked up once per call
    instead of once per value, and without the field's per-value checks: a page of
    tickets has hundreds of values, all aware datetimes read from PostgreSQL."""
    tz = timezone.get_current_timezone()

    def when(value) -> str | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime) or value.utcoffset() is None:
            return _drf_datetime(tz).to_representation(value)  # the odd case: as DRF would
        try:
            text = value.astimezone(tz).isoformat()
        except OverflowError:
            return _drf_datetime(tz).to_representation(value)
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return when


_datetime_fields: dict[Any, serializers.DateTimeField] = {}


def _drf_datetime(tz) -> serializers.DateTimeField:
    field = _datetime_fields.get(tz)
    if field is None:
        field = _datetime_fields[tz] = serializers.DateTimeField(default_timezone=tz)
    return field


def clock_representation(clock: Any, now, when) -> dict[str, Any]:
    state = states.clock_state(clock, now)
    remaining = states.remaining_seconds(clock, now)
    return {
        "due_at": when(clock.due_at),
        "state": state.value,
        "breached": state == states.ClockState.BREACHED,
        "remaining_seconds": None if remaining is None else math.floor(remaining),
    }


class SlaClockSerializer(serializers.Serializer):
    """Where one target stands, in the words of the SLA vocabulary (README, "SLA states"):
    `state` is on_track, at_risk, breached (past its due time and still owed, running or
    paused), paused, met, met_late (met after its due time) or stopped (the ticket was
    closed or cancelled unresolved); `breached` is true while the target is overdue, as
    soon as the due time has passed, even before the deadline scanner recorded it.
    The schema of a clock; `clock_representation` writes it."""

    due_at = serializers.DateTimeField(allow_null=True)
    state = serializers.ChoiceField(choices=states.ClockState.values)
    breached = serializers.BooleanField()
    remaining_seconds = serializers.IntegerField(
        allow_null=True, help_text="Seconds until due (negative when overdue); null when paused or stopped."
    )


class TicketSlaSerializer(serializers.Serializer):
    first_response = SlaClockSerializer(allow_null=True)
    next_response = SlaClockSerializer(
        allow_null=True,
        help_text="The next response the team owes since the requester's last reply (its latest cycle while "
                  "it is owed); null when the service standard does not track next responses or none is owed.")
    resolution = SlaClockSerializer(allow_null=True)


def _person(row: Mapping[str, Any], role: str) -> dict[str, Any] | None:
    pk = row[f"{role}_id"]
    if pk is None:
        return None
    username = row[f"{role}__username"]
    # As User.display_name: the full name, else the username.
    full_name = f"{row[f'{role}__first_name']} {row[f'{role}__last_name']}".strip()
    return {"id": pk, "username": username, "display_name": full_name or username}


def ticket_representation(row: Mapping[str, Any], clocks: Iterable[Any], now, *, sees_sla: bool) -> dict[str, Any]:
    """A ticket as the API shows it (the shape TicketSerializer declares), from a
    `tickets.api.selectors.TICKET_ROW` row and the ticket's clocks.

    The SLA clocks (`sla_state`, `sla`) are the service team's working view, as on the
    ticket page: with `sees_sla` false (the viewer does not work the ticket's team: its
    requester, a collaborator from another team) both are null."""
    by_kind = {clock.kind: clock for clock in states.current_clocks(clocks)}
    when = _formatter()
    return {
        "id": row["id"],
        "reference": format_reference(row["id"]),
        "title": row["title"],
        "description": row["description"],
        "status": row["status"],
        "priority": row["priority"],
        "team": {"id": row["team_id"], "name": row["team__name"]},
        "service_item": {"id": row["service_item_id"], "name": row["service_item__name"]},
        "requester": _person(row, "requester"),
        "assignee": _person(row, "assignee"),
        "created_at": when(row["created_at"]),
        "updated_at": when(row["updated_at"]),
        "first_response_at": when(row["first_response_at"]),
        "resolved_at": when(row["resolved_at"]),
        "resolution_summary": row["resolution_summary"],
        "closed_at": when(row["closed_at"]),
        "version": row["version"],
        "fields": row["fields"],
        "sla_state": states.ticket_state(by_kind.values(), now).value if sees_sla else None,
        "sla": {
            kind: clock_representation(by_kind[kind], now, when) if kind in by_kind else None
            for kind in (SLAClock.Kind.FIRST_RESPONSE, SLAClock.Kind.NEXT_RESPONSE, SLAClock.Kind.RESOLUTION)
        } if sees_sla else None,
    }


def ticket_row(ticket: Ticket) -> dict[str, Any]:
    """A ticket instance (with its relations loaded) as a TICKET_ROW row."""
    row = {name: getattr(ticket, name) for name in TICKET_ROW if "__" not in name}
    row["team__name"] = ticket.team.name
    row["service_item__name"] = ticket.service_item.name
    for role in ("requester", "assignee"):
        person = getattr(ticket, role) if row[f"{role}_id"] is not None else None
        for column in PERSON_COLUMNS:
            row[f"{role}__{column}"] = getattr(person, column) if person is not None else None
    return row


class TicketSerializer(serializers.ModelSerializer):
    """A ticket as the API shows it.

    The declared fields are the schema; the representation is `ticket_representation`,
    which the list also uses on plain rows: DRF's field-by-field walk cost more than the
    rest of a list request. The schema tests and the fuzzing check that the two agree."""

    reference = serializers.CharField(read_only=True, help_text="e.g. SD-000123")
    team = TeamSummarySerializer(read_only=True)
    service_item = ServiceItemSummarySerializer(read_only=True)
    requester = UserSummarySerializer(read_only=True)
    assignee = UserSummarySerializer(read_only=True, allow_null=True)
    fields = serializers.DictField(read_only=True, help_text="Answers to the service item's questions, by key.")
    sla_state = serializers.ChoiceField(
        choices=states.TicketState.values, read_only=True, allow_null=True,
        help_text="The ticket's live SLA state: the worst of its live clocks (breached, at_risk, on_track, "
                  "paused), or done when no target is live. The list's `sla_state` filter selects by it. "
                  "Null for whoever does not work the ticket's team (its requester): the SLA clocks are the "
                  "service team's, as on the ticket page.",
    )
    sla = TicketSlaSerializer(read_only=True, allow_null=True,
                              help_text="The ticket's SLA clocks; null for whoever does not work the ticket's team.")

    class Meta:
        model = Ticket
        fields = [
            "id", "reference", "title", "description", "status", "priority", "team", "service_item", "requester",
            "assignee", "created_at", "updated_at", "first_response_at", "resolved_at", "resolution_summary",
            "closed_at", "version",
            "fields", "sla_state", "sla",
        ]
        read_only_fields = fields

    def to_representation(self, ticket: Ticket) -> dict[str, Any]:
        now = self.context.get("now") or timezone.now()
        request = self.context.get("request")
        sees_sla = request is not None and works_for_team(user=request.user, team_id=ticket.team_id)
        return ticket_representation(ticket_row(ticket), ticket.sla_clocks.all(), now, sees_sla=sees_sla)


def _check_json_value(value: Any, depth: int = 0) -> str | None:
    """Why a value cannot be stored as JSON in PostgreSQL, or None."""
    if depth > 20:
        return _("Too deeply nested.")
    if isinstance(value, str):
        if "\x00" in value:
            return _("Null characters are not allowed.")
        if len(value) > FIELD_TEXT_MAX:
            return _("Enter at most %(n)d characters.") % {"n": FIELD_TEXT_MAX}
    elif isinstance(value, float):
        if not math.isfinite(value) or abs(value) >= FIELD_NUMBER_MAX:
            return _("Enter a number below 10^15.")
    elif isinstance(value, int) and not isinstance(value, bool):
        if abs(value) >= FIELD_NUMBER_MAX:
            return _("Enter a number below 10^15.")
    elif isinstance(value, list):
        for item in value:
            problem = _check_json_value(item, depth + 1)
            if problem:
                return problem
    elif isinstance(value, dict):
        for key, item in value.items():
            problem = _check_json_value(key, depth + 1) or _check_json_value(item, depth + 1)
            if problem:
                return problem
    return None


class TicketCreateSerializer(serializers.Serializer):
    service_item = id_field(help_text="Id of an active service item (see service-items/).")
    # Blank passes here: the service refuses it together with every other field at fault.
    title = strict.LineField(max_length=200, allow_blank=True)
    description = strict.TextField(required=False, allow_blank=True, default="", max_length=50_000)
    priority = strict.ChoiceField(choices=Priority.choices, required=False, allow_null=True,
                                       help_text="P1 (urgent) … P4 (low); the service item's default when left out.")
    fields = serializers.DictField(required=False, default=dict,
                                   help_text="Answers to the service item's questions, by key.")

    def validate_service_item(self, value: int) -> ServiceItem:
        try:
            return active_service_item(pk=value)
        except ServiceItem.DoesNotExist:
            raise serializers.ValidationError(_("Unknown service item.")) from None

    def validate(self, attrs: dict) -> dict:
        item: ServiceItem = attrs["service_item"]
        values = attrs.get("fields") or {}
        errors = {}
        for key, value in values.items():
            problem = _check_json_value(key) or _check_json_value(value)
            if problem:
                errors[f"fields.{key}".replace("\x00", "")] = problem
        for definition in item.fields.all():
            raw = values.get(definition.key)
            if definition.kind == FieldKind.NUMBER and isinstance(raw, str):
                try:
                    number = Decimal(raw.strip())
                except InvalidOperation:
                    continue  # the service names the field
                if number.is_finite() and abs(number) >= FIELD_NUMBER_MAX:
                    errors[f"fields.{definition.key}"] = _("Enter a number below 10^15.")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class TicketUpdateSerializer(serializers.Serializer):
    title = strict.LineField(max_length=200, required=False)
    description = strict.TextField(required=False, allow_blank=True, max_length=50_000)
    priority = strict.ChoiceField(choices=Priority.choices, required=False)
    version = version_field()


class TransitionSerializer(serializers.Serializer):
    to = strict.ChoiceField(choices=Status.choices)
    comment = strict.TextField(required=False, allow_blank=True, default="", max_length=50_000,
                                    help_text="A public reply posted with the change.")
    resolution_summary = strict.TextField(
        required=False, allow_blank=True, default="", max_length=RESOLUTION_SUMMARY_MAX,
        help_text="With `to: resolved` only, optional: what was done, for the requester (cleared on reopen).")
    version = version_field(required=False)


class AssignSerializer(serializers.Serializer):
    assignee = id_field(allow_null=True, help_text="A member of the ticket's team, or null to unassign.")
    version = version_field(required=False)


class CommentSerializer(serializers.ModelSerializer):
    author = UserSummarySerializer(read_only=True)
    internal = serializers.BooleanField(source="is_internal", read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "internal", "created_at", "attachments"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_attachments(self, comment: Comment) -> list[int]:
        return [attachment.pk for attachment in comment.attachments.all()]


class CommentCreateSerializer(serializers.Serializer):
    body = strict.TextField(max_length=50_000)
    internal = strict.BooleanField(default=False, help_text="An internal note (service team only).")
    version = version_field(required=False)


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    uploaded_by = UserSummarySerializer(read_only=True)
    download_url = serializers.SerializerMethodField(help_text="The file, for a signed-in browser session.")

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "comment", "uploaded_by", "created_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        return reverse("attachment-download", args=[attachment.pk])


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class TicketEventSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=EventKind.values, read_only=True)
    actor = UserSummarySerializer(read_only=True, allow_null=True)
    data = serializers.JSONField(read_only=True)

    class Meta:
        model = TicketEvent
        fields = ["id", "kind", "actor", "created_at", "data"]
        read_only_fields = fields


class TicketOrderingSerializer(serializers.Serializer):
    """The list's order (its filters are `tickets.filters.TicketFilterSet`)."""

    ordering = strict.ChoiceField(choices=list(TICKET_ORDERINGS), required=False)
