"""Response headers: the Content-Security-Policy (django-csp, with one exception for the
API's own HTML pages) and the Permissions-Policy that Django has no setting for."""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """settings.CONTENT_SECURITY_POLICY for every response, except that the HTML pages
    under /api/ (Swagger UI, DRF's browsable API: third-party templates) may also use
    inline styles. Their scripts stay external; our own pages get no exception."""

    API_HTML_PAGES = {"style-src": [UNSAFE_INLINE]}

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if (
            not report_only
            and parts.update is None
            and request.path_info.startswith("/api/")
            and response.get("Content-Type", "").startswith("text/html")
        ):
            parts.update = self.API_HTML_PAGES
        return parts


class PermissionsPolicyMiddleware:
    """Send `Permissions-Policy` (settings.PERMISSIONS_POLICY): the browser features no
    page of the service desk uses (camera, microphone, location…) are off for every page
    and anything it might embed."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response
