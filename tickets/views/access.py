"""Who may open what, for every page of the tickets app: a ticket or a team queue the user
may not see does not exist (404); a visible ticket whose action the user's role does not
allow is a 403. Also the flow every ticket action shares (`ticket_action`) and htmx
partial rendering."""


from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from servicedesk.exceptions import ApplicationError
from teams.models import Membership, Team, User
from teams.selectors import is_team_lead, visible_teams

from ..models import Ticket
from ..selectors import can_work_ticket, ticket_for_user


def ticket_or_404(request: HttpRequest, pk: int) -> Ticket:
    """The ticket if the user may see it; a ticket they may not see does not exist."""
    try:
        return ticket_for_user(user=request.user, pk=pk)
    except Ticket.DoesNotExist:
        raise Http404(_("No such request.")) from None


def staff_ticket_or_404(request: HttpRequest, pk: int) -> Ticket:
    """A ticket the user works (its team or a service admin). Invisible: 404; visible but
    only followed (requester, collaborator): 403."""
    ticket = ticket_or_404(request, pk)
    if not can_work_ticket(user=request.user, ticket=ticket):
        raise PermissionDenied(_("Only the service team can do this."))
    return ticket


def team_or_404(request: HttpRequest, team_slug: str) -> Team:
    """A team whose queue the user may open (members and service admins)."""
    team = visible_teams(user=request.user).filter(slug=team_slug).first()
    if team is None:
        raise Http404(_("No such queue."))
    return team


def is_lead(user: User, team: Team, memberships: list[Membership] | None = None) -> bool:
    """Team leads and service admins run a team's settings."""
    if user.is_admin_role:
        return True
    if memberships is not None:
        return any(m.user_id == user.pk and m.role == Membership.Role.LEAD for m in memberships)
    return is_team_lead(user=user, team_id=team.pk)


def lead_team_or_404(request: HttpRequest, team_slug: str) -> Team:
    """The team, if the user leads it (or is a service admin); a 404 for everyone else."""
    team = team_or_404(request, team_slug)
    if not is_lead(request.user, team):
        raise Http404(_("No such page."))
    return team


def team_memberships(team: Team) -> list[Membership]:
    """The team's active members with their role and availability, in one query."""
    return list(
        Membership.objects.filter(team=team, user__is_active=True).select_related("user").order_by("user__username")
    )


def refuse_if_denied(error: ApplicationError) -> None:
    """A visible ticket but an action the user's role does not allow: 403, not a form error."""
    if error.code == "permission_denied":
        raise PermissionDenied(error.message)


def render_page(request: HttpRequest, template: str, partial: str, context: dict) -> HttpResponse:
    """The whole page, or only its results when htmx asks for them (a history restore
    wants the whole page back)."""
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        response = render(request, partial, context)
    else:
        response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
