"""Who is who in the service desk: people, their departments, and the service teams."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicedesk.names import Translated


class Department(Translated):
    """The business unit an employee (requester) belongs to, e.g. Finance or Sales."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    # The department head sees the department report: the service the department's employees
    # received from every service team (reports.access).
    head = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("department head"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="headed_departments")

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: an employee, an agent, a lead or a service admin.

    `is_service_admin` is the role that edits the catalog and the service standards and
    sees every ticket; Django superusers are service admins too.
    """

    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="members",
    )
    is_service_admin = models.BooleanField(_("service admin"), default=False)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_admin_role(self) -> bool:
        return self.is_service_admin or self.is_superuser


class Team(Translated):
    """A service team that owns a queue (IT Support, HR Services, …)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    email = models.EmailField(_("email"), blank=True)
    description = models.TextField(_("description"), blank=True)
    lead = models.ForeignKey(
        User, verbose_name=_("team lead"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="led_teams",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Assignment(models.TextChoices):
        NONE = "none", _("none (the lead assigns)")
        ROUND_ROBIN = "round_robin", _("round-robin")
        LEAST_LOADED = "least_loaded", _("least open tickets")

    assignment_mode = models.CharField(_("automatic assignment"), max_length=15, choices=Assignment.choices,
                                       default=Assignment.NONE)
    # The member who got the last round-robin ticket; the next one goes to the member after.
    round_robin_last = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name = _("service team")
        verbose_name_plural = _("service teams")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user working in a team's queue, as an agent or as a team lead."""

    class Role(models.TextChoices):
        AGENT = "agent", _("agent")
        LEAD = "lead", _("team lead")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, verbose_name=_("service team"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.AGENT)
    is_available = models.BooleanField(_("available"), default=True)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="membership_unique_user_team")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.team} ({self.role})"
