"""Reads about teams and people; the one place that says which teams a user works in."""

from django.db.models import QuerySet

from .models import Membership, Team, User


def user_teams(*, user: User) -> QuerySet[Team]:
    """Teams whose queue the user works (as agent or lead)."""
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(memberships__user=user, is_active=True).distinct().order_by("name")


def user_team_ids(*, user: User) -> list[int]:
    if not user.is_authenticated:
        return []
    # Asked several times per request (it decides what the user may see): read once per
    # user object, that is once per request.
    cached = getattr(user, "_team_ids_cache", None)
    if cached is None:
        cached = list(Membership.objects.filter(user_id=user.pk).order_by("team_id").values_list("team_id", flat=True))
        user._team_ids_cache = cached
    return cached


def is_agent(*, user: User) -> bool:
    return bool(user_team_ids(user=user))


def is_team_member(*, user: User, team_id: int) -> bool:
    return team_id in user_team_ids(user=user)


def led_team_ids(*, user: User) -> list[int]:
    """The teams a user leads (lead membership): whose feedback, surveys, reports and
    members' scorecards they see."""
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user_id=user.pk, role=Membership.Role.LEAD)
                .order_by("team_id").values_list("team_id", flat=True))


def is_team_lead(*, user: User, team_id: int) -> bool:
    return Membership.objects.filter(user=user, team_id=team_id, role=Membership.Role.LEAD).exists()


def team_members(*, team: Team) -> QuerySet[User]:
    return User.objects.filter(memberships__team=team, is_active=True).order_by("username").distinct()


def visible_teams(*, user: User) -> QuerySet[Team]:
    """Teams a user may look at: service admins all, agents their own, requesters none."""
    if user.is_admin_role:
        return Team.objects.all()
    return user_teams(user=user)


def team_assignment_mode(*, team_id: int) -> str | None:
    """How new tickets in the team are handed out (None for no such team)."""
    return Team.objects.filter(pk=team_id).values_list("assignment_mode", flat=True).first()
