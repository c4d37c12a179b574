"""Writes about people: their own settings and their API token."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from .models import User


@transaction.atomic
def user_settings_update(*, user: User, timezone: str, language: str) -> User:
    """The user's own time zone and language (validated by the form)."""
    user.timezone, user.language = timezone, language
    user.save(update_fields=["timezone", "language"])
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
