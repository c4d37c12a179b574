"""Top-level routes: the pages of each app, the API, and Django admin.

Uploaded files (MEDIA_ROOT) have no route of their own, in any setting: a ticket's file is
only ever served by `tickets.views.portal.attachment_download`, which checks who may see it."""

from django.contrib import admin
from django.urls import include, path

from . import health

urlpatterns = [
    # No sign-in, no redirect to HTTPS (settings.production), ok/failing only (health.py).
    path("health/live/", health.liveness, name="health-live"),
    path("health/ready/", health.readiness, name="health-ready"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("teams.urls")),
    path("notifications/", include("notifications.urls")),
    path("service-standards/", include("sla.urls")),
    # Before the catch-all prefix of the pages: an API request is resolved without trying
    # every page's pattern first.
    path("api/", include("servicedesk.api.urls")),
    path("", include("tickets.urls")),
]
