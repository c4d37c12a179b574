"""Writes of the satisfaction surveys: the sweep that sends and expires invites, the
requester's answer (one click in the mail, the ticket page or the API), changing its
comment for a day, the lead's follow-up of a low score, and the teams' settings."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications import services as notify
from servicedesk.exceptions import ApplicationError
from servicedesk.names import OTHER_LANGUAGES
from servicedesk.text import multi_line
from teams.models import Membership, Team, User
from teams.selectors import led_team_ids
from tickets.services.validation import Refusals

from .invites import invites_expire, invites_send
from .models import SCORE_MAX, SCORE_MIN, SurveyFollowUp, SurveyInvite, SurveyReason, SurveyResponse, SurveySettings
from .selectors import cycle_sla_met, survey_reasons_for, survey_settings_for

EDIT_WINDOW = dt.timedelta(hours=24)
COMMENT_MAX = 4000
NOTE_MAX = 4000


# --- the sweep -----------------------------------------------------------------------------

def surveys_sweep(*, now: dt.datetime | None = None, batch_size: int = 2000) -> dict[str, int]:
    """Send the invites that are due and expire the unanswered ones past their time. A sweep
    by state: each batch is claimed with SKIP LOCKED in its own transaction, so two workers
    share the work and running it twice sends nothing twice."""
    now = now or timezone.now()
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                SurveyInvite.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(state=SurveyInvite.State.SCHEDULED, send_at__lte=now)
                .select_related("ticket", "ticket__requester")
                .order_by("send_at")[:batch_size]
            )
            sent += invites_send(batch, now=now)
        if len(batch) < batch_size:
            break
    return {"sent": sent, "expired": invites_expire(now=now)}


# --- answering -----------------------------------------------------------------------------

def _refuse_unless_open(invite: SurveyInvite, now: dt.datetime) -> None:
    if invite.state == SurveyInvite.State.ANSWERED:
        raise ApplicationError(_("This survey has already been answered. Thank you!"),
                               field_errors={"token": _("Already answered.")})
    if invite.state == SurveyInvite.State.SENT and invite.expires_at and invite.expires_at <= now:
        invite.state = SurveyInvite.State.EXPIRED
    if invite.state != SurveyInvite.State.SENT:
        raise ApplicationError(_("This survey is closed: it has expired or was withdrawn."),
                               field_errors={"token": _("Closed.")})


def _refuse_staff(invite: SurveyInvite, actor: User | None) -> None:
    """Only the requester answers; the team's own agents never answer for their tickets."""
    if actor is None or not actor.is_authenticated:
        return  # the token is the requester's: the link in their mail
    if actor.pk != invite.requester_id:
        raise ApplicationError(_("Only the requester can answer this survey."), code="permission_denied")
    if Membership.objects.filter(user=actor, team_id=invite.team_id).exists():
        raise ApplicationError(_("Agents cannot answer surveys about their own team's tickets."),
                               code="permission_denied")


def _check_answer(*, settings: SurveySettings, score, comment: str, reason: str, require_reason: bool,
                  refusals: Refusals) -> SurveyReason | None:
    if not isinstance(score, int) or isinstance(score, bool) or not SCORE_MIN <= score <= SCORE_MAX:
        refusals.refuse(_("Choose a score from %(low)d to %(high)d.") % {"low": SCORE_MIN, "high": SCORE_MAX},
                        score=_("From %(low)d to %(high)d.") % {"low": SCORE_MIN, "high": SCORE_MAX})
        return None
    if len(comment) > COMMENT_MAX:
        refusals.refuse(_("Keep the comment under %(n)d characters.") % {"n": COMMENT_MAX},
                        comment=_("Too long."))
    found = None
    if reason:
        found = next((r for r in survey_reasons_for(settings=settings) if r.key == reason), None)
        if found is None:
            refusals.refuse(_("Choose one of the reasons offered."), reason=_("Unknown reason."))
    if require_reason and score <= settings.low_score:
        if not comment.strip():
            refusals.refuse(_("Please tell us what went wrong."), comment=_("Required for this score."))
        if not reason:
            refusals.refuse(_("Please choose a reason."), reason=_("Required for this score."))
    return found


