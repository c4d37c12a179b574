"""Who hears about what. Ticket and SLA services call these inside their transaction; the
messages land in the outbox and a Celery task delivers them (see `deliver_outbox`)."""

import datetime as dt
import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicedesk.exceptions import ApplicationError
from teams.models import Membership

from .models import Notification, OutboxMessage, Preference
from .selectors import delivery_preferences, new_ticket_audience

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8

# Event names, also the keys of the per-user preferences.
TICKET_CREATED = "ticket_created"
TICKET_STATUS = "ticket_status"
TICKET_ASSIGNED = "ticket_assigned"
TICKET_REPLY = "ticket_reply"
REQUESTER_REPLY = "requester_reply"
SLA_WARNING = "sla_warning"
SLA_ESCALATION = "sla_escalation"
LEAD_DIGEST = "lead_digest"

EVENT_LABELS = {
    TICKET_CREATED: gettext_lazy("New ticket in my team's queue"),
    TICKET_STATUS: gettext_lazy("Status of my request changed"),
    TICKET_ASSIGNED: gettext_lazy("A ticket was assigned to me"),
    TICKET_REPLY: gettext_lazy("A reply on my request"),
    REQUESTER_REPLY: gettext_lazy("The requester replied"),
    SLA_WARNING: gettext_lazy("A ticket is at risk"),
    SLA_ESCALATION: gettext_lazy("Escalations"),
    LEAD_DIGEST: gettext_lazy("Daily digest of my team's queue (leads; off unless chosen)"),
}


@functools.cache
def _ticket_url_pattern() -> str:
    return reverse("ticket-detail", args=[987654321]).replace("987654321", "{}")


def ticket_url(pk: int) -> str:
    """The ticket page's path; reverse() once per process, not once per message (the
    scanner writes thousands of messages a cycle)."""
    return _ticket_url_pattern().format(pk)


def _channels_for(user, event: str, prefs: dict) -> list[str]:
    delivery = prefs.get((user.pk, event), Preference.Delivery.BOTH)
    channels = []
    if delivery in (Preference.Delivery.BOTH, Preference.Delivery.IN_APP):
        channels.append(OutboxMessage.Channel.IN_APP)
    if delivery in (Preference.Delivery.BOTH, Preference.Delivery.EMAIL) and user.email:
        channels.append(OutboxMessage.Channel.EMAIL)
    return channels


@dataclass
class Message:
    """One notification to write: who, about what, and its (lazy, translatable) text with
    %(reference)s and %(title)s placeholders, rendered in each recipient's language."""

    recipients: Iterable
    event: str
    ticket: object
    key: str
    subject: str
    body: str
    exclude: object = None


def enqueue(*, recipients: Iterable, event: str, ticket, key: str, subject: str, body: str,
            exclude=None) -> int:
    """Write one outbox row per recipient and channel; writing the same `key` twice adds
    nothing. Returns the number of rows offered."""
    return enqueue_many([Message(recipients, event, ticket, key, subject, body, exclude)])


def enqueue_many(messages: list[Message], *, prefs: dict[tuple[int, str], str] | None = None) -> int:
    """Outbox rows for many messages in two statements (preferences, insert), whatever
    their number: the deadline scanner writes a batch of escalations at once. A caller
    that knows the recipients' preferences (`delivery_preferences`) passes them."""
    wanted = []
    for message in messages:
        users = {u.pk: u for u in message.recipients if u is not None and u.is_active}
        if message.exclude is not None:
            users.pop(message.exclude.pk, None)
        wanted.extend((message, user) for user in users.values())
    if not wanted:
        return 0
    if prefs is None:
        prefs = delivery_preferences(user_ids={u.pk for _m, u in wanted}, events={m.event for m, _u in wanted})
    now = timezone.now()
    texts: dict[tuple[str, str], str] = {}

    def translated(text, language: str) -> str:
        # Translating the same lazy string once per language, not once per row.
        key = (language, id(text))
        if key not in texts:
            if language == translation.get_language():
                texts[key] = str(text)  # switching to the language already active costs more than the rest
            else:
                with translation.override(language):
                    texts[key] = str(text)
        return texts[key]

    rows = []
    for message, user in wanted:
        ticket = message.ticket
        context = {"reference": ticket.reference if ticket else "", "title": ticket.title if ticket else ""}
        url = ticket_url(ticket.pk) if ticket is not None else ""
        language = user.language or settings.LANGUAGE_CODE
        subject = (translated(message.subject, language) % context)[:255]
        body = translated(message.body, language) % context
        for channel in _channels_for(user, message.event, prefs):
            rows.append(OutboxMessage(
                channel=channel, recipient_id=user.pk, address=user.email if channel == "email" else "",
                event=message.event, subject=subject, body=body, url=url,
                ticket_id=ticket.pk if ticket is not None else None,
                dedupe_key=f"{message.key}:{user.pk}:{channel}"[:200], state=OutboxMessage.State.PENDING,
                attempts=0, next_attempt_at=now, last_error="", created_at=now,
            ))
    # The dedupe key makes a message written twice (a retried task) one row.
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# --- ticket events (called by tickets.services inside its transaction) -------------------

