"""The quarterly review of the service standards: one review per quarter, one item per
standard version in force during the quarter, with the figures computed when the review was
opened or last refreshed (stored, so that a closed review never changes) and the decision
taken about it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class StandardReview(models.Model):
    """The review of one quarter (`quarter` is its first day). A draft is created by the beat
    at the quarter's start; a service admin opens it (or opens a quarter that has none),
    records a decision per standard, and closes it: then it is read-only."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    quarter = models.DateField(_("quarter"), unique=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    # When the figures of the items were last computed (None: not yet).
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-quarter"]
        verbose_name = _("quarterly review")
        verbose_name_plural = _("quarterly reviews")
        constraints = [
            models.CheckConstraint(condition=Q(quarter__day=1, quarter__month__in=(1, 4, 7, 10)),
                                   name="review_quarter_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.quarter.year} Q{(self.quarter.month - 1) // 3 + 1}"

    def get_absolute_url(self) -> str:
        return reverse("review-detail", args=[self.pk])

    @property
    def label(self) -> str:
        return str(self)

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED


class ReviewItem(models.Model):
    """One standard version in force during the review's quarter: its targets and figures as
    computed (`figures`, see reviews.figures), and the decision taken about it. Applying a
    tighten or loosen decision writes the standard's next version (`applied_standard`)."""

    class Decision(models.TextChoices):
        KEEP = "keep", _("keep")
        TIGHTEN = "tighten", _("tighten")
        LOOSEN = "loosen", _("loosen")
        OTHER = "other", _("other")

    review = models.ForeignKey(StandardReview, on_delete=models.CASCADE, related_name="items")
    standard = models.ForeignKey("sla.ServiceStandard", on_delete=models.PROTECT, related_name="+")
    lineage = models.UUIDField()
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    # The version's targets, copied: what the figures are measured against.
    first_response_minutes = models.PositiveIntegerField()
    next_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField()
    figures = models.JSONField(default=dict)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The new targets a tighten or loosen decision proposes (empty: keep that target).
    new_first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    new_next_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    new_resolution_minutes = models.PositiveIntegerField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    applied_standard = models.ForeignKey("sla.ServiceStandard", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    applied_change = models.ForeignKey("sla.StandardChange", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "team_id", "standard__name", "standard__version"]
        constraints = [
            models.UniqueConstraint(fields=["review", "standard"], name="review_item_once_per_version"),
        ]
        indexes = [models.Index(fields=["team"], name="review_item_team")]

    def __str__(self) -> str:
        return f"{self.review} {self.standard_id}"


class ReviewEvent(models.Model):
    """The review's audit log: who opened, refreshed, decided, applied or closed, when, and
    what changed."""

    review = models.ForeignKey(StandardReview, on_delete=models.CASCADE, related_name="events")
    item = models.ForeignKey(ReviewItem, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    changes = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.review} {self.action}"
