"""Template context every page needs: the teams the user works in, the unread count."""

from notifications.selectors import unread_count
from teams.selectors import user_teams


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_teams": list(user_teams(user=user)),
        "unread_notifications": unread_count(user=user),
    }
