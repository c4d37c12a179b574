"""A ticket linked to, or unlinked from, a problem of the problem library (an incident of
its root cause): the ticket's side of the link, audited in the ticket's history. A ticket
is linked to at most one problem; the problem's side (its own history, the bulk actions)
is `problems.services`."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from problems.models import Problem, ProblemIncident
from servicedesk.exceptions import ApplicationError
from teams.models import User

from ..constants import EventKind
from ..models import Ticket
from .base import lock_ticket, record_event, require_staff, save_ticket


@transaction.atomic
def ticket_problem_link(*, ticket: Ticket, problem: Problem, actor: User,
                        expected_version: int | None = None) -> ProblemIncident:
    """Link the ticket to an open problem of its team, as one of its incidents. Linking it
    again to the same problem changes nothing; a ticket linked to another problem is
    refused (unlink it first)."""
    ticket = lock_ticket(ticket, expected_version)
    require_staff(ticket, actor)
    existing = ProblemIncident.objects.filter(ticket=ticket).select_related("problem").first()
    if existing is not None:
        if existing.problem_id == problem.pk:
            return existing
        raise ApplicationError(
            _("%(ref)s is already linked to %(problem)s; unlink it first.")
            % {"ref": ticket.reference, "problem": existing.problem.reference},
            field_errors={"ticket": _("Already linked to another problem.")},
        )
    if problem.team_id != ticket.team_id:
        raise ApplicationError(_("%(ref)s belongs to another team's queue.") % {"ref": ticket.reference},
                               field_errors={"ticket": _("Only tickets of the problem's team.")})
    if not problem.is_open:
        raise ApplicationError(_("Incidents are linked to open problems only."),
                               field_errors={"problem": _("This problem is %(status)s.")
                                             % {"status": problem.get_status_display()}})
    link = ProblemIncident.objects.create(problem=problem, ticket=ticket, linked_by=actor, linked_at=timezone.now())
    record_event(ticket, actor, EventKind.PROBLEM, action="linked", problem=problem.pk, ref=problem.reference,
                 title=problem.title)
    save_ticket(ticket)
    return link


@transaction.atomic
def ticket_problem_unlink(*, ticket: Ticket, actor: User, expected_version: int | None = None) -> Problem | None:
    """Unlink the ticket from its problem; the problem it was linked to, or None if none."""
    ticket = lock_ticket(ticket, expected_version)
    require_staff(ticket, actor)
    link = ProblemIncident.objects.filter(ticket=ticket).select_related("problem").first()
    if link is None:
        return None
    problem = link.problem
    link.delete()
    record_event(ticket, actor, EventKind.PROBLEM, action="unlinked", problem=problem.pk, ref=problem.reference,
                 title=problem.title)
    save_ticket(ticket)
    return problem
