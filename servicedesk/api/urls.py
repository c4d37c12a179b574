"""Routes under /api/: version 1 of the API, its OpenAPI schema and the Swagger UI
(served with the sidecar's own assets, no CDN)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from . import auth
from .schema import SCHEMA_SETTINGS
from .views import SwaggerView

v1 = [
    path("auth/token/", auth.TokenObtainView.as_view(), name="api-auth-token"),
    path("auth/tokens/", auth.TokenListView.as_view(), name="api-auth-tokens"),
    # Tickets first: most requests are about them, and each app's routes are tried in turn.
    path("", include("tickets.api.urls")),
    path("", include("teams.api.urls")),
    path("", include("sla.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("webhooks.api.urls")),
    path("", include("surveys.api.urls")),
    path("", include("feedback.api.urls")),
    path("", include("kbsearch.api_urls")),
    path("", include("problems.api.urls")),
    path("", include("knowledge.api.urls")),
    path("reports/", include("reports.api_urls")),
    path("", include("reviews.api.urls")),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(custom_settings=SCHEMA_SETTINGS), name="api-schema"),
    path("docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
