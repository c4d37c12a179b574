"""`Authorization: Token <key>`, with the token and its user from the reference cache.

Every API request looked its token up in PostgreSQL. The reference cache keeps the
token with its user in each process until anything about either changes: a token
issued, regenerated or revoked, a user edited or deactivated moves the cache's
generation, so a revoked token is refused by the very next request in every process.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from servicedesk import refcache


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str):
        token = refcache.get(
            ("api_token", key),
            lambda: Token.objects.select_related("user").filter(key=key).first(),
            keep_none=False,
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
