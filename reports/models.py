"""Daily rollups: what the reports read instead of the raw tables.

One row per (report day, team, service item, priority, requester department, assignee) and
source: tickets (filed, resolved, reopened, first-contact resolutions), SLA outcomes (per target
kind: met / decided, sums of seconds, and a histogram of durations for the percentiles) and
satisfaction surveys (sent, answered, positive, score sum). The rows of a day are rebuilt as a
whole from the raw rows by `reports.rollup` (so running it twice changes nothing); days are cut
in `settings.REPORT_TIME_ZONE`. See reports/definitions.py for what each figure counts.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tickets.constants import Priority

# The count columns the team and department indexes carry (index-only reads of the figures).
TICKET_COUNTS = ["created", "resolved", "reopened", "first_contact"]
OUTCOME_COUNTS = ["kind", "met", "decided", "timed", "business_seconds", "wall_seconds"]
SURVEY_COUNTS = ["sent", "responses", "positive", "score_sum"]


class RollupDims(models.Model):
    """The dimensions every rollup row is cut by. Foreign keys without database constraints of
    their own (`db_constraint=False`): a rollup row is derived data, rebuilt from the raw rows,
    and must not stop a user or a service item from being deleted."""

    day = models.DateField()
    team = models.ForeignKey("teams.Team", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    service_item = models.ForeignKey("tickets.ServiceItem", null=True, on_delete=models.DO_NOTHING,
                                     related_name="+", db_constraint=False, db_index=False)
    priority = models.CharField(max_length=2, choices=Priority.choices)
    department = models.ForeignKey("teams.Department", null=True, on_delete=models.DO_NOTHING, related_name="+",
                                   db_constraint=False, db_index=False)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING,
                                 related_name="+", db_constraint=False, db_index=False)

    DIMENSIONS = ("team_id", "service_item_id", "priority", "department_id", "assignee_id")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} team {self.team_id} {self.service_item_id}/{self.priority}/{self.department_id}/{self.assignee_id}"


class TicketRollup(RollupDims):
    """Tickets of a day, by the ticket's team, service item, priority, department and assignee
    as they stand when the day is rolled up."""

    created = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    first_contact = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            # Covering the counts: the summary and the trend of a team or a department read the
            # index alone (see OutcomeRollup).
            models.Index(fields=["team", "day"], include=TICKET_COUNTS, name="ticket_rollup_team_day_counts"),
            models.Index(fields=["department", "day"], include=TICKET_COUNTS, name="ticket_rollup_dept_day_counts"),
            models.Index(fields=["assignee", "day"], name="ticket_rollup_assignee_day"),
            models.Index(fields=["day"], name="ticket_rollup_day"),
        ]


class OutcomeRollup(RollupDims):
    """SLA outcomes (in force) decided on a day, per target kind, cut by the ticket as it
    stood when the cycle was decided. `timed` counts the cycles whose durations are known (a
    breached cycle's only once its late work is done); the sums and the histogram cover those."""

    kind = models.CharField(max_length=15)
    met = models.PositiveIntegerField(default=0)
    decided = models.PositiveIntegerField(default=0)
    timed = models.PositiveIntegerField(default=0)
    business_seconds = models.PositiveBigIntegerField(default=0)
    wall_seconds = models.PositiveBigIntegerField(default=0)

    class Meta:
        indexes = [
            # Covering the counts: a team's or a department's rows of a day lie among every other
            # team's rows of that day, so reading them from the table reads most of its pages for
            # the period (a 12-week trend read ~150,000 rows from the heap at a million tickets);
            # from these indexes, a contiguous range of index pages.
            models.Index(fields=["team", "day"], include=OUTCOME_COUNTS, name="outcome_rollup_team_day_counts"),
            models.Index(fields=["department", "day"], include=OUTCOME_COUNTS,
                         name="outcome_rollup_dept_day_counts"),
            models.Index(fields=["assignee", "day"], name="outcome_rollup_assignee_day"),
            models.Index(fields=["day"], name="outcome_rollup_day"),
        ]


class OutcomeBucket(models.Model):
    """One histogram bucket of an outcome rollup row: how many of its timed cycles took a
    duration in that bucket (reports.definitions.BUCKET_EDGES), in business or wall time."""

    class Measure(models.TextChoices):
        BUSINESS = "b", _("business time")
        WALL = "w", _("wall time")

    # DO_NOTHING: the rollup deletes a day's buckets first, then its rows, each in one statement.
    # No database constraint: the rollup writes both in one statement, and a rebuild's millions
    # of deferred checks at commit cost minutes for nothing.
    rollup = models.ForeignKey(OutcomeRollup, on_delete=models.DO_NOTHING, related_name="buckets",
                               db_constraint=False)
    measure = models.CharField(max_length=1, choices=Measure.choices)
    bucket = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.rollup_id} {self.measure}{self.bucket}: {self.count}"


