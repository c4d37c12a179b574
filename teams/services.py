"""Writes about people and teams: a user's own settings and API token, a member's
availability, a team's assignment mode."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from servicedesk.exceptions import ApplicationError

from .models import Membership, Team, User
from .selectors import is_team_lead


@transaction.atomic
def user_settings_update(*, user: User, timezone: str, language: str) -> User:
    """The user's own time zone and language (validated by the form)."""
    user.timezone, user.language = timezone, language
    user.save(update_fields=["timezone", "language"])
    return user


def user_language_set(*, user: User, language: str) -> User:
    """The language the user chose in the header's switch: the profile's, so that emails
    and notifications come in the language they read the pages in."""
    if language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def user_token_issue(*, user: User) -> Token:
    """The user's API token, created on first use."""
    token, _created = Token.objects.get_or_create(user=user)
    return token


@transaction.atomic
def user_token_regenerate(*, user: User) -> Token:
    """A new API token for the user; the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def user_token_revoke(*, user: User) -> int:
    """Delete the user's token; requests with it are refused from now on."""
    deleted, _detail = Token.objects.filter(user=user).delete()
    return deleted


def membership_set_available(*, user: User, team: Team, available: bool) -> None:
    """A member says whether automatic assignment may give them new tickets in the team."""
    updated = Membership.objects.filter(user=user, team=team).update(is_available=available)
    if not updated:
        raise ApplicationError(_("You are not a member of this team."), code="permission_denied")


def team_set_assignment_mode(*, team: Team, mode: str, actor: User) -> None:
    """The lead chooses how new tickets are assigned in their team."""
    if not (actor.is_admin_role or is_team_lead(user=actor, team_id=team.pk)):
        raise ApplicationError(_("Only the team lead can change this."), code="permission_denied")
    if mode not in Team.Assignment.values:
        raise ApplicationError(_("Unknown assignment mode."), field_errors={"mode": _("Unknown mode.")})
    Team.objects.filter(pk=team.pk).update(assignment_mode=mode)
