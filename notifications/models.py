"""The outbox (what must be delivered, written in the same transaction as the change
that causes it) and the in-app notification list each user reads in the header."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One message to deliver, by email or in the app. Lives in PostgreSQL so that a
    stopped Redis or a killed worker loses nothing; `dedupe_key` makes writing it twice
    harmless. A delivering worker claims it by pushing `next_attempt_at` ahead
    (`servicedesk.claims`) and marks it sent the moment it is (`services.deliver_outbox`)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("email")
        IN_APP = "in_app", _("in the app")

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+")
    address = models.CharField(max_length=254, blank=True)
    event = models.CharField(max_length=40)
    subject = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=255, blank=True)
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    dedupe_key = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(state="pending"), name="outbox_pending_due"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.event} → {self.recipient_id or self.address}"


class Notification(models.Model):
    """An entry in a user's in-app notification list."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    outbox = models.OneToOneField(OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=40)
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_created"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_user_unread"),
        ]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """How a user wants to hear about one kind of event; no row means both channels."""

    class Delivery(models.TextChoices):
        BOTH = "both", _("email and in the app")
        EMAIL = "email", _("email only")
        IN_APP = "in_app", _("in the app only")
        NONE = "none", _("not at all")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs")
    event = models.CharField(max_length=40)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.BOTH)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="notification_pref_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.event}: {self.delivery}"
