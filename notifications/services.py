"""Who hears about what. Ticket and SLA services call these inside their transaction; the
messages land in the outbox and a Celery task delivers them (see `deliver_outbox`)."""

import datetime as dt
import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicedesk.claims import Claim, claim_due
from servicedesk.exceptions import ApplicationError
from teams.models import Membership, User

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
SURVEY_INVITE = "survey_invite"
SURVEY_LOW_SCORE = "survey_low_score"
FEEDBACK_RECEIVED = "feedback_received"
FEEDBACK_ANSWERED = "feedback_answered"
FEEDBACK_STATUS = "feedback_status"
PROBLEM_FLAGGED = "problem_flagged"
KB_OUTDATED = "kb_outdated"
KB_REVIEW_DUE = "kb_review_due"
REPORT_SUMMARY = "report_summary"

EVENT_LABELS = {
    TICKET_CREATED: gettext_lazy("New ticket in my team's queue"),
    TICKET_STATUS: gettext_lazy("Status of my request changed"),
    TICKET_ASSIGNED: gettext_lazy("A ticket was assigned to me"),
    TICKET_REPLY: gettext_lazy("A reply on my request"),
    REQUESTER_REPLY: gettext_lazy("The requester replied"),
    SLA_WARNING: gettext_lazy("A ticket is at risk"),
    SLA_ESCALATION: gettext_lazy("Escalations"),
    SURVEY_INVITE: gettext_lazy("A satisfaction survey about my resolved request"),
    SURVEY_LOW_SCORE: gettext_lazy("A low score in a satisfaction survey of my team (leads)"),
    FEEDBACK_RECEIVED: gettext_lazy("New feedback on my team's service (leads)"),
    FEEDBACK_ANSWERED: gettext_lazy("An answer to my feedback"),
    FEEDBACK_STATUS: gettext_lazy("Status of my feedback changed"),
    PROBLEM_FLAGGED: gettext_lazy("A hard problem was flagged (service admins)"),
    KB_OUTDATED: gettext_lazy("A reader reported my knowledge article out of date"),
    KB_REVIEW_DUE: gettext_lazy("My knowledge article is due for review"),
    # Not offered on the profile (teams.forms): the subscription page starts and stops them.
    REPORT_SUMMARY: gettext_lazy("Report summaries I subscribed to"),
    LEAD_DIGEST: gettext_lazy("Daily digest of my team's queue (leads; off unless chosen)"),
}


