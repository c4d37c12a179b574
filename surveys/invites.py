"""When a survey goes: scheduled as a ticket is resolved (one invite per resolution cycle),
cancelled when it is reopened before the invite went out, sent (email and in-app, through
the notifications outbox) and expired. `ticket_transition` calls `survey_on_status` in its
transaction; the sweep (surveys.services) calls `invites_send` and `invites_expire`.

Which resolutions are surveyed is decided, not drawn: a hash of the ticket and its cycle
against the sampling percent, so the same ticket and cycle always get the same answer."""

import datetime as dt
import functools
import hashlib
from collections.abc import Sequence

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy

from notifications import services as notify
from teams.models import Membership
from tickets.constants import Status
from tickets.models import Ticket, TicketLink

from . import tokens
from .models import SurveyInvite, SurveySettings
from .selectors import survey_settings_for


def sampled(*, ticket_id: int, cycle: int, percent: int) -> bool:
    """Whether this resolution falls in the sample: deterministic, about `percent` in 100."""
    if percent >= 100:
        return True
    digest = hashlib.sha256(f"survey:{ticket_id}:{cycle}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def skip_reason(*, ticket: Ticket, settings: SurveySettings, at: dt.datetime) -> str | None:
    """Why this resolution gets no survey (None: it gets one)."""
    if not settings.enabled:
        return "disabled"
    if TicketLink.objects.filter(source=ticket, kind=TicketLink.Kind.DUPLICATE).exists():
        return "merged"
    if Membership.objects.filter(user_id=ticket.requester_id, team_id=ticket.team_id).exists():
        return "requester_is_agent"
    if not sampled(ticket_id=ticket.pk, cycle=ticket.resolution_cycle, percent=settings.sample_percent):
        return "not_sampled"
    if settings.cooldown_days and SurveyInvite.objects.filter(
        requester_id=ticket.requester_id, created_at__gt=at - dt.timedelta(days=settings.cooldown_days),
    ).exclude(state=SurveyInvite.State.CANCELLED).exists():
        return "cooldown"
    return None


def survey_on_status(*, ticket: Ticket, old: str, new: str, at: dt.datetime) -> SurveyInvite | None:
    """The survey side of a status change (called by ticket_transition, in its transaction):
    resolving schedules the cycle's invite; reopening cancels the previous cycle's invite
    if it has not gone out yet."""
    if old == Status.RESOLVED and new == Status.OPEN:
        SurveyInvite.objects.filter(ticket=ticket, cycle=ticket.resolution_cycle - 1,
                                    state=SurveyInvite.State.SCHEDULED).update(
            state=SurveyInvite.State.CANCELLED, closed_at=at)
        return None
    if new == Status.CANCELLED:
        SurveyInvite.objects.filter(ticket=ticket, state=SurveyInvite.State.SCHEDULED).update(
            state=SurveyInvite.State.CANCELLED, closed_at=at)
        return None
    if new != Status.RESOLVED:
        return None
    settings = survey_settings_for(team_id=ticket.team_id)
    if skip_reason(ticket=ticket, settings=settings, at=at) is not None:
        return None
    invite, created = SurveyInvite.objects.get_or_create(
        ticket=ticket, cycle=ticket.resolution_cycle,
        defaults={"requester_id": ticket.requester_id, "team_id": ticket.team_id, "created_at": at,
                  "send_at": at + dt.timedelta(minutes=settings.delay_minutes)},
    )
    if not created:
        return invite
    invite.token_hash = tokens.token_hash(
        tokens.make_token(invite_id=invite.pk, ticket_id=ticket.pk, cycle=invite.cycle))
    SurveyInvite.objects.filter(pk=invite.pk).update(token_hash=invite.token_hash)
    if settings.delay_minutes == 0:  # at once: in this transaction, not at the next sweep
        invite.ticket = ticket
        invites_send([invite], now=at, settings={ticket.team_id: settings})
    return invite


@functools.cache
def _survey_url_pattern() -> str:
    return reverse("survey-token", args=["TOKEN"]).replace("TOKEN", "{}")


def survey_url(token: str) -> str:
    """The path of the survey page a token opens (the mail's score links add `<score>/`)."""
    return _survey_url_pattern().format(token)


INVITE_SUBJECT = gettext_lazy("[%(reference)s] How did we do? %(title)s")
INVITE_BODY = gettext_lazy(
    "Your request %(reference)s %(title)s was resolved. How satisfied are you with how it was handled? "
    "One click on a score below records it; you can add a comment afterwards.")
# The in-app notification has no score links: it opens the survey page.
INVITE_IN_APP_BODY = gettext_lazy(
    "Your request %(reference)s %(title)s was resolved. How satisfied are you with how it was handled? "
    "Open the survey to give a score and a comment.")


def invites_send(invites: Sequence[SurveyInvite], *, now: dt.datetime,
                 settings: dict[int, SurveySettings] | None = None) -> int:
    """Send these scheduled invites (locked by the caller, `ticket` loaded): the requester's
    mail and in-app notification through the outbox, set-based. An invite whose ticket was
    reopened, cancelled or is in another cycle by now is cancelled instead. Returns how
    many went out."""
    settings = dict(settings or {})
    to_send, to_cancel = [], []
    for invite in invites:
        ticket = invite.ticket
        live = ticket.status in (Status.RESOLVED, Status.CLOSED) and ticket.resolution_cycle == invite.cycle
        (to_send if live else to_cancel).append(invite)
    if to_cancel:
        SurveyInvite.objects.filter(pk__in=[i.pk for i in to_cancel]).update(
            state=SurveyInvite.State.CANCELLED, closed_at=now)
    if not to_send:
        return 0
    for team_id in {i.team_id for i in to_send} - settings.keys():
        settings[team_id] = survey_settings_for(team_id=team_id)
    by_expiry: dict[int, list[int]] = {}
    messages = []
    for invite in to_send:
        by_expiry.setdefault(settings[invite.team_id].expiry_days, []).append(invite.pk)
        token = tokens.make_token(invite_id=invite.pk, ticket_id=invite.ticket_id, cycle=invite.cycle)
        messages.append(notify.Message(
            recipients=[invite.ticket.requester], event=notify.SURVEY_INVITE, ticket=invite.ticket,
            key=f"survey:{invite.pk}", subject=INVITE_SUBJECT, body=INVITE_BODY, url=survey_url(token),
            in_app_body=INVITE_IN_APP_BODY))
    for days, ids in by_expiry.items():
        SurveyInvite.objects.filter(pk__in=ids, state=SurveyInvite.State.SCHEDULED).update(
            state=SurveyInvite.State.SENT, sent_at=now, expires_at=now + dt.timedelta(days=days))
    notify.enqueue_many(messages)
    return len(to_send)


def invites_expire(*, now: dt.datetime) -> int:
    """Sent invites past their expiry and never answered become expired (one statement)."""
    return SurveyInvite.objects.filter(Q(state=SurveyInvite.State.SENT), expires_at__lte=now).update(
        state=SurveyInvite.State.EXPIRED, closed_at=now)