def ticket_created(*, ticket) -> None:
    leads, prefs = new_ticket_audience(team_id=ticket.team_id, event=TICKET_CREATED)
    message = Message(
        recipients=leads, event=TICKET_CREATED, ticket=ticket, key=f"created:{ticket.pk}",
        subject=gettext_lazy("[%(reference)s] New request: %(title)s"),
        body=gettext_lazy("A new request is waiting in your team's queue: %(reference)s %(title)s"),
        exclude=ticket.requester,
    )
    enqueue_many([message], prefs=prefs)


def ticket_status_changed(*, ticket, old: str, actor) -> None:
    enqueue(
        recipients=[ticket.requester], event=TICKET_STATUS, ticket=ticket,
        key=f"status:{ticket.pk}:{ticket.version}",
        subject=gettext_lazy("[%(reference)s] Status changed: %(title)s"),
        body=gettext_lazy("Your request %(reference)s changed status. Open it to see where it stands."),
        exclude=actor,
    )


def ticket_assigned(*, ticket, actor) -> None:
    enqueue(
        recipients=[ticket.assignee], event=TICKET_ASSIGNED, ticket=ticket,
        key=f"assigned:{ticket.pk}:{ticket.version}",
        subject=gettext_lazy("[%(reference)s] Assigned to you: %(title)s"),
        body=gettext_lazy("%(reference)s %(title)s was assigned to you."),
        exclude=actor,
    )


def ticket_replied(*, ticket, comment) -> None:
    """A public reply by the team; never called for internal notes."""
    if comment.is_internal:
        return
    enqueue(
        recipients=[ticket.requester], event=TICKET_REPLY, ticket=ticket, key=f"reply:{comment.pk}",
        subject=gettext_lazy("[%(reference)s] New reply: %(title)s"),
        body=gettext_lazy("The service team replied to your request %(reference)s. Open it to read and answer."),
        exclude=comment.author,
    )


def requester_replied(*, ticket, comment) -> None:
    if ticket.assignee_id:
        recipients = [ticket.assignee]
    else:
        recipients = [m.user for m in Membership.objects.filter(team_id=ticket.team_id, role="lead")
                      .select_related("user")]
    enqueue(
        recipients=recipients, event=REQUESTER_REPLY, ticket=ticket, key=f"requester-reply:{comment.pk}",
        subject=gettext_lazy("[%(reference)s] The requester replied: %(title)s"),
        body=gettext_lazy("The requester answered on %(reference)s %(title)s."),
        exclude=comment.author,
    )


# --- delivery ----------------------------------------------------------------------------


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def _send_email(message: OutboxMessage) -> None:
    context = {"message": message, "site_url": settings.SITE_URL}
    with translation.override(getattr(message.recipient, "language", None) or settings.LANGUAGE_CODE):
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    email = EmailMultiAlternatives(message.subject, text, settings.DEFAULT_FROM_EMAIL, [message.address])
    email.attach_alternative(html, "text/html")
    email.send()


def deliver_outbox(*, batch_size: int = 100, now: dt.datetime | None = None) -> int:
    """Deliver due outbox messages. Rows are claimed with SKIP LOCKED so that several
    workers share the work; a row is marked sent in the transaction that delivered it,
    so it is never delivered twice. Failures are retried with exponential back-off."""
    now = now or timezone.now()
    delivered = 0
    with transaction.atomic():
        batch = list(
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=OutboxMessage.State.PENDING, next_attempt_at__lte=now)
            .select_related("recipient")
            .order_by("next_attempt_at", "id")[:batch_size]
        )
        for message in batch:
            try:
                with transaction.atomic():
                    if message.channel == OutboxMessage.Channel.IN_APP:
                        Notification.objects.get_or_create(
                            outbox=message,
                            defaults={"user_id": message.recipient_id, "ticket_id": message.ticket_id,
                                      "event": message.event, "title": message.subject, "body": message.body,
                                      "url": message.url},
                        )
                    else:
                        _send_email(message)
            except Exception as exc:  # noqa: BLE001 - any failure is retried later
                message.attempts += 1
                message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                if message.attempts >= MAX_ATTEMPTS:
                    message.state = OutboxMessage.State.FAILED
                    logger.error("outbox %s failed for good: %s", message.pk, message.last_error)
                else:
                    message.next_attempt_at = now + _backoff(message.attempts)
                message.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
                continue
            message.attempts += 1
            message.state = OutboxMessage.State.SENT
            message.sent_at = timezone.now()
            message.save(update_fields=["attempts", "state", "sent_at"])
            delivered += 1
    return delivered


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def preference_set(*, user, event: str, delivery: str) -> Preference:
    if event not in EVENT_LABELS:
        raise ApplicationError(_("Unknown event."), field_errors={"event": _("Unknown event.")})
    pref, _created = Preference.objects.update_or_create(user=user, event=event, defaults={"delivery": delivery})
    return pref
