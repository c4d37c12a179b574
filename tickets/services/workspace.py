"""A team's workspace settings kept by its members: saved queue views and canned responses."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from servicedesk.exceptions import ApplicationError
from servicedesk.text import multi_line, one_line_field
from teams.models import User
from teams.selectors import is_team_lead

from ..models import CannedResponse, SavedView, Ticket


def canned_response_render(*, body: str, ticket: Ticket) -> str:
    """Fill the placeholders of a canned response. Plain replacement, not str.format, so
    that a template cannot reach into Python objects."""
    return (
        body.replace("{requester_name}", ticket.requester.display_name)
        .replace("{reference}", ticket.reference)
        .replace("{title}", ticket.title)
    )


@transaction.atomic
def canned_response_save(*, team, title: str, body: str, language: str = "", canned=None):
    """Create or edit a canned response of a team; titles are unique within a team.
    `language` is the one it is written in ("" for every language)."""
    title = one_line_field(title, field="title")
    body = multi_line(body)
    if CannedResponse.objects.filter(team=team, title=title).exclude(pk=canned.pk if canned else None).exists():
        raise ApplicationError(_("The team already has a canned response with this title."),
                               field_errors={"title": _("Choose another title.")})
    canned = canned or CannedResponse(team=team)
    canned.title, canned.body, canned.language = title, body, language or ""
    try:
        with transaction.atomic():
            canned.save()
    except IntegrityError:
        raise ApplicationError(_("The team already has a canned response with this title."),
                               field_errors={"title": _("Choose another title.")}) from None
    return canned


@transaction.atomic
def canned_response_delete(*, canned) -> None:
    canned.delete()


def saved_view_save(*, owner: User, team, name: str, query: str, shared: bool = False):
    """Save the current queue filters under a name; only the team lead may share one."""
    name = one_line_field(name, field="name")
    if not name:
        raise ApplicationError(_("Give the view a name."), field_errors={"name": _("This field is required.")})
    if shared and not (owner.is_admin_role or is_team_lead(user=owner, team_id=team.pk)):
        raise ApplicationError(_("Only the team lead can share a view."), field_errors={"shared": _("Leads only.")})
    view, _created = SavedView.objects.update_or_create(
        owner=owner, team=team, name=name[:80], defaults={"query": query[:1000], "shared": shared}
    )
    return view


@transaction.atomic
def saved_view_delete(*, view) -> None:
    view.delete()