class SurveyRollup(RollupDims):
    """Satisfaction surveys of a day: invites sent that day, responses answered that day (by
    the response's snapshot of the ticket; the department is the ticket's), positive ones
    (score ≥ POSITIVE_SCORE) and the sum of scores."""

    sent = models.PositiveIntegerField(default=0)
    responses = models.PositiveIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)
    score_sum = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["team", "day"], include=SURVEY_COUNTS, name="survey_rollup_team_day_counts"),
            models.Index(fields=["department", "day"], include=SURVEY_COUNTS, name="survey_rollup_dept_day_counts"),
            models.Index(fields=["assignee", "day"], name="survey_rollup_assignee_day"),
        ]


class Grain(models.TextChoices):
    """The coarser cuts the report totals (below) keep per day: a team or a department whole
    (their summaries and trends: a team's year is 365 rows), and the pairs the team and
    department reports break down by (a team by department, service item or priority, a
    department by team, service item or priority). Anything else (an assignee, two filters)
    reads the rollups. Not translated: never shown."""

    TEAM = "t", "team"
    DEPARTMENT = "d", "department"
    TEAM_DEPARTMENT = "td", "team × department"
    TEAM_SERVICE_ITEM = "ti", "team × service item"
    TEAM_PRIORITY = "tp", "team × priority"
    DEPARTMENT_SERVICE_ITEM = "di", "department × service item"
    DEPARTMENT_PRIORITY = "dp", "department × priority"


# The rollup dimensions each grain keeps (the others are NULL / blank in its rows), the
# coarsest first: reports.selectors.grain_for takes the first that answers a report.
GRAIN_DIMENSIONS = {
    Grain.TEAM: ("team_id",),
    Grain.DEPARTMENT: ("department_id",),
    Grain.TEAM_DEPARTMENT: ("team_id", "department_id"),
    Grain.TEAM_SERVICE_ITEM: ("team_id", "service_item_id"),
    Grain.TEAM_PRIORITY: ("team_id", "priority"),
    Grain.DEPARTMENT_SERVICE_ITEM: ("department_id", "service_item_id"),
    Grain.DEPARTMENT_PRIORITY: ("department_id", "priority"),
}


class TotalDims(models.Model):
    """The dimensions of a report total: the day and one grain's dimensions (one or two). The
    totals are the rollup rows of a day summed per grain (reports.totals), rebuilt with them
    in the same transaction: a team's year is 365 rows here, by department 365 × 20, where
    the rollups hold a row for nearly every ticket. Reports whose scope and breakdown fit a grain read
    these; any other (an assignee, two filters) reads the rollups."""

    day = models.DateField()
    grain = models.CharField(max_length=2, choices=Grain.choices)
    team = models.ForeignKey("teams.Team", null=True, on_delete=models.DO_NOTHING, related_name="+",
                             db_constraint=False, db_index=False)
    service_item = models.ForeignKey("tickets.ServiceItem", null=True, on_delete=models.DO_NOTHING,
                                     related_name="+", db_constraint=False, db_index=False)
    priority = models.CharField(max_length=2, choices=Priority.choices, blank=True, default="")
    department = models.ForeignKey("teams.Department", null=True, on_delete=models.DO_NOTHING, related_name="+",
                                   db_constraint=False, db_index=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.grain} {self.team_id}/{self.department_id}/{self.service_item_id}/{self.priority}"


class TicketTotal(TotalDims):
    """TicketRollup summed per grain."""

    created = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    first_contact = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["grain", "team", "day"], include=TICKET_COUNTS, name="ticket_total_team_day"),
            models.Index(fields=["grain", "department", "day"], include=TICKET_COUNTS, name="ticket_total_dept_day"),
            models.Index(fields=["day"], name="ticket_total_day"),
        ]