LOW_SUBJECT = gettext_lazy("[%(reference)s] Low satisfaction score: %(title)s")
LOW_BODY = gettext_lazy("The requester of %(reference)s %(title)s gave a low score in the satisfaction survey. "
                        "A follow-up is open for you: contact them, then mark it done with a note.")


@transaction.atomic
def survey_answer(*, invite: SurveyInvite, score, comment: str = "", reason: str = "", actor: User | None = None,
                  channel: str = SurveyResponse.Channel.API, require_reason: bool = True) -> SurveyResponse:
    """Record the requester's score for one invite (single use). `require_reason=False` is
    the one click in the mail: the score is kept at once and the page that opens asks for
    the comment and reason. A low score opens a follow-up and tells the team's leads; it
    never reopens the ticket."""
    invite = SurveyInvite.objects.select_for_update().select_related("ticket").get(pk=invite.pk)
    now = timezone.now()
    _refuse_staff(invite, actor)
    _refuse_unless_open(invite, now)
    settings = survey_settings_for(team_id=invite.team_id)
    comment = multi_line(comment).strip()
    refusals = Refusals()
    found = _check_answer(settings=settings, score=score, comment=comment, reason=reason,
                          require_reason=require_reason, refusals=refusals)
    refusals.raise_if_any()
    ticket = invite.ticket
    sla = cycle_sla_met(ticket=ticket, cycle=invite.cycle)
    response = SurveyResponse.objects.create(
        invite=invite, ticket=ticket, cycle=invite.cycle, respondent_id=invite.requester_id, score=score,
        comment=comment, reason=found, channel=channel, answered_at=now, editable_until=now + EDIT_WINDOW,
        team_id=ticket.team_id, assignee_id=ticket.assignee_id, service_item_id=ticket.service_item_id,
        priority=ticket.priority, first_response_met=sla["first_response"], resolution_met=sla["resolution"],
        next_response_met=sla["next_response"],
    )
    SurveyInvite.objects.filter(pk=invite.pk).update(state=SurveyInvite.State.ANSWERED, closed_at=now)
    invite.state = SurveyInvite.State.ANSWERED
    if score <= settings.low_score:
        SurveyFollowUp.objects.create(response=response, ticket=ticket, team_id=ticket.team_id, opened_at=now)
        leads = [m.user for m in Membership.objects.filter(team_id=ticket.team_id, role=Membership.Role.LEAD)
                 .select_related("user")]
        notify.enqueue(recipients=leads, event=notify.SURVEY_LOW_SCORE, ticket=ticket,
                       key=f"survey-low:{response.pk}", subject=LOW_SUBJECT, body=LOW_BODY)
    return response


@transaction.atomic
def survey_response_update(*, response: SurveyResponse, comment: str, reason: str,
                           actor: User | None = None) -> SurveyResponse:
    """Add or change the comment and reason of an answer, for a day after it was given."""
    response = SurveyResponse.objects.select_for_update().select_related("invite").get(pk=response.pk)
    _refuse_staff(response.invite, actor)
    if timezone.now() > response.editable_until:
        raise ApplicationError(_("This answer can no longer be changed. Thank you for it!"),
                               field_errors={"comment": _("Closed.")})
    settings = survey_settings_for(team_id=response.team_id)
    comment = multi_line(comment).strip()
    refusals = Refusals()
    found = _check_answer(settings=settings, score=response.score, comment=comment, reason=reason,
                          require_reason=True, refusals=refusals)
    refusals.raise_if_any()
    response.comment = comment
    response.reason = found
    response.save(update_fields=["comment", "reason"])
    return response


# --- follow-ups ----------------------------------------------------------------------------

