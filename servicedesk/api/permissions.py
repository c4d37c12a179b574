"""Who may call what, beyond being signed in. Objects out of a user's reach are not
decided here: the selectors do not find them (404)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsServiceAdmin(BasePermission):
    """Service admins (and superusers) only."""

    message = "Only service admins can do this."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_admin_role)


class IsServiceAdminOrReadOnly(BasePermission):
    """Everybody signed in reads; service admins write."""

    message = "Only service admins can change this."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or user.is_admin_role