# Control characters (C0, DEL, C1, so CR, LF, NEL, tab) and the Unicode line and paragraph
# separators: what can break or fold a mail header.
_NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(text: str) -> str:
    """Text fit for a header line (an email subject, a notification title): each run of
    control characters becomes one space, so that no ticket title or other user text,
    whatever is stored, can break or add a header."""
    return _NOT_ONE_LINE.sub(" ", text).strip()


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
    %(reference)s and %(title)s placeholders, rendered in each recipient's language.
    `url` is where it leads when it is about no ticket (a ticket's page otherwise)."""

    recipients: Iterable
    event: str
    ticket: object
    key: str
    subject: str
    body: str
    exclude: object = None
    # The link of the message (the ticket page when None), and for a message about something
    # else than a ticket (a knowledge article) the values of its placeholders.
    url: str | None = None
    context: dict | None = None
    # The in-app text when it must differ from the mail's (the mail has links the app has not).
    in_app_body: str | None = None


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
        context = message.context or {"reference": ticket.reference if ticket else "",
                                      "title": ticket.title if ticket else ""}
        url = message.url if message.url is not None else ticket_url(ticket.pk) if ticket is not None else ""
        language = user.language or settings.LANGUAGE_CODE
        subject = one_line(translated(message.subject, language) % context)[:255]
        body = translated(message.body, language) % context
        in_app_body = translated(message.in_app_body, language) % context if message.in_app_body else body
        for channel in _channels_for(user, message.event, prefs):
            rows.append(OutboxMessage(
                channel=channel, recipient_id=user.pk, address=user.email if channel == "email" else "",
                event=message.event, subject=subject, body=body if channel == "email" else in_app_body, url=url,
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


# --- feedback on a service team (called by feedback.services inside its transaction) ------


@functools.cache
def _feedback_url_pattern() -> str:
    return reverse("feedback-detail", args=[987654321]).replace("987654321", "{}")


def _feedback_message(*, user, feedback, event: str, key: str, subject, body, context: dict) -> Message:
    """A feedback message for one recipient, written in their language (the team's name
    and the kind are words of that language too). Never names an anonymous sender: the
    callers put the sender in `context` only when the recipient may know them."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        values = {"team": feedback.team.tr("name"), "kind": feedback.get_kind_display(),
                  "status": feedback.get_status_display(), **{k: str(v) for k, v in context.items()}}
        subject_text, body_text = str(subject) % values, str(body) % values
    # enqueue_many formats the texts once more (for tickets' placeholders): keep a "%" a "%".
    return Message(recipients=[user], event=event, ticket=None, key=key, subject=subject_text.replace("%", "%%"),
                   body=body_text.replace("%", "%%"), url=_feedback_url_pattern().format(feedback.pk))


def feedback_received(*, feedback) -> None:
    """Tell the team's leads that feedback came in; an anonymous one without its sender. A
    team without a lead: the service admins are told instead (they may see the sender)."""
    leads = [m.user for m in Membership.objects.filter(team_id=feedback.team_id, role=Membership.Role.LEAD,
                                                        user__is_active=True)
             .select_related("user").order_by("user_id")]
    if not leads:
        leads = list(User.objects.filter(is_active=True, is_service_admin=True).order_by("pk"))
    if feedback.anonymous:
        subject = gettext_lazy("%(team)s: new anonymous %(kind)s")
        body = gettext_lazy("Someone sent %(team)s a %(kind)s without their name. Open it to read and answer.")
        context = {}
    else:
        subject = gettext_lazy("%(team)s: new %(kind)s from %(sender)s")
        body = gettext_lazy("%(sender)s sent %(team)s a %(kind)s. Open it to read and answer.")
        context = {"sender": feedback.sender.display_name}
    enqueue_many([
        _feedback_message(user=lead, feedback=feedback, event=FEEDBACK_RECEIVED, key=f"feedback:{feedback.pk}",
                          subject=subject, body=body, context=context)
        for lead in leads if lead.pk != feedback.sender_id and lead.is_active
    ])


def feedback_answered(*, feedback, event_id: int, actor) -> None:
    """Tell the sender that the team answered their feedback."""
    if feedback.sender_id == actor.pk:
        return
    enqueue_many([_feedback_message(
        user=feedback.sender, feedback=feedback, event=FEEDBACK_ANSWERED, key=f"feedback-event:{event_id}",
        subject=gettext_lazy("%(team)s answered your %(kind)s"),
        body=gettext_lazy("%(team)s answered the %(kind)s you sent. Open it to read the answer."), context={},
    )])


def feedback_status_changed(*, feedback, event_id: int, actor) -> None:
    """Tell the sender where their feedback stands now."""
    if feedback.sender_id == actor.pk:
        return
    enqueue_many([_feedback_message(
        user=feedback.sender, feedback=feedback, event=FEEDBACK_STATUS, key=f"feedback-event:{event_id}",
        subject=gettext_lazy("Your %(kind)s to %(team)s: %(status)s"),
        body=gettext_lazy("%(team)s marked the %(kind)s you sent as “%(status)s”. Open it to read their note."),
        context={},
    )])


# --- problems (called by problems.services inside its transaction) --------------------------

def problem_flagged(*, problem, recipients: Iterable, threshold: str, value: int, url: str) -> int:
    """A hard problem crossed one of its thresholds ("incidents:<n>" or "days:<n>"): the
    service admins hear about it once, in their language."""
    kind = threshold.split(":", 1)[0]
    if kind == "incidents":
        body = gettext_lazy("Problem %(reference)s “%(title)s” now has %(value)s linked incidents and is still open.")
    else:
        body = gettext_lazy("Problem %(reference)s “%(title)s” has been open for %(value)s days.")
    return enqueue_many([Message(
        recipients=recipients, event=PROBLEM_FLAGGED, ticket=None, key=f"problem-flag:{problem.pk}:{threshold}",
        subject=gettext_lazy("[%(reference)s] Hard problem flagged: %(title)s"), body=body,
        context={"reference": problem.reference, "title": problem.title, "value": value}, url=url,
    )])


# --- knowledge base events (called by knowledge.services inside its transaction) -------


def article_reported_outdated(*, owner, article_id: int, title: str, url: str, feedback_id: int, reporter) -> None:
    """A reader says an article is out of date: its owner hears, in the owner's language."""
    enqueue_many([Message(
        recipients=[owner], event=KB_OUTDATED, ticket=None, key=f"kb-outdated:{feedback_id}",
        subject=gettext_lazy("[%(reference)s] Reported out of date: %(title)s"),
        body=gettext_lazy("A reader reported the knowledge article %(reference)s %(title)s out of date. "
                          "Open it to read their comment and update it."),
        exclude=reporter, url=url, context={"reference": f"KB-{article_id}", "title": title},
    )])


def article_review_due(*, owner, article_id: int, title: str, url: str, week: str) -> None:
    """An article's review-by date has passed: its owner hears once a week (`week` in the key)."""
    enqueue_many([Message(
        recipients=[owner], event=KB_REVIEW_DUE, ticket=None, key=f"kb-review:{article_id}:{week}",
        subject=gettext_lazy("[%(reference)s] Due for review: %(title)s"),
        body=gettext_lazy("The review-by date of the knowledge article %(reference)s %(title)s has passed. "
                          "Check that it is still right and set a new date."),
        url=url, context={"reference": f"KB-{article_id}", "title": title},
    )])


# --- delivery ----------------------------------------------------------------------------
#
# Delivery is once, except in one case (README, "Notifications and email"): each message is
# claimed (servicedesk.claims) and committed before it is sent, and its result is recorded
# in one statement of its own as soon as the SMTP server answers. A worker killed before
# that leaves the claim to run out and the message to be sent again; only a message the
# server accepted whose acceptance was never recorded (the reply lost, or the worker killed
# between the server's answer and that statement) can arrive twice, and then with the same
# Message-ID, so that the receiving side can drop the second copy.


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def _send_bound() -> dt.timedelta:
    """The longest one email may take: connect, greeting, EHLO, STARTTLS, EHLO, AUTH,
    MAIL, RCPT, DATA and the message, each answered within EMAIL_TIMEOUT."""
    return dt.timedelta(seconds=10 * settings.EMAIL_TIMEOUT)


def _lease() -> dt.timedelta:
    return max(dt.timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS), 2 * _send_bound())


def message_id(message: OutboxMessage) -> str:
    """The Message-ID header of an outbox message: derived from the row, the same on
    every attempt (whichever worker sends it), so that a receiver can drop a repeat."""
    host = urlsplit(settings.SITE_URL).hostname or "servicedesk"
    return f"<outbox.{message.pk}.{message.created_at:%Y%m%d%H%M%S}@{host}>"


def _email(message: OutboxMessage) -> EmailMultiAlternatives:
    context = {"message": message, "site_url": settings.SITE_URL}
    with translation.override(getattr(message.recipient, "language", None) or settings.LANGUAGE_CODE):
        # An event may have mails of its own (notifications/email/<event>.txt and .html).
        text = render_to_string([f"notifications/email/{message.event}.txt", "notifications/email.txt"], context)
        html = render_to_string([f"notifications/email/{message.event}.html", "notifications/email.html"], context)
    # The stored subject is one line already; rows written before that rule are made so here.
    email = EmailMultiAlternatives(one_line(message.subject), text, settings.DEFAULT_FROM_EMAIL, [message.address],
                                   headers={"Message-ID": message_id(message)})
    email.attach_alternative(html, "text/html")
    return email


class _Mailer:
    """One SMTP connection for a claimed batch, opened at the first email and opened
    again after a failure (which may have left it broken)."""

    def __init__(self):
        self.connection = None

    def send(self, email: EmailMultiAlternatives) -> None:
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)
            self.connection.open()
        try:
            if self.connection.send_messages([email]) != 1:
                raise ValueError("the email backend sent nothing")
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self.connection is not None:
            connection, self.connection = self.connection, None
            try:
                connection.close()
            except Exception:  # noqa: BLE001 - a broken connection is dropped either way
                logger.debug("closing the SMTP connection failed", exc_info=True)


def _record_failure(claim: Claim, message: OutboxMessage, exc: Exception) -> None:
    attempts = message.attempts + 1
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if attempts >= MAX_ATTEMPTS:
        changes = {"state": OutboxMessage.State.FAILED, "next_attempt_at": claim.now}
        logger.error("outbox %s failed for good: %s", message.pk, error)
    else:
        changes = {"next_attempt_at": claim.now + _backoff(attempts)}
    claim.held(message).update(attempts=attempts, last_error=error, **changes)


def _deliver_in_app(claim: Claim, message: OutboxMessage) -> bool:
    """The notification and the sent mark in one transaction: in the app, exactly once."""
    with transaction.atomic():
        if not claim.held(message).update(attempts=F("attempts") + 1, state=OutboxMessage.State.SENT,
                                          sent_at=timezone.now()):
            return False
        Notification.objects.get_or_create(
            outbox=message,
            defaults={"user_id": message.recipient_id, "ticket_id": message.ticket_id, "event": message.event,
                      "title": one_line(message.subject), "body": message.body, "url": message.url},
        )
    return True


def deliver_outbox(*, batch_size: int = 100, now: dt.datetime | None = None) -> int:
    """Deliver one batch of due outbox messages; returns how many were claimed (the task
    calls it again while batches come back full). Several workers share the work;
    failures are retried with exponential back-off, MAX_ATTEMPTS times at most."""
    now = now or timezone.now()
    pending = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).select_related("recipient")
    claim = claim_due(pending, now=now, lease=_lease(), batch_size=batch_size)
    mailer = _Mailer()
    try:
        for message in claim.take(_send_bound()):
            if message.channel == OutboxMessage.Channel.IN_APP:
                _deliver_in_app(claim, message)
                continue
            try:
                mailer.send(_email(message))
            except Exception as exc:  # noqa: BLE001 - any failure is retried later
                _record_failure(claim, message, exc)
                continue
            # One statement, its own transaction, sent the moment the server has answered.
            if not claim.held(message).update(attempts=F("attempts") + 1, state=OutboxMessage.State.SENT,
                                              sent_at=timezone.now(), last_error=""):
                logger.warning("outbox %s was sent after its claim ran out", message.pk)
    finally:
        mailer.close()
    return len(claim.rows)


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
