"""Satisfaction surveys: the settings of each team (and the defaults for all), the reasons
a requester may give, one invite per resolution cycle of a ticket, the requester's response
with its snapshot of who handled the ticket and how the SLA went, and the follow-up a low
score opens for the team lead. Responses are never deleted."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.names import Translated

# The scale of every survey: 1 (very dissatisfied) to 5 (very satisfied).
SCORE_MIN = 1
SCORE_MAX = 5


class SurveySettings(models.Model):
    """How a team surveys its requesters; the row without a team is the defaults for every
    team that has no row of its own."""

    team = models.OneToOneField("teams.Team", verbose_name=_("service team"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="survey_settings")
    enabled = models.BooleanField(_("send satisfaction surveys"), default=True)
    delay_minutes = models.PositiveIntegerField(
        _("delay after resolution (minutes)"), default=60, help_text=_("0 sends the survey at once."))
    sample_percent = models.PositiveSmallIntegerField(
        _("share of resolutions surveyed (%)"), default=50,
        help_text=_("Which tickets are surveyed is decided from the ticket and its resolution cycle."))
    cooldown_days = models.PositiveSmallIntegerField(
        _("cooldown per requester (days)"), default=14,
        help_text=_("No second survey to the same requester within this many days. 0 for none."))
    expiry_days = models.PositiveSmallIntegerField(_("days before the survey expires"), default=7)
    low_score = models.PositiveSmallIntegerField(
        _("low score"), default=2,
        help_text=_("A score at or below this needs a comment and a reason, and opens a follow-up for the lead."))
    anonymous = models.BooleanField(
        _("anonymous to the team's agents"), default=False,
        help_text=_("Agents do not see who gave which score; leads and service admins still do."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("survey settings")
        verbose_name_plural = _("survey settings")
        constraints = [
            models.UniqueConstraint(fields=["team"], name="survey_settings_one_per_team", nulls_distinct=False),
            models.CheckConstraint(condition=Q(sample_percent__lte=100), name="survey_settings_percent"),
            models.CheckConstraint(condition=Q(low_score__gte=SCORE_MIN - 1, low_score__lte=SCORE_MAX),
                                   name="survey_settings_low_score"),
            models.CheckConstraint(condition=Q(expiry_days__gte=1), name="survey_settings_expiry"),
        ]

    def __str__(self) -> str:
        return str(self.team) if self.team_id else str(_("defaults for all teams"))


class SurveyReason(Translated):
    """A reason a requester can choose for their score, named in every language."""

    settings = models.ForeignKey(SurveySettings, on_delete=models.CASCADE, related_name="reasons")
    key = models.SlugField(_("key"), max_length=40, help_text=_("What the API sends as the reason."))
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("survey reason")
        verbose_name_plural = _("survey reasons")
        constraints = [models.UniqueConstraint(fields=["settings", "key"], name="survey_reason_unique_key")]

    def __str__(self) -> str:
        return self.name


class SurveyInvite(models.Model):
    """The survey of one resolution cycle of one ticket. Its link carries a signed token;
    only the token's hash is stored (surveys.tokens)."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        SENT = "sent", _("sent")
        ANSWERED = "answered", _("answered")
        EXPIRED = "expired", _("expired")
        CANCELLED = "cancelled", _("cancelled")

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="survey_invites",
                               db_index=False)
    cycle = models.PositiveIntegerField(_("resolution cycle"))
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                  db_index=False)
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SCHEDULED)
    token_hash = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    send_at = models.DateTimeField(_("to be sent"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    closed_at = models.DateTimeField(_("answered, expired or cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [models.UniqueConstraint(fields=["ticket", "cycle"], name="survey_invite_one_per_cycle")]
        indexes = [
            # The sweep's two walks: invites due to be sent, sent invites due to expire.
            models.Index(fields=["send_at"], condition=Q(state="scheduled"), name="survey_invite_due"),
            models.Index(fields=["expires_at"], condition=Q(state="sent"), name="survey_invite_expiring"),
            # The cooldown: a requester's recent invites.
            models.Index(fields=["requester", "created_at"], name="survey_invite_requester"),
            # The reports' rollup: invites sent on a day.
            models.Index(fields=["sent_at"], condition=Q(sent_at__isnull=False), name="survey_invite_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}/{self.cycle} {self.state}"


class SurveyResponse(models.Model):
    """A requester's answer, with a snapshot of the ticket as it was resolved: who handled
    it, the service item, the priority and whether each SLA target of the cycle was met.
    Never deleted; the comment and the reason may be changed for a day after answering."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("link in the email")
        PAGE = "page", _("ticket page")
        API = "api", _("API")

    invite = models.OneToOneField(SurveyInvite, on_delete=models.PROTECT, related_name="response")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="+")
    cycle = models.PositiveIntegerField(_("resolution cycle"))
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    reason = models.ForeignKey(SurveyReason, verbose_name=_("reason"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    answered_at = models.DateTimeField(_("answered"))
    editable_until = models.DateTimeField(_("can be changed until"))
    # The snapshot.
    team = models.ForeignKey("teams.Team", verbose_name=_("service team"), on_delete=models.PROTECT,
                             related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    service_item = models.ForeignKey("tickets.ServiceItem", verbose_name=_("service"), on_delete=models.PROTECT,
                                     related_name="+")
    priority = models.CharField(_("priority"), max_length=2)
    first_response_met = models.BooleanField(_("first response met"), null=True)
    resolution_met = models.BooleanField(_("resolution met"), null=True)
    next_response_met = models.BooleanField(_("next response met"), null=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                                   name="survey_response_score_range"),
        ]
        indexes = [
            models.Index(fields=["team", "answered_at"], name="survey_response_team_answered"),
            # The reports' rollup: responses answered on a day.
            models.Index(fields=["answered_at"], name="survey_response_answered"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}/{self.cycle}: {self.score}"


class SurveyFollowUp(models.Model):
    """What a low score opens for the team lead: contact the requester, then mark it done
    with a note. Shown in the ticket's history to the service team only."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")

    response = models.OneToOneField(SurveyResponse, on_delete=models.PROTECT, related_name="follow_up")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=5, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField(_("opened"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("survey follow-up")
        verbose_name_plural = _("survey follow-ups")
        indexes = [models.Index(fields=["team", "state"], name="survey_followup_team_state")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.state}"
