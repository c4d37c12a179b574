"""Who works a ticket: assigning by hand, and the team's automatic assignment of arrivals."""

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from notifications import services as notify
from servicedesk.exceptions import ApplicationError
from teams.models import Membership, Team, User
from teams.selectors import team_assignment_mode

from ..constants import OPEN_STATUSES, EventKind, Status
from ..models import Ticket
from .base import lock_ticket, record_event, require_staff, save_ticket


@transaction.atomic
def ticket_assign(
    *, ticket: Ticket, assignee: User | None, actor: User | None, expected_version: int | None = None
) -> Ticket:
    """Give the ticket to a member of its team (or take it back with None)."""
    ticket = lock_ticket(ticket, expected_version)
    require_staff(ticket, actor)
    if assignee is not None and not Membership.objects.filter(user=assignee, team_id=ticket.team_id).exists():
        raise ApplicationError(
            _("%(user)s is not a member of %(team)s.") % {"user": assignee.display_name, "team": ticket.team},
            field_errors={"assignee": _("Not a member of the ticket's team.")},
        )
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise ApplicationError(_("A closed ticket cannot be assigned."), field_errors={"assignee": _("Closed.")})
    old = ticket.assignee_id
    new = assignee.pk if assignee else None
    if old == new:
        return ticket
    ticket.assignee = assignee
    save_ticket(ticket, "assignee")
    record_event(ticket, actor, EventKind.ASSIGNED, old=old, new=new,
           new_name=assignee.display_name if assignee else None)
    notify.ticket_assigned(ticket=ticket, actor=actor)
    return ticket


def auto_assign(ticket: Ticket) -> None:
    """Give a ticket that arrives in a team to a member, as the team's lead chose:
    round-robin, or the available member with the fewest open tickets.

    The team row is locked for the rest of the transaction, so concurrent arrivals in
    one team take turns: each sees the assignments of the ones before it, and nobody
    gets two in a row while others are available.
    """
    if ticket.assignee_id or team_assignment_mode(team_id=ticket.team_id) == Team.Assignment.NONE:
        return
    team = Team.objects.select_for_update().get(pk=ticket.team_id)
    members = list(
        Membership.objects.filter(team=team, is_available=True, user__is_active=True)
        .order_by("user_id").values_list("user_id", flat=True)
    )
    if not members:
        return
    # Round-robin order starting after the member who got the last ticket.
    last = team.round_robin_last_id
    order = [m for m in members if last is None or m > last] + [m for m in members if last is not None and m <= last]
    if team.assignment_mode == Team.Assignment.LEAST_LOADED:
        loads = dict(
            Ticket.objects.filter(assignee_id__in=members, status__in=OPEN_STATUSES)
            .values_list("assignee_id").annotate(n=Count("id")).values_list("assignee_id", "n")
        )
        pick = min(order, key=lambda m: (loads.get(m, 0), order.index(m)))
    else:
        pick = order[0]
    team.round_robin_last_id = pick
    team.save(update_fields=["round_robin_last"])
    ticket.assignee = assignee = User.objects.get(pk=pick)
    save_ticket(ticket, "assignee")
    record_event(ticket, None, EventKind.ASSIGNED, old=None, new=pick, new_name=assignee.display_name,
           auto=team.assignment_mode)
    notify.ticket_assigned(ticket=ticket, actor=None)
