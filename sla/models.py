"""Service standards: business calendars, targets, escalation chains, and the per-ticket
clocks that the deadline scanner watches."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from servicedesk.names import Translated
from tickets.constants import Priority


class BusinessCalendar(Translated):
    """Working hours, time zone, holidays and make-up working days."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # Make-up working days are worked with the hours of this weekday (0 = Monday).
    extra_day_weekday = models.PositiveSmallIntegerField(_("make-up days use the hours of"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [models.CheckConstraint(condition=Q(extra_day_weekday__lte=6), name="calendar_weekday_range")]

    def __str__(self) -> str:
        return self.name


class WorkingHours(models.Model):
    """One working interval of a weekday; a day may have several (a lunch break)."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"))  # 0 = Monday
    start = models.TimeField(_("start"))
    # 00:00 as an end means midnight at the end of the day.
    end = models.TimeField(_("end"))

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [models.CheckConstraint(condition=Q(weekday__lte=6), name="hours_weekday_range")]

    def __str__(self) -> str:
        return f"{self.calendar_id} {self.weekday} {self.start:%H:%M}-{self.end:%H:%M}"


class Holiday(models.Model):
    """A non-working date, or a range of them (National Day week)."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    end_date = models.DateField(_("last day"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("date")),
                                   name="holiday_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class ExtraWorkingDay(models.Model):
    """A weekend day that is worked (调休上班日 / 補班日)."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="extra_working_days")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="extra_day_unique")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class EscalationChain(Translated):
    """Ordered levels of escalation a service standard applies when targets run out."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("escalation chain")

    def __str__(self) -> str:
        return self.name


class EscalationLevel(models.Model):
    """One level of a chain: when it triggers and what it does."""

    class Trigger(models.TextChoices):
        PERCENT = "percent", _("at a percentage of the target")
        AFTER_BREACH = "after_breach", _("after the breach")

    class AppliesTo(models.TextChoices):
        # Stored as "both" since the days of two targets; it means every target, the next
        # response included (sla migration 0012), so that API clients and saved chains keep working.
        EVERY_TARGET = "both", _("every target")
        FIRST_RESPONSE = "first_response", _("first response")
        NEXT_RESPONSE = "next_response", _("next response")
        RESOLUTION = "resolution", _("resolution")

    class Reassign(models.TextChoices):
        NONE = "", _("no")
        LEAD = "lead", _("to the team lead")
        TEAM = "team", _("to another team")

    chain = models.ForeignKey(EscalationChain, on_delete=models.CASCADE, related_name="levels")
    order = models.PositiveSmallIntegerField(_("level"))
    trigger = models.CharField(_("trigger"), max_length=15, choices=Trigger.choices, default=Trigger.AFTER_BREACH)
    percent = models.PositiveSmallIntegerField(_("percent of target"), null=True, blank=True)
    delay_minutes = models.PositiveIntegerField(_("minutes after the breach"), default=0)
    applies_to = models.CharField(_("applies to"), max_length=15, choices=AppliesTo.choices, default=AppliesTo.EVERY_TARGET)
    notify_assignee = models.BooleanField(_("notify the assignee"), default=False)
    notify_lead = models.BooleanField(_("notify the team lead"), default=False)
    notify_admins = models.BooleanField(_("notify the service admins"), default=False)
    notify_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                          verbose_name=_("notify these managers"))
    raise_priority = models.BooleanField(_("raise the priority"), default=False)
    reassign = models.CharField(_("reassign"), max_length=5, choices=Reassign.choices, default="", blank=True)
    reassign_team = models.ForeignKey("teams.Team", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("reassign to team"))

    class Meta:
        ordering = ["chain", "order"]
        constraints = [models.UniqueConstraint(fields=["chain", "order"], name="escalation_level_unique_order")]

    def __str__(self) -> str:
        return f"{self.chain} L{self.order}"


class ServiceStandard(Translated):
    """Targets for first response, next response (optional) and resolution for the tickets
    it matches.

    Rows are versions: editing a standard writes a new row with the same `lineage` and
    `version + 1` and retires the old one, so that a ticket keeps the version that
    matched when it was filed. Matching looks at current versions only.
    """

    lineage = models.UUIDField(default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    is_current = models.BooleanField(default=True, editable=False)
    name = models.CharField(_("name"), max_length=160)
    team = models.ForeignKey("teams.Team", verbose_name=_("service team"), on_delete=models.CASCADE,
                             related_name="service_standards")
    category = models.ForeignKey("tickets.ServiceCategory", verbose_name=_("service category"), null=True,
                                 blank=True, on_delete=models.CASCADE, related_name="+")
    service_item = models.ForeignKey("tickets.ServiceItem", verbose_name=_("service"), null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+")
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices, blank=True)
    calendar = models.ForeignKey(BusinessCalendar, verbose_name=_("business calendar"), on_delete=models.PROTECT,
                                 related_name="standards")
    first_response_minutes = models.PositiveIntegerField(_("first response target (business minutes)"))
    # Empty: the standard does not track next responses.
    next_response_minutes = models.PositiveIntegerField(_("next response target (business minutes)"), null=True,
                                                        blank=True)
    resolution_minutes = models.PositiveIntegerField(_("resolution target (business minutes)"))
    warning_percent = models.PositiveSmallIntegerField(_("warn at percent of target"), default=80)
    pause_on_pending = models.BooleanField(_("pause while waiting on requester"), default=True)
    escalation_chain = models.ForeignKey(EscalationChain, verbose_name=_("escalation chain"), null=True,
                                         blank=True, on_delete=models.SET_NULL, related_name="standards")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["team", "name", "-version"]
        verbose_name = _("service standard")
        verbose_name_plural = _("service standards")
        constraints = [
            models.UniqueConstraint(fields=["lineage", "version"], name="standard_unique_version"),
            models.CheckConstraint(condition=Q(first_response_minutes__gt=0), name="standard_fr_positive"),
            models.CheckConstraint(condition=Q(next_response_minutes__isnull=True) | Q(next_response_minutes__gt=0),
                                   name="standard_nr_positive"),
            models.CheckConstraint(
                condition=Q(next_response_minutes__isnull=True)
                | Q(next_response_minutes__lte=models.F("resolution_minutes")),
                name="standard_nr_lte_resolution"),
            models.CheckConstraint(condition=Q(resolution_minutes__gte=models.F("first_response_minutes")),
                                   name="standard_resolution_gte_fr"),
            models.CheckConstraint(condition=Q(warning_percent__gt=0, warning_percent__lt=100),
                                   name="standard_warning_range"),
        ]
        indexes = [models.Index(fields=["team"], condition=Q(is_current=True), name="standard_current_team")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def specificity(self) -> int:
        """How specific the match is: item beats category beats team; priority adds one."""
        scope = 4 if self.service_item_id else 2 if self.category_id else 0
        return scope + (1 if self.priority else 0)


class SLAClock(models.Model):
    """One cycle of one target of one ticket (first response, next response or
    resolution) and where it stands.

    A ticket has one first-response clock, one resolution clock (its `cycle` follows the
    ticket's resolution cycle) and one next-response clock per cycle (each public reply of
    the requester that follows the team's last public reply starts one).

    The clock counts business time from `run_started_at` with `consumed_seconds` already
    used before the last pause. `next_check_at` is the next instant the deadline scanner
    must look at it (a warning, the breach or an escalation level); it is NULL when there
    is nothing left to watch, so that the scanner's index holds only live clocks.
    """

    class Kind(models.TextChoices):
        FIRST_RESPONSE = "first_response", _("first response")
        NEXT_RESPONSE = "next_response", _("next response")
        RESOLUTION = "resolution", _("resolution")

    class State(models.TextChoices):
        RUNNING = "running", _("running")
        PAUSED = "paused", _("paused")
        MET = "met", _("met")
        # Past its due time: running or paused (still owed), or stopped (met late).
        BREACHED = "breached", _("breached")
        STOPPED = "stopped", _("stopped")

    # No index of its own: the (ticket, kind, cycle) unique constraint serves it.
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="sla_clocks", db_index=False)
    kind = models.CharField(max_length=15, choices=Kind.choices)
    cycle = models.PositiveIntegerField(default=1)
    standard = models.ForeignKey(ServiceStandard, on_delete=models.PROTECT, related_name="clocks")
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    target_minutes = models.PositiveIntegerField()
    started_at = models.DateTimeField()  # when its current cycle started (a reopen starts the next one)
    run_started_at = models.DateTimeField(null=True, blank=True)
    consumed_seconds = models.FloatField(default=0)
    warn_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.FloatField(default=0)
    breached_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "kind", "cycle"], name="sla_clock_unique_cycle")]
        indexes = [
            # The scanner's index: only clocks that still have something to watch.
            models.Index(fields=["next_check_at"], condition=Q(next_check_at__isnull=False),
                         name="sla_clock_next_check"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.state}"


class Escalation(models.Model):
    """A step the scanner took on a clock: the warning, the breach, or a chain level.

    The unique constraint on (clock, step) is what makes every step happen exactly once,
    whatever number of scanners run and however often.
    """

    # No separate index: the unique (clock, step) constraint serves lookups by clock.
    clock = models.ForeignKey(SLAClock, on_delete=models.CASCADE, related_name="escalations", db_index=False)
    step = models.CharField(max_length=40)  # "warning", "breach" or "level:<order>"
    level = models.ForeignKey(EscalationLevel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due_at = models.DateTimeField()
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["clock", "step"], name="escalation_once_per_step")]

    def __str__(self) -> str:
        return f"{self.clock_id} {self.step}"


