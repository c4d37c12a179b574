"""Every write to tickets goes through these functions: one place for the lifecycle,
its history (`TicketEvent`), its SLA clocks and its notifications."""

import dataclasses
import datetime as dt
import mimetypes
import os
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from notifications import services as notify
from servicedesk.exceptions import ApplicationError, ConflictError
from sla import bookkeeping as sla
from teams.models import Membership, User
from webhooks import services as webhooks

from .constants import (
    ALLOWED_TRANSITIONS,
    REQUESTER_TRANSITIONS,
    EventKind,
    FieldKind,
    Priority,
    Status,
)
from .models import Attachment, Comment, ServiceItem, ServiceItemField, Ticket, TicketEvent
from .selectors import can_work_ticket, is_collaborator

TITLE_MAX = 200


# --- validation -------------------------------------------------------------------------


def validate_item_fields(*, item: ServiceItem, values: dict[str, Any] | None) -> dict[str, Any]:
    """Check the values of an item's extra fields; return them cleaned and JSON-ready.

    Raises ApplicationError with one message per bad field (keyed `fields.<key>`).
    Unknown keys are refused too, so that nothing unexpected is stored with the ticket.
    """
    values = dict(values or {})
    if not isinstance(values, dict):
        raise ApplicationError(_("Service fields must be an object."), field_errors={"fields": _("Must be an object.")})
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    definitions: Sequence[ServiceItemField] = list(item.fields.all())
    known = {f.key for f in definitions}
    for key in values:
        if key not in known:
            errors[f"fields.{key}"] = _("Unknown field for this service.")
    for field in definitions:
        raw = values.get(field.key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if field.required:
                errors[f"fields.{field.key}"] = _("This field is required.")
            continue
        try:
            cleaned[field.key] = _clean_field_value(field, raw)
        except ValueError as exc:
            errors[f"fields.{field.key}"] = str(exc)
    if errors:
        raise ApplicationError(_("Some service fields are not valid."), field_errors=errors)
    return cleaned


def _clean_field_value(field: ServiceItemField, raw: Any) -> Any:
    if field.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        if not isinstance(raw, str):
            raise ValueError(_("Enter text."))
        limit = 200 if field.kind == FieldKind.TEXT else 5000
        if len(raw) > limit:
            raise ValueError(_("Enter at most %(n)d characters.") % {"n": limit})
        return raw.strip()
    if field.kind == FieldKind.CHOICE:
        if not isinstance(raw, str) or raw not in field.choices:
            raise ValueError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(map(str, field.choices))})
        return raw
    if field.kind == FieldKind.NUMBER:
        if isinstance(raw, bool):
            raise ValueError(_("Enter a number."))
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        return int(number) if number == number.to_integral_value() else float(number)
    if field.kind == FieldKind.DATE:
        if isinstance(raw, dt.date):
            return raw.isoformat()
        try:
            parsed = parse_date(str(raw).strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValueError(_("Enter a date as YYYY-MM-DD."))
        return parsed.isoformat()
    raise ValueError(_("Unsupported field kind."))


def validate_upload(upload: UploadedFile) -> str:
    """Refuse files over the size limit or of a type not on the allow-list; return the
    content type we store (derived from the extension, never trusted from the client)."""
    name = os.path.basename(upload.name or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in settings.ATTACHMENT_ALLOWED_EXTENSIONS:
        raise ApplicationError(
            _("Files of type “%(ext)s” are not accepted. Allowed: %(allowed)s.")
            % {"ext": ext or "?", "allowed": ", ".join(settings.ATTACHMENT_ALLOWED_EXTENSIONS)},
            field_errors={"attachments": _("File type not allowed.")},
        )
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ApplicationError(
            _("“%(name)s” is too large: the limit is %(mb).1f MB.")
            % {"name": name, "mb": settings.ATTACHMENT_MAX_BYTES / 1024 / 1024},
            field_errors={"attachments": _("File too large.")},
        )
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _validate_uploads(uploads: Iterable[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    return [(u, validate_upload(u)) for u in uploads]


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ApplicationError(_("Give the request a title."), field_errors={"title": _("This field is required.")})
    if len(title) > TITLE_MAX:
        raise ApplicationError(
            _("The title is too long."), field_errors={"title": _("Enter at most %(n)d characters.") % {"n": TITLE_MAX}}
        )
    return title


# --- helpers ----------------------------------------------------------------------------


def _event(ticket: Ticket, actor: User | None, kind: str, **data: Any) -> TicketEvent:
    return TicketEvent.objects.create(ticket=ticket, actor=actor, kind=kind, data=data)


def _lock(ticket: Ticket, expected_version: int | None = None) -> Ticket:
    """Re-read the ticket under a row lock; refuse when the caller's copy is stale."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            _("%(ref)s was changed by someone else since you opened it. Reload to see the changes.")
            % {"ref": locked.reference}
        )
    return locked


def _lock_both(first: Ticket, second: Ticket, expected_version: int | None = None) -> tuple[Ticket, Ticket]:
    """Lock two tickets, always in id order, whichever the caller names first, so that two
    actions on the same pair in opposite directions (A merged into B while B is merged into
    A) wait for each other instead of deadlocking; `expected_version` is `first`'s."""
    low, high = sorted((first, second), key=lambda t: t.pk)
    locked = {t.pk: _lock(t) for t in (low, high)}
    first_locked, second_locked = locked[first.pk], locked[second.pk]
    if expected_version is not None and first_locked.version != expected_version:
        raise ConflictError(
            _("%(ref)s was changed by someone else since you opened it. Reload to see the changes.")
            % {"ref": first_locked.reference}
        )
    return first_locked, second_locked


def _save(ticket: Ticket, *fields: str) -> None:
    ticket.version += 1
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=[*fields, "version", "updated_at"])


def _require_staff(ticket: Ticket, actor: User | None) -> None:
    if actor is not None and not can_work_ticket(user=actor, ticket=ticket):
        raise ApplicationError(_("Only the service team can do this."), code="permission_denied")


def _store_attachments(ticket: Ticket, comment: Comment | None, uploads, actor: User) -> list[Attachment]:
    stored = []
    for upload, content_type in uploads:
        att = Attachment(
            ticket=ticket, comment=comment, original_name=os.path.basename(upload.name)[:255],
            content_type=content_type, size=upload.size, uploaded_by=actor,
        )
        att.file.save(upload.name, upload, save=False)
        att.save()
        stored.append(att)
    return stored


# --- ticket writes ----------------------------------------------------------------------


@transaction.atomic
def ticket_create(
    *,
    requester: User,
    service_item: ServiceItem,
    title: str,
    description: str = "",
    priority: str | None = None,
    fields: dict[str, Any] | None = None,
    attachments: Sequence[UploadedFile] = (),
    filed_at: dt.datetime | None = None,
) -> Ticket:
    """File a request from the catalog. Everything is validated before anything is written.

    `filed_at` is for a request that came in earlier than it is entered (taken down by
    phone, moved over from another system, the demo's overdue tickets): the ticket, its
    first history entries and its SLA clocks count from then. Never in the future."""
    if not service_item.is_active:
        raise ApplicationError(_("This service is not offered any more."), field_errors={"service_item": _("Inactive.")})
    title = _clean_title(title)
    if priority in (None, ""):
        priority = service_item.default_priority
    elif priority not in Priority.values:
        raise ApplicationError(
            _("Unknown priority."), field_errors={"priority": _("Choose one of P1, P2, P3, P4.")}
        )
    cleaned_fields = validate_item_fields(item=service_item, values=fields)
    uploads = _validate_uploads(attachments)
    now = timezone.now()
    if filed_at is not None and (timezone.is_naive(filed_at) or filed_at > now):
        raise ApplicationError(_("A request cannot be filed in the future."),
                               field_errors={"filed_at": _("Give a past time with its time zone.")})

    ticket = Ticket(
        requester=requester,
        requester_department_id=requester.department_id,
        team_id=service_item.team_id,
        service_item=service_item,
        title=title,
        description=description or "",
        fields=cleaned_fields,
        priority=priority,
        created_at=filed_at or now,
    )
    if ServiceItem.team.is_cached(service_item):
        ticket.team = service_item.team  # the API's answer names the team: no query for it
    # The ticket is inserted with its SLA summary already set from the planned clocks
    # (an UPDATE right after would write every index of the ticket table twice).
    clocks = sla.ticket_clocks_plan(ticket=ticket)
    ticket.save(force_insert=True)
    events = [TicketEvent(ticket=ticket, actor=requester, kind=EventKind.CREATED,
                          data={"status": ticket.status, "priority": priority, "team": ticket.team_id})]
    sla_event = sla.ticket_clocks_write(ticket=ticket, clocks=clocks)
    if sla_event:
        events.append(sla_event)
    for event in events:
        event.created_at = ticket.created_at  # filed, and under a standard, when it came in
    TicketEvent.objects.bulk_create(events)
    notify.ticket_created(ticket=ticket)
    _store_attachments(ticket, None, uploads, requester)
    _auto_assign(ticket)
    webhooks.webhook_event(event="ticket.created", ticket=ticket, data={})
    return ticket


@transaction.atomic
def ticket_transition(
    *,
    ticket: Ticket,
    to: str,
    actor: User | None,
    comment: str = "",
    expected_version: int | None = None,
    notify_requester: bool = True,
) -> Ticket:
    """Move a ticket through its lifecycle; the one place that changes `status`.

    `actor=None` is the system (the auto-close sweep). Moving to the current status is a
    no-op. Refused moves raise ApplicationError naming the allowed ones.
    `notify_requester=False` is for moves that a reply causes: the reply itself is what
    the people involved hear about.
    """
    ticket = _lock(ticket, expected_version)
    old = ticket.status
    if to == old:
        return ticket
    if to not in Status.values:
        raise ApplicationError(_("Unknown status “%(to)s”.") % {"to": to}, field_errors={"to": _("Unknown status.")})
    allowed = ALLOWED_TRANSITIONS[old]
    if actor is not None and not can_work_ticket(user=actor, ticket=ticket):
        if actor.pk != ticket.requester_id:
            raise ApplicationError(_("You cannot change this request."), code="permission_denied")
        allowed = allowed & REQUESTER_TRANSITIONS.get(old, frozenset())
    if to not in allowed:
        allowed_names = ", ".join(sorted(allowed)) or _("none")
        raise ApplicationError(
            _("A %(old)s ticket cannot become %(to)s. Allowed: %(allowed)s.")
            % {"old": old, "to": to, "allowed": allowed_names},
            field_errors={"to": _("Allowed: %(allowed)s.") % {"allowed": allowed_names}},
        )
    now = timezone.now()
    if old == Status.RESOLVED and to == Status.OPEN and actor is not None and not can_work_ticket(
        user=actor, ticket=ticket
    ):
        window = dt.timedelta(days=settings.TICKET_REOPEN_DAYS)
        if ticket.resolved_at and now - ticket.resolved_at > window:
            raise ApplicationError(
                _("This request was resolved more than %(days)d days ago and can no longer be reopened. "
                  "Please file a new request.") % {"days": settings.TICKET_REOPEN_DAYS},
                field_errors={"to": _("Reopen window has passed.")},
            )

    ticket.status = to
    changed = ["status"]
    if to == Status.RESOLVED:
        ticket.resolved_at = now
        changed.append("resolved_at")
    elif to in (Status.CLOSED, Status.CANCELLED):
        ticket.closed_at = now
        changed.append("closed_at")
    if old == Status.RESOLVED and to == Status.OPEN:
        ticket.resolved_at = None
        changed.append("resolved_at")
    _save(ticket, *changed)
    _event(ticket, actor, EventKind.STATUS, old=old, new=to)
    sla.ticket_clocks_on_status(ticket=ticket, old=old, new=to, at=now)
    webhooks.webhook_event(event="ticket.status_changed", ticket=ticket,
                           data={"old": old, "new": to, "actor": actor.pk if actor else None})
    if notify_requester:
        notify.ticket_status_changed(ticket=ticket, old=old, actor=actor)
    if comment and comment.strip() and actor is not None:
        _comment(ticket, actor, comment, internal=False, uploads=[])
    return ticket


@transaction.atomic
def ticket_assign(
    *, ticket: Ticket, assignee: User | None, actor: User | None, expected_version: int | None = None
) -> Ticket:
    """Give the ticket to a member of its team (or take it back with None)."""
    ticket = _lock(ticket, expected_version)
    _require_staff(ticket, actor)
    if assignee is not None and not Membership.objects.filter(user=assignee, team_id=ticket.team_id).exists():
        raise ApplicationError(
            _("%(user)s is not a member of %(team)s.") % {"user": assignee.display_name, "team": ticket.team},
            field_errors={"assignee": _("Not a member of the ticket's team.")},
        )
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise ApplicationError(_("A closed ticket cannot be assigned."), field_errors={"assignee": _("Closed.")})
    old = ticket.assignee_id
    new = assignee.pk if assignee else None
    if old == new:
        return ticket
    ticket.assignee = assignee
    _save(ticket, "assignee")
    _event(ticket, actor, EventKind.ASSIGNED, old=old, new=new,
           new_name=assignee.display_name if assignee else None)
    notify.ticket_assigned(ticket=ticket, actor=actor)
    return ticket


@transaction.atomic
def ticket_set_priority(
    *, ticket: Ticket, priority: str, actor: User | None, expected_version: int | None = None
) -> Ticket:
    """Change the priority; the service standard is matched again and the clocks follow."""
    ticket = _lock(ticket, expected_version)
    _require_staff(ticket, actor)
    if priority not in Priority.values:
        raise ApplicationError(_("Unknown priority."), field_errors={"priority": _("Choose one of P1, P2, P3, P4.")})
    old = ticket.priority
    if old == priority:
        return ticket
    ticket.priority = priority
    _save(ticket, "priority")
    _event(ticket, actor, EventKind.PRIORITY, old=old, new=priority)
    sla.ticket_clocks_rematch(ticket=ticket, actor=actor, reason="priority")
    return ticket


@transaction.atomic
def comment_create(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    internal: bool = False,
    attachments: Sequence[UploadedFile] = (),
    expected_version: int | None = None,
) -> Comment:
    """A public reply or an internal note, with the lifecycle effects of a reply:
    the first public reply by the team records the first response; a requester's reply
    to a ticket waiting on them puts it back in the team's hands."""
    uploads = _validate_uploads(attachments)
    ticket = _lock(ticket, expected_version)
    return _comment(ticket, author, body, internal=internal, uploads=uploads)


def _comment(ticket: Ticket, author: User, body: str, *, internal: bool, uploads) -> Comment:
    body = (body or "").strip()
    if not body and not uploads:
        raise ApplicationError(_("Write a message."), field_errors={"body": _("This field is required.")})
    staff = can_work_ticket(user=author, ticket=ticket)
    if not staff and is_collaborator(user=author, ticket=ticket):
        # Collaborators from other teams help with notes; replies stay with the owning team.
        if not internal:
            raise ApplicationError(_("As a collaborator you can write internal notes only."),
                                   field_errors={"internal": _("Collaborators write internal notes.")})
        staff = True
    if not staff and author.pk != ticket.requester_id:
        raise ApplicationError(_("You cannot reply to this request."), code="permission_denied")
    if internal and not staff:
        raise ApplicationError(_("Only the service team can write internal notes."),
                               field_errors={"internal": _("Not allowed.")})
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise ApplicationError(
            _("This request is %(status)s; please file a new request.") % {"status": ticket.get_status_display()},
            field_errors={"body": _("The ticket is closed.")},
        )
    comment = Comment.objects.create(ticket=ticket, author=author, body=body, is_internal=internal)
    _store_attachments(ticket, comment, uploads, author)
    _event(ticket, author, EventKind.NOTE if internal else EventKind.COMMENT, comment=comment.pk)
    now = timezone.now()
    if staff and not internal:
        if ticket.first_response_at is None:
            ticket.first_response_at = now
            _save(ticket, "first_response_at")
            _event(ticket, author, EventKind.FIRST_RESPONSE, at=now.isoformat())
            sla.ticket_clocks_on_first_response(ticket=ticket, at=now)
        if ticket.status == Status.NEW:
            ticket_transition(ticket=ticket, to=Status.OPEN, actor=author, notify_requester=False)
        notify.ticket_replied(ticket=ticket, comment=comment)
    elif not staff:
        if ticket.status == Status.PENDING:
            ticket_transition(ticket=ticket, to=Status.OPEN, actor=None, notify_requester=False)
        else:
            _save(ticket)
        notify.requester_replied(ticket=ticket, comment=comment)
    else:
        _save(ticket)
    return comment


@transaction.atomic
def attachment_add(
    *, ticket: Ticket, uploads: Sequence[UploadedFile], actor: User, expected_version: int | None = None
) -> list[Attachment]:
    """Attach files to a ticket without writing a message."""
    validated = _validate_uploads(uploads)
    ticket = _lock(ticket, expected_version)
    if not can_work_ticket(user=actor, ticket=ticket) and actor.pk != ticket.requester_id:
        raise ApplicationError(_("You cannot attach files to this request."), code="permission_denied")
    stored = _store_attachments(ticket, None, validated, actor)
    for att in stored:
        _event(ticket, actor, EventKind.ATTACHMENT, name=att.original_name, size=att.size)
    _save(ticket)
    return stored


def tickets_close_resolved(*, now: dt.datetime | None = None, batch_size: int = 200) -> int:
    """Close tickets resolved longer ago than TICKET_AUTOCLOSE_DAYS. A sweep by state:
    running it twice, or in two workers at once, closes each ticket once."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.TICKET_AUTOCLOSE_DAYS)
    closed = 0
    while True:
        with transaction.atomic():
            batch = list(
                Ticket.objects.select_for_update(skip_locked=True)
                .filter(status=Status.RESOLVED, resolved_at__lt=cutoff)
                .order_by("resolved_at")[:batch_size]
            )
            for ticket in batch:
                ticket_transition(ticket=ticket, to=Status.CLOSED, actor=None)
            closed += len(batch)
        if len(batch) < batch_size:
            return closed


@transaction.atomic
def ticket_move_team(
    *, ticket: Ticket, team, actor: User | None, reason: str, expected_version: int | None = None
) -> Ticket:
    """Transfer a ticket to another service team, with a reason for the history. The
    assignee goes unless they belong to the new team; the standard is matched again."""
    ticket = _lock(ticket, expected_version)
    _require_staff(ticket, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say why the ticket moves."), field_errors={"reason": _("This field is required.")})
    if not team.is_active:
        raise ApplicationError(_("That team is not active."), field_errors={"team": _("Inactive team.")})
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise ApplicationError(_("A closed ticket cannot move."), field_errors={"team": _("Closed.")})
    old_team = ticket.team_id
    if old_team == team.pk:
        return ticket
    ticket.team = team
    changed = ["team"]
    if ticket.assignee_id and not Membership.objects.filter(user_id=ticket.assignee_id, team=team).exists():
        ticket.assignee = None
        changed.append("assignee")
    _save(ticket, *changed)
    _event(ticket, actor, EventKind.TEAM, old=old_team, new=team.pk, new_name=team.name, reason=reason)
    sla.ticket_clocks_rematch(ticket=ticket, actor=actor, reason="team")
    _auto_assign(ticket)
    notify.ticket_created(ticket=ticket)
    return ticket


# --- the team lead's workspace ----------------------------------------------------------


def _auto_assign(ticket: Ticket) -> None:
    """Give a ticket that arrives in a team to a member, as the team's lead chose:
    round-robin, or the available member with the fewest open tickets.

    The team row is locked for the rest of the transaction, so concurrent arrivals in
    one team take turns: each sees the assignments of the ones before it, and nobody
    gets two in a row while others are available.
    """
    from teams.models import Team
    from teams.selectors import team_assignment_mode

    if ticket.assignee_id or team_assignment_mode(team_id=ticket.team_id) == Team.Assignment.NONE:
        return
    team = Team.objects.select_for_update().get(pk=ticket.team_id)
    members = list(
        Membership.objects.filter(team=team, is_available=True, user__is_active=True)
        .order_by("user_id").values_list("user_id", flat=True)
    )
    if not members:
        return
    # Round-robin order starting after the member who got the last ticket.
    last = team.round_robin_last_id
    order = [m for m in members if last is None or m > last] + [m for m in members if last is not None and m <= last]
    if team.assignment_mode == Team.Assignment.LEAST_LOADED:
        loads = dict(
            Ticket.objects.filter(assignee_id__in=members, status__in=[Status.NEW, Status.OPEN, Status.PENDING])
            .values_list("assignee_id").annotate(n=Count("id")).values_list("assignee_id", "n")
        )
        pick = min(order, key=lambda m: (loads.get(m, 0), order.index(m)))
    else:
        pick = order[0]
    team.round_robin_last_id = pick
    team.save(update_fields=["round_robin_last"])
    ticket.assignee = assignee = User.objects.get(pk=pick)
    _save(ticket, "assignee")
    _event(ticket, None, EventKind.ASSIGNED, old=None, new=pick, new_name=assignee.display_name,
           auto=team.assignment_mode)
    notify.ticket_assigned(ticket=ticket, actor=None)


@dataclasses.dataclass
class BulkResult:
    """What a bulk change did: references changed, and those refused with the reason."""

    changed: list[str] = dataclasses.field(default_factory=list)
    refused: list[tuple[str, str]] = dataclasses.field(default_factory=list)


BULK_ACTIONS = ("assign", "priority", "move", "status")


def tickets_bulk_update(*, actor: User, tickets: Iterable[Ticket], action: str, value: Any,
                        reason: str = "") -> BulkResult:
    """Apply one change to many tickets, each validated and audited on its own: a ticket
    the change does not fit is refused with its reason, and never half-changed (each
    ticket runs in its own savepoint)."""
    from teams.models import Team

    if action not in BULK_ACTIONS:
        raise ApplicationError(_("Unknown bulk action."), field_errors={"action": _("Unknown action.")})
    target: Any = value
    if action == "assign":
        target = User.objects.filter(pk=value, is_active=True).first() if value not in (None, "", "none") else None
        if value not in (None, "", "none") and target is None:
            raise ApplicationError(_("Unknown user."), field_errors={"value": _("Unknown user.")})
    elif action == "move":
        target = Team.objects.filter(pk=value).first()
        if target is None:
            raise ApplicationError(_("Unknown team."), field_errors={"value": _("Unknown team.")})
    result = BulkResult()
    for ticket in tickets:
        try:
            with transaction.atomic():
                if action == "assign":
                    ticket_assign(ticket=ticket, assignee=target, actor=actor)
                elif action == "priority":
                    ticket_set_priority(ticket=ticket, priority=target, actor=actor)
                elif action == "move":
                    ticket_move_team(ticket=ticket, team=target, actor=actor, reason=reason)
                else:
                    ticket_transition(ticket=ticket, to=target, actor=actor)
        except ApplicationError as exc:
            result.refused.append((ticket.reference, exc.message))
        else:
            result.changed.append(ticket.reference)
    return result


@transaction.atomic
def collaborator_add(*, ticket: Ticket, user: User, actor: User, expected_version: int | None = None) -> None:
    """Pull an agent of another team into the ticket: they see it and may write notes."""
    from .models import Collaborator

    ticket = _lock(ticket, expected_version)
    _require_staff(ticket, actor)
    if not Membership.objects.filter(user=user).exists():
        raise ApplicationError(_("Only members of a service team can collaborate."),
                               field_errors={"user": _("Not a member of any service team.")})
    if can_work_ticket(user=user, ticket=ticket):
        raise ApplicationError(_("%(user)s already works this ticket.") % {"user": user.display_name},
                               field_errors={"user": _("Already on the ticket's team.")})
    _collab, created = Collaborator.objects.get_or_create(ticket=ticket, user=user, defaults={"added_by": actor})
    if created:
        _event(ticket, actor, EventKind.COLLABORATOR, user=user.pk, name=user.display_name)
        _save(ticket)


@transaction.atomic
def ticket_link(*, source: Ticket, target: Ticket, actor: User, expected_version: int | None = None) -> None:
    """Mark two tickets as related (both sides show the link)."""
    from .models import TicketLink

    if source.pk == target.pk:
        raise ApplicationError(_("A ticket cannot be linked to itself."), field_errors={"target": _("Same ticket.")})
    source, target = _lock_both(source, target, expected_version)
    _require_staff(source, actor)
    _link, created = TicketLink.objects.get_or_create(
        source=source, target=target, defaults={"kind": TicketLink.Kind.RELATED, "created_by": actor}
    )
    if created:
        _event(source, actor, EventKind.LINK, link="related", other=target.pk, other_ref=target.reference)
        _event(target, actor, EventKind.LINK, link="related", other=source.pk, other_ref=source.reference)


@transaction.atomic
def ticket_merge(*, source: Ticket, target: Ticket, actor: User, expected_version: int | None = None) -> Ticket:
    """Merge a duplicate into the ticket that carries on. The duplicate keeps its whole
    history, tells its requester where the work continues, and is resolved then closed;
    the surviving ticket records the merge and gets the duplicate's description as a note."""
    from .models import TicketLink

    if source.pk == target.pk:
        raise ApplicationError(_("A ticket cannot be merged into itself."), field_errors={"target": _("Same ticket.")})
    source, target = _lock_both(source, target, expected_version)
    _require_staff(source, actor)
    _require_staff(target, actor)
    if not source.is_open:
        raise ApplicationError(_("Only an open ticket can be merged."), field_errors={"source": _("Not open.")})
    if target.status in (Status.CLOSED, Status.CANCELLED):
        raise ApplicationError(_("Cannot merge into a closed ticket."), field_errors={"target": _("Closed.")})
    TicketLink.objects.update_or_create(source=source, target=target,
                                        defaults={"kind": TicketLink.Kind.DUPLICATE, "created_by": actor})
    _comment(
        target, actor,
        _("Merged from %(ref)s (%(title)s):\n\n%(description)s")
        % {"ref": source.reference, "title": source.title, "description": source.description},
        internal=True, uploads=[],
    )
    _event(target, actor, EventKind.MERGED, source=source.pk, source_ref=source.reference)
    _comment(source, actor, _("This request was merged into %(ref)s; the work continues there.")
             % {"ref": target.reference}, internal=False, uploads=[])
    _event(source, actor, EventKind.MERGED, target=target.pk, target_ref=target.reference)
    ticket_transition(ticket=source, to=Status.RESOLVED, actor=actor)
    ticket_transition(ticket=source, to=Status.CLOSED, actor=actor)
    return target


def canned_response_render(*, body: str, ticket: Ticket) -> str:
    """Fill the placeholders of a canned response. Plain replacement, not str.format, so
    that a template cannot reach into Python objects."""
    return (
        body.replace("{requester_name}", ticket.requester.display_name)
        .replace("{reference}", ticket.reference)
        .replace("{title}", ticket.title)
    )


def saved_view_save(*, owner: User, team, name: str, query: str, shared: bool = False):
    """Save the current queue filters under a name; only the team lead may share one."""
    from teams.selectors import is_team_lead

    from .models import SavedView

    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Give the view a name."), field_errors={"name": _("This field is required.")})
    if shared and not (owner.is_admin_role or is_team_lead(user=owner, team_id=team.pk)):
        raise ApplicationError(_("Only the team lead can share a view."), field_errors={"shared": _("Leads only.")})
    view, _created = SavedView.objects.update_or_create(
        owner=owner, team=team, name=name[:80], defaults={"query": query[:1000], "shared": shared}
    )
    return view


UNSET: Any = object()


@transaction.atomic
def ticket_update(
    *,
    ticket: Ticket,
    actor: User,
    expected_version: int | None,
    title: str = UNSET,
    description: str = UNSET,
    priority: str = UNSET,
) -> Ticket:
    """Reword a ticket (title, description) and set its priority in one step. The whole
    edit is refused, nothing changed, when the version is stale or a value is invalid;
    the priority goes through `ticket_set_priority` so that the SLA clocks follow."""
    locked = _lock(ticket, expected_version)
    _require_staff(locked, actor)
    changed: dict[str, dict[str, str]] = {}
    if title is not UNSET:
        title = _clean_title(title)
        if title != locked.title:
            changed["title"] = {"old": locked.title, "new": title}
            locked.title = title
    if description is not UNSET:
        description = description or ""
        if description != locked.description:
            changed["description"] = {"old": locked.description, "new": description}
            locked.description = description
    if priority is not UNSET and priority not in Priority.values:
        raise ApplicationError(_("Unknown priority."), field_errors={"priority": _("Choose one of P1, P2, P3, P4.")})
    if changed:
        _save(locked, *changed)
        _event(locked, actor, EventKind.EDITED, **changed)
    if priority is not UNSET and priority != locked.priority:
        locked = ticket_set_priority(ticket=locked, priority=priority, actor=actor)
    return locked


@transaction.atomic
def canned_response_save(*, team, title: str, body: str, canned=None):
    """Create or edit a canned response of a team; titles are unique within a team."""
    from .models import CannedResponse

    title = (title or "").strip()
    if CannedResponse.objects.filter(team=team, title=title).exclude(pk=canned.pk if canned else None).exists():
        raise ApplicationError(_("The team already has a canned response with this title."),
                               field_errors={"title": _("Choose another title.")})
    canned = canned or CannedResponse(team=team)
    canned.title, canned.body = title, body
    try:
        with transaction.atomic():
            canned.save()
    except IntegrityError:
        raise ApplicationError(_("The team already has a canned response with this title."),
                               field_errors={"title": _("Choose another title.")}) from None
    return canned


@transaction.atomic
def canned_response_delete(*, canned) -> None:
    canned.delete()


@transaction.atomic
def saved_view_delete(*, view) -> None:
    view.delete()
