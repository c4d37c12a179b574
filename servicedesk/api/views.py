"""What every API view shares: the error format, throttling and pagination.

These are also meant to be the project-wide DRF defaults (see the settings in the
report); setting them here keeps the API right whatever the settings say.
"""

from django.utils import translation
from django.utils.translation import gettext_noop
from drf_spectacular.settings import patched_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from teams.middleware import activate_user_timezone

from .exception_handler import api_exception_handler
from .pagination import CursorPagination
from .schema import SWAGGER_UI_SETTINGS
from .throttling import API_THROTTLES

# DRF's TokenAuthentication says these; named here so that makemessages keeps the
# project's translations of them (the project's catalog comes before DRF's own).
TOKEN_MESSAGES = (gettext_noop("Invalid token."), gettext_noop("User inactive or deleted."))


class ApiView:
    """Mixin for every API view and viewset (put it first among the bases)."""

    # Token first: an anonymous request gets 401 with `WWW-Authenticate: Token`.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    throttle_classes = API_THROTTLES
    pagination_class = CursorPagination
    # Ids are digits; an id beyond bigint simply matches nothing (Django answers an
    # overflowing integer lookup with an empty result), so it is a 404, not a 500.
    lookup_value_regex = r"[0-9]+"

    def get_exception_handler(self):
        return api_exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # The page middleware set the time zone of a session's user; a token's user is
        # known only now. Either way the answer's times carry the user's own offset.
        if request.auth is not None:
            activate_user_timezone(request.user)
            # Messages in the profile's language, unless the client asks for one.
            if request.user.language and "HTTP_ACCEPT_LANGUAGE" not in request.META:
                translation.activate(request.user.language)


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI on the sidecar's assets, with nothing fetched from another site; its
    start-up script is a second request (`?script`), not inline, for the Content-Security-Policy."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        with patched_settings({"SWAGGER_UI_SETTINGS": SWAGGER_UI_SETTINGS}):
            return super().get(request, *args, **kwargs)