class OutcomeTotal(TotalDims):
    """OutcomeRollup summed per grain and target kind, with the histograms of its buckets as
    {bucket: count} (business and wall time): a report of a team's week reads 140 of these
    rows instead of some 10,000 rollup rows and 40,000 bucket rows."""

    kind = models.CharField(max_length=15)
    met = models.PositiveIntegerField(default=0)
    decided = models.PositiveIntegerField(default=0)
    timed = models.PositiveIntegerField(default=0)
    business_seconds = models.PositiveBigIntegerField(default=0)
    wall_seconds = models.PositiveBigIntegerField(default=0)
    business_histogram = models.JSONField(default=dict)
    wall_histogram = models.JSONField(default=dict)

    class Meta:
        indexes = [
            models.Index(fields=["grain", "team", "day"], include=OUTCOME_COUNTS, name="outcome_total_team_day"),
            models.Index(fields=["grain", "department", "day"], include=OUTCOME_COUNTS,
                         name="outcome_total_dept_day"),
            models.Index(fields=["day"], name="outcome_total_day"),
        ]


class SurveyTotal(TotalDims):
    """SurveyRollup summed per grain."""

    sent = models.PositiveIntegerField(default=0)
    responses = models.PositiveIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)
    score_sum = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["grain", "team", "day"], include=SURVEY_COUNTS, name="survey_total_team_day"),
            models.Index(fields=["grain", "department", "day"], include=SURVEY_COUNTS, name="survey_total_dept_day"),
            models.Index(fields=["day"], name="survey_total_day"),
        ]


class RollupState(models.Model):
    """The rollup's bookkeeping (one row, locked while a run works): up to when the raw rows
    have been folded in (`as_of`, what the reports say they are complete to) and the time zone
    the days were cut in (a change of REPORT_TIME_ZONE needs `manage.py reports_rebuild`)."""

    name = models.CharField(max_length=20, primary_key=True)
    as_of = models.DateTimeField(null=True)
    time_zone = models.CharField(max_length=64, default="")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} {self.as_of}"


class ExportJob(models.Model):
    """A large export (a report table or a ticket list past settings.EXPORT_INLINE_MAX_ROWS
    rows) built by a Celery task instead of in the request: what was asked (the table key
    and the report page's query string, parsed again with the requester's rights when built),
    in which format, language and time zone, how far it got, and the file. Only the requester
    sees the job and downloads the file (reports.views.exports); the beat sweep deletes files
    older than settings.EXPORT_KEEP_DAYS."""

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("export job", "queued")
        RUNNING = "running", pgettext_lazy("export job", "running")
        DONE = "done", pgettext_lazy("export job", "done")
        FAILED = "failed", pgettext_lazy("export job", "failed")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    table = models.CharField(max_length=40)
    query = models.TextField(blank=True, default="")
    format = models.CharField(max_length=4, choices=Format.choices)
    language = models.CharField(max_length=10)
    time_zone = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    # Under MEDIA_ROOT, which no URL serves: the file goes out through the download view only.
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True, max_length=200)
    file_deleted = models.BooleanField(default=False)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="export_job_requester"),
            models.Index(fields=["created_at"], name="export_job_created"),
        ]

    def __str__(self) -> str:
        return f"export {self.pk} {self.table}.{self.format} ({self.state})"


class ReportSubscription(models.Model):
    """A lead's, admin's or department head's standing order for a summary mail of one
    report (a team's or a department's), weekly (last Monday–Sunday) or monthly (last
    calendar month), in their language. Sent by the beat (reports.subscriptions) only while
    they may still see the report."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("weekly")
        MONTHLY = "monthly", _("monthly")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_subscriptions")
    team = models.ForeignKey("teams.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey("teams.Department", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+")
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(team__isnull=False, department__isnull=True)
                           | models.Q(team__isnull=True, department__isnull=False)),
                name="report_subscription_one_report"),
            models.UniqueConstraint(fields=["user", "team", "frequency"], condition=models.Q(team__isnull=False),
                                    name="report_subscription_team_unique"),
            models.UniqueConstraint(fields=["user", "department", "frequency"],
                                    condition=models.Q(department__isnull=False),
                                    name="report_subscription_department_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.frequency} team {self.team_id} department {self.department_id}"


class ReportSend(models.Model):
    """One period of one subscription, claimed before its mail is written: the unique
    (subscription, period_start) row is what makes two beats send it once. `skipped` says
    why nothing went out (the subscriber lost the right to see the report)."""

    subscription = models.ForeignKey(ReportSubscription, on_delete=models.CASCADE, related_name="sends")
    period_start = models.DateField()
    period_end = models.DateField()
    created_at = models.DateTimeField()
    skipped = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscription", "period_start"],
                                               name="report_send_once_per_period")]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.period_start}"