@transaction.atomic
def survey_follow_up_done(*, follow_up: SurveyFollowUp, actor: User, note: str) -> SurveyFollowUp:
    """The lead (or a service admin) closes the follow-up of a low score with a note."""
    follow_up = SurveyFollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if not (actor.is_admin_role or follow_up.team_id in led_team_ids(user=actor)):
        raise ApplicationError(_("Only the team lead can close this follow-up."), code="permission_denied")
    if follow_up.state == SurveyFollowUp.State.DONE:
        raise ApplicationError(_("This follow-up is already done."), field_errors={"note": _("Already done.")})
    note = multi_line(note).strip()
    if not note:
        raise ApplicationError(_("Say what was done in a note."), field_errors={"note": _("Required.")})
    if len(note) > NOTE_MAX:
        raise ApplicationError(_("Keep the note under %(n)d characters.") % {"n": NOTE_MAX},
                               field_errors={"note": _("Too long.")})
    follow_up.state = SurveyFollowUp.State.DONE
    follow_up.done_at = timezone.now()
    follow_up.done_by = actor
    follow_up.note = note
    follow_up.save(update_fields=["state", "done_at", "done_by", "note"])
    return follow_up


# --- settings ------------------------------------------------------------------------------

SETTINGS_FIELDS = ("enabled", "delay_minutes", "sample_percent", "cooldown_days", "expiry_days", "low_score",
                   "anonymous")


def parse_reasons(text: str) -> list[dict]:
    """Reasons as typed on the settings page, one a line: `key | English | 简体中文 | 繁體中文`."""
    reasons, seen = [], set()
    for number, line in enumerate(multi_line(text).splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        key, name = (parts + ["", ""])[:2]
        if not key or not name or not key.replace("-", "").replace("_", "").isalnum() or not key.isascii():
            raise ApplicationError(_("Line %(n)d: give a key (letters, digits, -) and an English name.") % {"n": number},
                                   field_errors={"reasons": _("Line %(n)d is not valid.") % {"n": number}})
        if key in seen:
            raise ApplicationError(_("Line %(n)d: the key is used twice.") % {"n": number},
                                   field_errors={"reasons": _("Line %(n)d is not valid.") % {"n": number}})
        seen.add(key)
        names = dict(zip(OTHER_LANGUAGES, parts[2:], strict=False))
        reasons.append({"key": key[:40], "name": name[:120],
                        "translations": {lang: {"name": text[:120]} for lang, text in names.items() if text}})
    return reasons


@transaction.atomic
def survey_settings_save(*, actor: User, team: Team | None, values: dict, reasons: list[dict] | None) -> SurveySettings:
    """Save a team's survey settings (team None: the defaults for all teams). Service admins
    only. `reasons` (None: unchanged) replaces the active reasons; a reason already given in
    a response is kept, inactive."""
    if not actor.is_admin_role:
        raise ApplicationError(_("Only service admins change survey settings."), code="permission_denied")
    refusals = Refusals()
    if not 0 <= values["sample_percent"] <= 100:
        refusals.refuse(_("The share is a percent, 0 to 100."), sample_percent=_("0 to 100."))
    if not 0 <= values["low_score"] <= SCORE_MAX:
        refusals.refuse(_("The low score is on the scale, or 0 for none."), low_score=_("0 to 5."))
    if values["expiry_days"] < 1:
        refusals.refuse(_("A survey stays open at least one day."), expiry_days=_("At least 1."))
    refusals.raise_if_any()
    row = SurveySettings.objects.select_for_update().filter(team=team).first() or SurveySettings(team=team)
    for field in SETTINGS_FIELDS:
        setattr(row, field, values[field])
    row.save()
    if reasons is not None:
        existing = {r.key: r for r in row.reasons.all()}
        for order, data in enumerate(reasons):
            reason = existing.pop(data["key"], None) or SurveyReason(settings=row, key=data["key"])
            reason.name, reason.translations, reason.order, reason.is_active = (
                data["name"], data["translations"], order, True)
            reason.save()
        for reason in existing.values():
            if SurveyResponse.objects.filter(reason=reason).exists():
                SurveyReason.objects.filter(pk=reason.pk).update(is_active=False)
            else:
                reason.delete()
    return row