class StandardChange(models.Model):
    """Audit log of every change to a standard, a calendar or a chain: who, when, old → new."""

    object_type = models.CharField(max_length=30)
    object_id = models.PositiveBigIntegerField()
    object_name = models.CharField(max_length=160)
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    changes = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="standard_change_object")]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_name} {self.action}"


class ClockReplan(models.Model):
    """A request to recompute the due times of running clocks after their calendar or
    escalation chain changed. The scan task works through it in batches (`after_id` is
    how far it got), so that an edit touching 100,000 clocks never blocks the admin page."""

    calendar = models.ForeignKey(BusinessCalendar, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    chain = models.ForeignKey(EscalationChain, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    after_id = models.BigIntegerField(default=0)
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(calendar__isnull=False) | Q(chain__isnull=False),
                                   name="clock_replan_has_target"),
        ]

    def __str__(self) -> str:
        return f"replan calendar={self.calendar_id} chain={self.chain_id} after={self.after_id}"


class ScannerHeartbeat(models.Model):
    """When the deadline scanner last finished a cycle without error: one row per
    scanner (`name`), overwritten by each cycle. The readiness check (servicedesk.health)
    fails when it grows old, since then no warning, breach or escalation is recorded."""

    DEADLINE_SCANNER = "sla_scan"  # sla.scanner.sla_scan

    name = models.CharField(max_length=40, primary_key=True)
    last_success_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.last_success_at:%Y-%m-%d %H:%M:%S}"


