"""Top-level routes: the pages of each app, the API, and Django admin.

Uploaded files (MEDIA_ROOT) have no route of their own, in any setting: a ticket's file is
only ever served by `tickets.views.portal.attachment_download`, which checks who may see it."""

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
    path("surveys/", include("surveys.urls")),
    path("feedback/", include("feedback.urls")),
    path("kb/", include("kbsearch.urls")),
    path("problems/", include("problems.urls")),
    path("reports/", include("reports.urls")),
    path("reviews/", include("reviews.urls")),
    path("kb/", include("knowledge.urls")),
    # Before the catch-all prefix of the pages: an API request is resolved without trying
    # every page's pattern first.
    path("api/", include("servicedesk.api.urls")),
    path("", include("tickets.urls")),
]
