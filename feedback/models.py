"""Feedback on a service team (服务反馈/服務回饋): an employee's suggestion, complaint or
praise about a team's service as a whole, not tied to a ticket; the team lead's answer,
its status, and the history of every change made to it."""

from uuid import uuid4

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.models import Team


class Feedback(models.Model):
    """One piece of feedback sent to a service team. The sender is always stored; with
    `anonymous` the team (its lead) never sees who sent it, service admins still do
    (`feedback.selectors.sender_visible_to`)."""

    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", _("suggestion")
        COMPLAINT = "complaint", _("complaint")
        PRAISE = "praise", _("praise")

    class Status(models.TextChoices):
        NEW = "new", _("new")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        ACTED_ON = "acted_on", _("acted on")
        DECLINED = "declined", _("declined")

    team = models.ForeignKey(Team, verbose_name=_("service team"), on_delete=models.PROTECT,
                             related_name="feedback")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sender"), on_delete=models.PROTECT,
                               related_name="feedback_sent")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("text"))
    anonymous = models.BooleanField(_("anonymous to the team"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [
            models.Index(fields=["team", "created_at"], name="feedback_team_created"),
            models.Index(fields=["sender", "created_at"], name="feedback_sender_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} → {self.team_id}"


def feedback_attachment_path(instance: "FeedbackAttachment", filename: str) -> str:
    # Never the user's own name: no path tricks, no collisions, nothing that names the sender.
    return f"feedback/{uuid4().hex}"


class FeedbackAttachment(models.Model):
    """The optional file sent with a piece of feedback, checked as a ticket's files are
    (`servicedesk.uploads`) and served only to those who may see the feedback."""

    feedback = models.OneToOneField(Feedback, on_delete=models.CASCADE, related_name="attachment")
    file = models.FileField(upload_to=feedback_attachment_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return self.original_name


class FeedbackEvent(models.Model):
    """Append-only history of what the team did with a piece of feedback: an answer
    (old → new text) or a status move (old → new, with its note), who and when."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("answer")
        STATUS = "status", _("status")

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["feedback", "created_at"], name="feedback_event_created")]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.kind}: {self.old_value} → {self.new_value}"

    @property
    def old_status_label(self) -> str:
        return Feedback.Status(self.old_value).label if self.kind == self.Kind.STATUS else ""

    @property
    def new_status_label(self) -> str:
        return Feedback.Status(self.new_value).label if self.kind == self.Kind.STATUS else ""
