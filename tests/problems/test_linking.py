"""Linking incidents to a problem: the rules, and the history on both sides."""

import pytest

from problems import services
from problems.models import ProblemChange, ProblemIncident, ProblemStatus
from servicedesk.exceptions import ApplicationError
from tickets import services as ticket_services
from tickets.constants import EventKind
from tickets.models import TicketEvent


def _problem(world, **kwargs):
    return services.problem_create(actor=world.it_lead, team=kwargs.pop("team", world.it),
                                   title=kwargs.pop("title", "Printer driver crashes"), **kwargs)


def test_a_linked_ticket_records_the_link_in_its_own_history(world, file_ticket, clock):
    ticket = file_ticket()
    problem = _problem(world)

    services.problem_link_incident(problem=problem, ticket=ticket, actor=world.it_agent)

    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.PROBLEM)
    assert event.actor == world.it_agent
    assert event.data["action"] == "linked" and event.data["ref"] == problem.reference
    assert list(problem.changes.values_list("kind", flat=True)) == ["created", "linked"]
    ticket.refresh_from_db()
    assert ticket.version == 2  # the ticket changed through tickets.services: its version moved


def test_a_ticket_links_to_at_most_one_problem(world, file_ticket, clock):
    ticket = file_ticket()
    first, second = _problem(world, title="First"), _problem(world, title="Second")
    services.problem_link_incident(problem=first, ticket=ticket, actor=world.it_agent)

    with pytest.raises(ApplicationError) as refused:
        services.problem_link_incident(problem=second, ticket=ticket, actor=world.it_agent)

    assert first.reference in refused.value.message
    assert ProblemIncident.objects.get(ticket=ticket).problem == first


def test_linking_again_to_the_same_problem_changes_nothing(world, file_ticket, clock):
    ticket = file_ticket()
    problem = _problem(world)
    services.problem_link_incident(problem=problem, ticket=ticket, actor=world.it_agent)

    services.problem_link_incident(problem=problem, ticket=ticket, actor=world.it_agent)

    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PROBLEM).count() == 1
    assert problem.changes.filter(kind=ProblemChange.Kind.LINKED).count() == 1


def test_a_ticket_of_another_team_is_refused(world, file_ticket, clock):
    hr_ticket = file_ticket(item=world.payslip)
    problem = _problem(world)

    with pytest.raises(ApplicationError) as refused:
        services.problem_link_incident(problem=problem, ticket=hr_ticket, actor=world.admin)

    assert refused.value.field_errors == {"ticket": "Only tickets of the problem's team."}
    assert not ProblemIncident.objects.exists()


def test_only_an_open_problem_takes_incidents(world, file_ticket, clock):
    ticket = file_ticket()
    problem = _problem(world)
    services.problem_update(problem=problem, actor=world.it_lead, status=ProblemStatus.RESOLVED)

    with pytest.raises(ApplicationError):
        services.problem_link_incident(problem=problem, ticket=ticket, actor=world.it_agent)

    assert not ProblemIncident.objects.exists()


def test_an_agent_of_another_team_cannot_link(world, file_ticket, clock):
    ticket = file_ticket()
    problem = _problem(world)

    with pytest.raises(ApplicationError) as refused:
        services.problem_link_incident(problem=problem, ticket=ticket, actor=world.hr_agent)

    assert refused.value.code == "permission_denied"
    assert not ProblemIncident.objects.exists()


def test_unlinking_is_recorded_on_both_sides(world, file_ticket, clock):
    ticket = file_ticket()
    problem = _problem(world)
    services.problem_link_incident(problem=problem, ticket=ticket, actor=world.it_agent)

    services.problem_unlink_incident(problem=problem, ticket=ticket, actor=world.it_lead)

    assert not ProblemIncident.objects.exists()
    actions = [e.data["action"] for e in TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PROBLEM)]
    assert actions == ["linked", "unlinked"]
    assert problem.changes.last().kind == ProblemChange.Kind.UNLINKED


def test_raising_a_problem_from_a_ticket_links_it(world, file_ticket, clock):
    ticket = file_ticket(title="VPN drops every hour")

    problem = _problem(world, title=ticket.title, symptoms=ticket.description, from_ticket=ticket)

    assert ProblemIncident.objects.get(ticket=ticket).problem == problem
    assert problem.changes.first().data["ref"] == ticket.reference


