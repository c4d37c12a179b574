"""Reads the API needs beyond `teams.selectors` (candidates to move there)."""

from django.db.models import QuerySet

from teams.models import Department, Membership, Team, User
from teams.selectors import visible_teams


def api_visible_teams(*, user: User) -> QuerySet[Team]:
    return visible_teams(user=user).select_related("lead").order_by("name")


def team_memberships(*, team: Team) -> QuerySet[Membership]:
    """Active members of a team with their role, for the members list."""
    return Membership.objects.filter(team=team, user__is_active=True).select_related("user").order_by("user__username")


def departments() -> QuerySet[Department]:
    return Department.objects.order_by("name")


def user_memberships(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, team__is_active=True).select_related("team").order_by("team__name")
