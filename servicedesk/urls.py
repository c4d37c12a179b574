"""Top-level routes: the pages of each app, the API, and Django admin."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from teams.views import language_switch

from . import health

urlpatterns = [
    # No sign-in, no redirect to HTTPS (settings.production), ok/failing only (health.py).
    path("health/live/", health.liveness, name="health-live"),
    path("health/ready/", health.readiness, name="health-ready"),
    # The header's language switch: Django's set_language, which also keeps a signed-in
    # user's choice in the profile (teams.views.language_switch).
    path("i18n/setlang/", language_switch, name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/", include("teams.urls")),
    path("notifications/", include("notifications.urls")),
    path("service-standards/", include("sla.urls")),
    # Before the catch-all prefix of the pages: an API request is resolved without trying
    # every page's pattern first.
    path("api/", include("servicedesk.api.urls")),
    path("", include("tickets.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
