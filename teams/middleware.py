"""Show times in the viewer's own time zone, and pages in their language."""

import zoneinfo

from django.conf import settings
from django.utils import timezone, translation


class UserTimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # The language switcher's cookie wins; otherwise the language in the user's profile.
        language = getattr(user, "language", None) if user is not None and user.is_authenticated else None
        if language and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        activate_user_timezone(user)
        try:
            return self.get_response(request)
        finally:
            # A worker thread serves the next request, or the next test, with nothing left
            # of this one's zone.
            timezone.deactivate()


def activate_user_timezone(user) -> None:
    """Times from here on in the user's profile time zone (the server's default without
    one). The API calls it again once it knows who signs in with a token."""
    tzname = getattr(user, "timezone", None)
    if tzname:
        try:
            timezone.activate(zoneinfo.ZoneInfo(tzname))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
    else:
        timezone.deactivate()
