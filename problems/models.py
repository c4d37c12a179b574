"""The problem library: the root cause behind several incident tickets, its workaround,
the incidents linked to it, its history, and the flags raised to the service admins."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.constants import Priority

PROBLEM_PREFIX = "PRB-"


class ProblemStatus(models.TextChoices):
    INVESTIGATING = "investigating", _("investigating")
    KNOWN_ERROR = "known_error", _("known error")
    RESOLVED = "resolved", _("resolved")
    CLOSED = "closed", _("closed")


# Every legal move of a problem. Forward: investigating → known error → resolved → closed
# (a step may be skipped). Back: a known error whose cause proves wrong goes back to
# investigating; a resolved problem that comes back is investigated again. Closed is final.
PROBLEM_TRANSITIONS: dict[str, frozenset[str]] = {
    ProblemStatus.INVESTIGATING: frozenset({ProblemStatus.KNOWN_ERROR, ProblemStatus.RESOLVED, ProblemStatus.CLOSED}),
    ProblemStatus.KNOWN_ERROR: frozenset({ProblemStatus.INVESTIGATING, ProblemStatus.RESOLVED, ProblemStatus.CLOSED}),
    ProblemStatus.RESOLVED: frozenset({ProblemStatus.INVESTIGATING, ProblemStatus.CLOSED}),
    ProblemStatus.CLOSED: frozenset(),
}

# A problem still being worked: incidents may be linked to it, and it may be flagged.
OPEN_PROBLEM_STATUSES = (ProblemStatus.INVESTIGATING, ProblemStatus.KNOWN_ERROR)


class Problem(models.Model):
    """The root cause behind several incident tickets of one service team, with what is
    known about it (symptoms, root cause, workaround) while it is worked."""

    team = models.ForeignKey("teams.Team", verbose_name=_("service team"), on_delete=models.PROTECT,
                             related_name="problems")
    title = models.CharField(_("title"), max_length=200)
    symptoms = models.TextField(_("symptoms"), blank=True, default="")
    root_cause = models.TextField(_("root cause"), blank=True, default="")
    workaround = models.TextField(_("workaround"), blank=True, default="")
    status = models.CharField(_("status"), max_length=15, choices=ProblemStatus.choices,
                              default=ProblemStatus.INVESTIGATING)
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices, default=Priority.P3)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("raised by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("raised"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Bumped by every change; a client sends it back so that a stale edit is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        indexes = [models.Index(fields=["team", "status", "-created_at"], name="problem_team_status_created")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"{PROBLEM_PREFIX}{self.pk:05d}" if self.pk else f"{PROBLEM_PREFIX}?"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_PROBLEM_STATUSES


class ProblemIncident(models.Model):
    """An incident ticket linked to a problem. A ticket is linked to at most one problem
    (the one-to-one field); `workaround_sent` is the workaround text last posted to it, so
    that sending the same workaround again does not post it twice."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="incidents")
    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="problem_link")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)
    workaround_sent = models.TextField(blank=True, default="")
    workaround_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["linked_at", "id"]
        indexes = [models.Index(fields=["problem", "linked_at"], name="problem_incident_linked")]

    def __str__(self) -> str:
        return f"{self.problem_id} ← {self.ticket_id}"


class ProblemChange(models.Model):
    """Append-only history of a problem: who did what, when, and old → new per field."""

    class Kind(models.TextChoices):
        CREATED = "created", _("raised")
        EDITED = "edited", _("edited")
        LINKED = "linked", _("incident linked")
        UNLINKED = "unlinked", _("incident unlinked")
        WORKAROUND_SENT = "workaround_sent", _("workaround sent")
        INCIDENTS_RESOLVED = "incidents_resolved", _("incidents resolved")
        FLAGGED = "flagged", _("flagged to the service admins")
        ARTICLE = "article", _("published as an article")

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="changes", db_index=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # EDITED: {"field": [old, new], …}; LINKED/UNLINKED: {"ticket": id, "ref": "SD-…"};
    # the bulk actions: {"outcomes": [{"ref", "outcome"}, …]}; FLAGGED: {"threshold": "…"}.
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["problem", "created_at"], name="problem_change_created")]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.kind}"


class ProblemFlag(models.Model):
    """A threshold a problem crossed, flagged to the service admins. The unique
    (problem, threshold) is what makes each flag happen once, however often the sweep runs.
    `threshold` is "incidents:<n>" or "days:<n>"."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="flags", db_index=False)
    threshold = models.CharField(max_length=30)
    value = models.PositiveIntegerField(default=0)  # the incident count or age in days when flagged
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [models.UniqueConstraint(fields=["problem", "threshold"], name="problem_flag_once")]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.threshold}"
