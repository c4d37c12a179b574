"""Every write of the feedback channel: sending feedback to a team, and the team's answer
and status moves, each recorded in the feedback's history and told to the sender."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import services as notify
from servicedesk.exceptions import ApplicationError
from servicedesk.text import multi_line
from servicedesk.uploads import stored_name, validate_upload
from teams.models import Team, User
from tickets.services.validation import Refusals

from .models import Feedback, FeedbackAttachment, FeedbackEvent
from .selectors import can_handle_feedback

TEXT_MAX = 5000
ANSWER_MAX = 5000
NOTE_MAX = 2000

Status = Feedback.Status
# new → acknowledged → acted on / declined. Acted on and declined are final: a new matter
# is new feedback.
ALLOWED_STATUS_MOVES: dict[str, tuple[str, ...]] = {
    Status.NEW: (Status.ACKNOWLEDGED,),
    Status.ACKNOWLEDGED: (Status.ACTED_ON, Status.DECLINED),
    Status.ACTED_ON: (),
    Status.DECLINED: (),
}


def _text(value: str | None, *, field: str, limit: int, required: bool) -> str:
    text = multi_line(value).strip()
    if required and not text:
        raise ApplicationError(_("This field is required."), field_errors={field: _("This field is required.")})
    if len(text) > limit:
        message = _("At most %(limit)d characters.") % {"limit": limit}
        raise ApplicationError(message, field_errors={field: message})
    return text


def _team(team: Team | None) -> Team:
    if team is None or not team.is_active:
        raise ApplicationError(_("Choose a service team."), field_errors={"team": _("Choose a service team.")})
    return team


def _kind(kind: str) -> str:
    if kind not in Feedback.Kind.values:
        raise ApplicationError(_("Choose suggestion, complaint or praise."),
                               field_errors={"kind": _("Choose suggestion, complaint or praise.")})
    return kind


@transaction.atomic
def feedback_create(*, sender: User, team: Team | None, kind: str, text: str, anonymous: bool = False,
                    attachment: UploadedFile | None = None) -> Feedback:
    """Send feedback to a team. Every field at fault is named at once and nothing is
    stored unless all of it is valid; the team's leads are told (without the sender's name
    when it is anonymous to the team)."""
    refusals = Refusals()
    team = refusals.check(_team, team)
    kind = refusals.check(_kind, kind)
    text = refusals.check(_text, text, field="text", limit=TEXT_MAX, required=True)
    content_type = refusals.check(validate_upload, attachment, field="attachment") if attachment else None
    refusals.raise_if_any()
    now = timezone.now()
    feedback = Feedback.objects.create(team=team, sender=sender, kind=kind, text=text, anonymous=bool(anonymous),
                                       created_at=now, updated_at=now)
    if attachment is not None:
        stored = FeedbackAttachment(feedback=feedback, original_name=stored_name(attachment),
                                    content_type=content_type, size=attachment.size, created_at=now)
        stored.file.save(stored.original_name, attachment, save=False)
        stored.save()
    notify.feedback_received(feedback=feedback)
    return feedback


def status_choices_after(status: str) -> tuple[str, ...]:
    """The statuses feedback in `status` may move to."""
    return ALLOWED_STATUS_MOVES.get(status, ())


@transaction.atomic
def feedback_answer(*, feedback: Feedback, actor: User, answer: str | None = None, status: str | None = None,
                    note: str | None = None) -> Feedback:
    """The team's answer and/or a status move with its note, by the team's lead or a service
    admin. Each change is one history entry (who, when, old → new) and one message to the
    sender. A move the status does not allow, a status without a note or nothing to do is
    refused by field, and nothing is written. Moving to the status it has is no move."""
    locked = Feedback.objects.select_for_update().select_related("team", "sender").get(pk=feedback.pk)
    if not can_handle_feedback(user=actor, feedback=locked):
        raise ApplicationError(_("Only the team's lead or a service admin can answer feedback."),
                               code="permission_denied")
    refusals = Refusals()
    new_answer = None
    if answer is not None:
        new_answer = refusals.check(_text, answer, field="answer", limit=ANSWER_MAX, required=False)
    note_text = refusals.check(_text, note, field="note", limit=NOTE_MAX, required=False) or ""
    moving = status is not None and status != locked.status
    if status is not None and status not in Status.values:
        refusals.refuse(_("Unknown status."), status=_("Unknown status."))
        moving = False
    elif moving and status not in status_choices_after(locked.status):
        allowed = status_choices_after(locked.status)
        old = locked.get_status_display()
        if allowed:
            message = _("Feedback that is “%(old)s” can move to: %(allowed)s.") % {
                "old": old, "allowed": ", ".join(str(Status(s).label) for s in allowed)}
        else:
            message = _("Feedback that is “%(old)s” cannot change status any more.") % {"old": old}
        refusals.refuse(message, status=message)
    elif moving and not note_text:
        refusals.refuse(_("Say why in a note: the sender reads it."), note=_("A status change needs a note."))
    answering = new_answer is not None and new_answer != "" and new_answer != locked.answer
    if answer is not None and new_answer == "" and not moving:
        refusals.refuse(_("Write an answer."), answer=_("This field is required."))
    if answer is None and status is None:
        refusals.refuse(_("Write an answer or choose a new status."), answer=_("Write an answer or choose a status."))
    refusals.raise_if_any()

    now = timezone.now()
    changed = []
    if answering:
        event = FeedbackEvent.objects.create(feedback=locked, actor=actor, kind=FeedbackEvent.Kind.ANSWER,
                                             old_value=locked.answer, new_value=new_answer, created_at=now)
        locked.answer, locked.answered_by, locked.answered_at = new_answer, actor, now
        changed += ["answer", "answered_by", "answered_at"]
        notify.feedback_answered(feedback=locked, event_id=event.pk, actor=actor)
    if moving:
        event = FeedbackEvent.objects.create(feedback=locked, actor=actor, kind=FeedbackEvent.Kind.STATUS,
                                             old_value=locked.status, new_value=status, note=note_text,
                                             created_at=now)
        locked.status = status
        changed.append("status")
        notify.feedback_status_changed(feedback=locked, event_id=event.pk, actor=actor)
    if changed:
        locked.updated_at = now
        locked.save(update_fields=[*changed, "updated_at"])
    return locked
