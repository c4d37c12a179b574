"""Who may see which report: the one place that decides it (the pages, the API, the exports
and the summary mails ask here).

- A service admin: every team's report, every department's, every member's scorecard.
- A team lead: the reports of the teams they lead, and the scorecards of those teams' members.
- A department head (set on the department): that department's report, across all teams.
- An agent: their own scorecard in each of their teams, nobody else's.
- Anyone else: nothing (the pages and the API answer 404).
"""

from django.db.models import Exists, OuterRef, QuerySet

from teams.models import Department, Membership, Team, User
from teams.selectors import led_team_ids


def report_teams(*, user: User) -> QuerySet[Team]:
    """Teams whose team report the user may see."""
    if not user.is_authenticated:
        return Team.objects.none()
    if user.is_admin_role:
        return Team.objects.filter(is_active=True).order_by("name")
    return Team.objects.filter(pk__in=led_team_ids(user=user)).order_by("name")


def report_departments(*, user: User) -> QuerySet[Department]:
    """Departments whose department report the user may see."""
    if not user.is_authenticated:
        return Department.objects.none()
    if user.is_admin_role:
        return Department.objects.order_by("name")
    return Department.objects.filter(head=user).order_by("name")


def scorecard_members(*, user: User, team: Team) -> QuerySet[User]:
    """The members of `team` whose scorecard the user may see: all of them for an admin or
    the team's lead, the user themself for a member, nobody for anyone else (a peer never)."""
    members = User.objects.filter(memberships__team=team).distinct().order_by("username")
    if can_see_all_scorecards(user=user, team=team):
        return members
    return members.filter(pk=user.pk)


def can_see_all_scorecards(*, user: User, team: Team) -> bool:
    """Whether the user sees every member's scorecard of `team` (the members page): an
    admin or the team's lead."""
    return user.is_authenticated and sees_member_figures(user=user, team_ids=(team.pk,))


def can_see_scorecard(*, user: User, team: Team, member: User) -> bool:
    return scorecard_members(user=user, team=team).filter(pk=member.pk).exists()


def has_reports(*, user: User) -> bool:
    """Whether the Reports menu shows: any report or scorecard is in reach."""
    if not user.is_authenticated:
        return False
    if user.is_admin_role:
        return True
    # A lead is a member: one query whether the user is a member of a team or heads a
    # department (every page's header asks).
    return User.objects.filter(pk=user.pk).filter(
        Exists(Membership.objects.filter(user=OuterRef("pk"))) | Exists(Department.objects.filter(head=OuterRef("pk")))
    ).exists()


def sees_member_figures(*, user: User, team_ids: tuple[int, ...] | None) -> bool:
    """Whether the user may see figures per member (the by-assignee table, a member list's
    export) of these teams: a service admin always; a lead only for teams they all lead
    (never across every team, never a department head for their department)."""
    if user.is_admin_role:
        return True
    if not team_ids:
        return False
    return set(team_ids) <= set(led_team_ids(user=user))