class OutcomeQuerySet(models.QuerySet):
    def in_force(self) -> "OutcomeQuerySet":
        """The rows that stand: those no correction names (an original row until it is
        corrected, then its latest correction; corrections are made to the row in force)."""
        return self.filter(corrections__isnull=True)


class SLAOutcome(models.Model):
    """The fact that one cycle of one target of a ticket was met or breached, written once
    when it is decided and never changed afterwards (what the reports count).

    A cycle is decided when its clock stops fulfilled before its due time (met) or when its
    due time passes (breached). A breached row gets its completion once, when the late work
    is done: `stopped_at`, the seconds and `breached_by_seconds` go from NULL to their values
    in one UPDATE guarded by `stopped_at IS NULL`. Nothing else about a row ever changes: a
    correction is a new row whose `corrects` names the row it corrects, and exactly one
    original row (`corrects` NULL) exists per (ticket, kind, cycle).

    Cycle 1 starts when the ticket is filed. A reopened ticket's resolution clock starts its
    next cycle at the reopen: `started_at` and `wall_seconds` are that cycle's, while
    `business_seconds` and `paused_seconds` are the clock's totals over all its cycles,
    since a reopened clock keeps the business time it used and it is that total which is
    measured against the target.
    """

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="sla_outcomes")
    kind = models.CharField(_("target"), max_length=15, choices=SLAClock.Kind.choices)
    cycle = models.PositiveIntegerField(_("cycle"))
    # The standard version in force when the cycle was decided (after any re-match).
    standard = models.ForeignKey(ServiceStandard, on_delete=models.PROTECT, related_name="+", db_index=False)
    standard_version = models.PositiveIntegerField()
    # The ticket as it stood when the cycle was decided. Every insert maintains each index
    # (the scanner writes a row per breach): the reports' two, the ticket's, the one-original
    # constraint's and the corrections'; the other references have none (their rows are
    # hardly ever deleted).
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+", db_index=False)
    service_item = models.ForeignKey("tickets.ServiceItem", null=True, on_delete=models.SET_NULL, related_name="+",
                                     db_index=False)
    priority = models.CharField(max_length=2, choices=Priority.choices)
    requester_department = models.ForeignKey("teams.Department", null=True, on_delete=models.SET_NULL,
                                             related_name="+", db_index=False)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                 db_index=False)
    started_at = models.DateTimeField()
    # NULL while a breached cycle's late work is not done (or never will be: closed or
    # cancelled unfulfilled).
    stopped_at = models.DateTimeField(null=True)
    due_at = models.DateTimeField(null=True)
    target_minutes = models.PositiveIntegerField()
    business_seconds = models.PositiveBigIntegerField(null=True)
    wall_seconds = models.PositiveBigIntegerField(null=True)
    paused_seconds = models.PositiveBigIntegerField(null=True)
    met = models.BooleanField()
    # Business seconds beyond the target: 0 when met, NULL until a breached cycle completes.
    breached_by_seconds = models.PositiveBigIntegerField(null=True)
    decided_at = models.DateTimeField()
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="corrections", db_index=False)
    # For a correction: why, and who wrote it.
    reason = models.CharField(max_length=500, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", db_index=False)
    # When the row was last written (inserted, or given its completion): the reports' rollup
    # re-rolls the days of the rows written since its last run.
    written_at = models.DateTimeField(default=now)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("SLA outcome")
        verbose_name_plural = _("SLA outcomes")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind", "cycle"], condition=Q(corrects__isnull=True),
                                    name="sla_outcome_once_per_cycle"),
            models.CheckConstraint(condition=Q(met=False) | Q(stopped_at__isnull=False, breached_by_seconds=0),
                                   name="sla_outcome_met_has_stop"),
        ]
        indexes = [
            models.Index(fields=["team", "decided_at"], name="sla_outcome_team_decided"),
            models.Index(fields=["kind", "decided_at"], name="sla_outcome_kind_decided"),
            models.Index(fields=["written_at"], name="sla_outcome_written"),
            # Corrections are few: only they are indexed by the row they correct.
            models.Index(fields=["corrects"], condition=Q(corrects__isnull=False), name="sla_outcome_corrections"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} #{self.cycle} {'met' if self.met else 'breached'}"
