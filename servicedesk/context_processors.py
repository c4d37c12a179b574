"""Template context every page needs: the teams the user works in, whether they have reports, the
unread count."""

from notifications.selectors import unread_count
from reports.access import has_reports
from teams.selectors import user_teams


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    nav_teams = list(user_teams(user=user))
    return {
        "nav_teams": nav_teams,
        # The Reports menu: a member of a team always has a scorecard (reports.access).
        "nav_reports": bool(nav_teams) or has_reports(user=user),
        "unread_notifications": unread_count(user=user),
    }
