"""Reads of the problem library. Who may see a problem is decided here, in the query:
service admins every problem, agents and leads their teams' problems, requesters none (a
problem out of reach is not found: 404)."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from teams.models import User
from teams.selectors import user_team_ids
from tickets.models import Ticket
from tickets.selectors import tickets_visible_to

from .models import OPEN_PROBLEM_STATUSES, Problem, ProblemChange, ProblemFlag, ProblemIncident, ProblemStatus


def problems_visible_to(*, user: User) -> QuerySet[Problem]:
    """Every problem the user may open."""
    if not user.is_authenticated:
        return Problem.objects.none()
    if user.is_admin_role:
        return Problem.objects.all()
    return Problem.objects.filter(team_id__in=user_team_ids(user=user))


def can_see_problems(*, user: User) -> bool:
    """Agents, leads and service admins have a problem library; requesters do not."""
    return user.is_authenticated and (user.is_admin_role or bool(user_team_ids(user=user)))


def flagged_q() -> Q:
    """A problem stands out as flagged while it is open and has crossed a threshold."""
    return Q(status__in=OPEN_PROBLEM_STATUSES) & Exists(ProblemFlag.objects.filter(problem=OuterRef("pk")))


def problem_list(*, user: User, team_id: int | None = None, status: str = "") -> QuerySet[Problem]:
    """The problem list: flagged first, then by priority and newest, with the team and the
    incident count. `status` is one status, "open" (investigating or known error), or
    empty for all."""
    qs = problems_visible_to(user=user)
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    if status == "open":
        qs = qs.filter(status__in=OPEN_PROBLEM_STATUSES)
    elif status in ProblemStatus.values:
        qs = qs.filter(status=status)
    return (qs.select_related("team", "raised_by")
            .annotate(incident_count=Count("incidents", distinct=True))
            .alias(flag_first=flagged_q())
            .annotate(flagged=flagged_q())
            .order_by("-flag_first", "priority", "-created_at", "-id"))


def problem_for_user(*, user: User, pk: int) -> Problem:
    """The problem for its page; raises Problem.DoesNotExist when out of reach."""
    return (problems_visible_to(user=user).select_related("team", "raised_by")
            .annotate(flagged=flagged_q()).get(pk=pk))


def problem_incidents(*, problem: Problem, user: User) -> QuerySet[ProblemIncident]:
    """The problem's incidents the user may see, oldest link first, with their tickets."""
    return (problem.incidents.filter(ticket__in=tickets_visible_to(user=user))
            .select_related("ticket__requester", "ticket__assignee", "linked_by")
            .order_by("linked_at", "id"))


def problem_history(*, problem: Problem) -> QuerySet[ProblemChange]:
    return problem.changes.select_related("actor").order_by("created_at", "id")


def problem_flags(*, problem: Problem) -> QuerySet[ProblemFlag]:
    return problem.flags.order_by("recorded_at", "id")


def open_problems_of_team(*, team_id: int) -> QuerySet[Problem]:
    """What a ticket may be linked to: the open problems of its team, flagged first."""
    return (Problem.objects.filter(team_id=team_id, status__in=OPEN_PROBLEM_STATUSES)
            .order_by("priority", "-created_at", "-id"))


def ticket_problem(*, ticket: Ticket) -> Problem | None:
    """The problem a ticket is linked to, if any."""
    link = ProblemIncident.objects.filter(ticket=ticket).select_related("problem").first()
    return link.problem if link is not None else None


def service_admins() -> QuerySet[User]:
    """Who hears about a flagged problem: the service admins (and superusers)."""
    return User.objects.filter(Q(is_service_admin=True) | Q(is_superuser=True), is_active=True).order_by("pk")