def test_bulk_linking_reports_each_ticket_and_links_the_others(world, file_ticket, clock):
    mine, elsewhere = file_ticket(), file_ticket(title="Second")
    hr_ticket = file_ticket(item=world.payslip)
    other = _problem(world, title="Other")
    services.problem_link_incident(problem=other, ticket=elsewhere, actor=world.it_agent)
    problem = _problem(world)

    outcomes = services.problem_link_incidents(problem=problem, tickets=[mine, elsewhere, hr_ticket],
                                               actor=world.admin)

    assert [(o.reference, o.outcome) for o in outcomes] == [
        (mine.reference, "linked"), (elsewhere.reference, "refused"), (hr_ticket.reference, "refused")]
    assert set(problem.incidents.values_list("ticket_id", flat=True)) == {mine.pk}


def test_every_edit_is_recorded_old_to_new(world, clock):
    problem = _problem(world)

    services.problem_update(problem=problem, actor=world.it_agent, expected_version=problem.version,
                            root_cause="Driver 4.2 leaks memory", status=ProblemStatus.KNOWN_ERROR, title=problem.title)

    change = problem.changes.last()
    assert change.kind == ProblemChange.Kind.EDITED and change.actor == world.it_agent
    assert change.data == {"root_cause": ["", "Driver 4.2 leaks memory"], "status": ["investigating", "known_error"]}


def test_a_stale_edit_is_refused_and_changes_nothing(world, clock):
    problem = _problem(world)
    services.problem_update(problem=problem, actor=world.it_agent, title="Renamed")

    with pytest.raises(ApplicationError) as refused:
        services.problem_update(problem=problem, actor=world.it_lead, expected_version=1, title="Mine")

    assert refused.value.code == "conflict"
    problem.refresh_from_db()
    assert problem.title == "Renamed"


@pytest.mark.parametrize(("start", "to", "allowed"), [
    ("investigating", "known_error", True), ("known_error", "investigating", True),
    ("resolved", "investigating", True), ("resolved", "known_error", False), ("closed", "investigating", False),
])
def test_the_problem_lifecycle(world, clock, start, to, allowed):
    problem = _problem(world)
    path = {"known_error": ["known_error"], "resolved": ["resolved"], "closed": ["closed"], "investigating": []}
    for step in path[start]:
        services.problem_update(problem=problem, actor=world.it_lead, status=step)

    if allowed:
        services.problem_update(problem=problem, actor=world.it_lead, status=to)
        problem.refresh_from_db()
        assert problem.status == to
    else:
        with pytest.raises(ApplicationError):
            services.problem_update(problem=problem, actor=world.it_lead, status=to)
        problem.refresh_from_db()
        assert problem.status == start


def test_a_ticket_with_its_problem_link_still_changes_through_tickets_services(world, file_ticket, clock):
    ticket = file_ticket()
    problem = _problem(world)
    services.problem_link_incident(problem=problem, ticket=ticket, actor=world.it_agent)

    with pytest.raises(ApplicationError):  # a stale version is refused by lock_ticket
        ticket_services.ticket_problem_unlink(ticket=ticket, actor=world.it_agent, expected_version=1)

    assert ProblemIncident.objects.filter(ticket=ticket).exists()


def test_only_the_tickets_team_reads_its_problem_event_in_the_api(world, file_ticket, clock):
    from rest_framework.test import APIClient

    ticket = file_ticket()
    ticket_services.collaborator_add(ticket=ticket, user=world.hr_agent, actor=world.it_agent)
    services.problem_link_incident(problem=_problem(world), ticket=ticket, actor=world.it_agent)

    kinds = {}
    for who in ("it_agent", "hr_agent", "alice"):
        client = APIClient()
        client.force_authenticate(getattr(world, who))
        kinds[who] = {e["kind"] for e in client.get(f"/api/v1/tickets/{ticket.pk}/events/").json()}

    assert "problem" in kinds["it_agent"]
    assert "problem" not in kinds["hr_agent"] and "problem" not in kinds["alice"]
