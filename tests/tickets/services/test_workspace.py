"""The lead's workspace: automatic assignment, bulk triage, collaborators, links and
merges, canned responses and saved views."""

import threading

import pytest
from django.db import connection

from servicedesk.exceptions import ApplicationError
from teams import services as team_services
from teams.models import Membership, Team
from tests.factories import MembershipFactory, UserFactory
from tickets import services
from tickets.constants import EventKind, Status
from tickets.models import Ticket, TicketLink
from tickets.selectors import can_see_internal, tickets_visible_to


@pytest.fixture
def crew(world):
    """Three available IT agents besides the lead (who is unavailable for assignment)."""
    agents = [world.it_agent, UserFactory(username="it.agent2"), UserFactory(username="it.agent3")]
    for agent in agents[1:]:
        MembershipFactory(user=agent, team=world.it)
    Membership.objects.filter(user=world.it_lead, team=world.it).update(is_available=False)
    return agents


def _set_mode(team, mode):
    Team.objects.filter(pk=team.pk).update(assignment_mode=mode)


def test_round_robin_takes_turns(world, crew, file_ticket):
    _set_mode(world.it, "round_robin")

    assignees = [file_ticket().assignee_id for _ in range(6)]

    ids = [a.pk for a in crew]
    assert assignees == ids + ids
    assert Ticket.objects.get(pk=Ticket.objects.last().pk).events.filter(kind=EventKind.ASSIGNED).exists()


def test_round_robin_skips_unavailable_members(world, crew, file_ticket):
    _set_mode(world.it, "round_robin")
    team_services.membership_set_available(user=crew[1], team=world.it, available=False)

    assignees = {file_ticket().assignee_id for _ in range(4)}

    assert assignees == {crew[0].pk, crew[2].pk}


def test_least_loaded_picks_the_member_with_fewest_open_tickets(world, crew, file_ticket):
    for _ in range(2):
        services.ticket_assign(ticket=file_ticket(), assignee=crew[0], actor=world.it_lead)
    services.ticket_assign(ticket=file_ticket(), assignee=crew[1], actor=world.it_lead)
    _set_mode(world.it, "least_loaded")

    assert file_ticket().assignee_id == crew[2].pk
    # Now 2 / 1 / 1: the next goes to one of the two with a single ticket.
    assert file_ticket().assignee_id in (crew[1].pk, crew[2].pk)


def test_no_mode_leaves_tickets_for_the_lead(world, crew, file_ticket):
    assert file_ticket().assignee_id is None


@pytest.mark.django_db(transaction=True)
def test_round_robin_is_fair_under_concurrent_arrivals(world, crew, file_ticket):
    _set_mode(world.it, "round_robin")
    barrier = threading.Barrier(4)
    errors = []

    def arrive():
        try:
            barrier.wait()
            for _ in range(6):
                file_ticket()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=arrive) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert not errors
    assignees = list(Ticket.objects.order_by("id").values_list("assignee_id", flat=True))
    assert len(assignees) == 24 and None not in assignees
    # In arrival (commit) order nobody gets two in a row, and the load is even.
    by_event = list(
        Ticket.objects.order_by("events__id").filter(events__kind=EventKind.ASSIGNED).values_list("assignee_id",
                                                                                                   flat=True)
    )
    assert all(a != b for a, b in zip(by_event, by_event[1:], strict=False))
    assert sorted(assignees.count(a.pk) for a in crew) == [8, 8, 8]


@pytest.mark.django_db(transaction=True)
def test_least_loaded_stays_even_under_concurrent_arrivals(world, crew, file_ticket):
    _set_mode(world.it, "least_loaded")
    barrier = threading.Barrier(3)

    def arrive():
        try:
            barrier.wait()
            for _ in range(5):
                file_ticket()
        finally:
            connection.close()

    threads = [threading.Thread(target=arrive) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    loads = sorted(Ticket.objects.filter(assignee=a).count() for a in crew)
    assert loads == [5, 5, 5]


def test_bulk_triage_applies_legal_changes_and_reports_illegal_ones(world, file_ticket):
    fresh = [file_ticket() for _ in range(3)]
    closed = file_ticket()
    for to in (Status.OPEN, Status.RESOLVED, Status.CLOSED):
        services.ticket_transition(ticket=closed, to=to, actor=world.it_agent)

    result = services.tickets_bulk_update(actor=world.it_lead, tickets=[*fresh, closed], action="assign",
                                          value=world.it_agent.pk)

    assert result.changed == [t.reference for t in fresh]
    assert [ref for ref, _why in result.refused] == [closed.reference]
    assert Ticket.objects.filter(assignee=world.it_agent).count() == 3
    assert Ticket.objects.get(pk=closed.pk).assignee is None


def test_bulk_status_change_refuses_illegal_transitions_per_ticket(world, file_ticket):
    new = file_ticket()
    pending = file_ticket()
    services.ticket_transition(ticket=pending, to=Status.PENDING, actor=world.it_agent)

    result = services.tickets_bulk_update(actor=world.it_lead, tickets=[new, pending], action="status",
                                          value=Status.CANCELLED)

    assert result.changed == [new.reference]
    assert result.refused[0][0] == pending.reference and "Allowed" in result.refused[0][1]
    assert Ticket.objects.get(pk=pending.pk).status == Status.PENDING


def test_bulk_transfer_needs_a_reason_for_every_ticket(world, file_ticket):
    tickets = [file_ticket(), file_ticket()]

    result = services.tickets_bulk_update(actor=world.it_lead, tickets=tickets, action="transfer", value=world.hr.pk)

    assert result.changed == [] and len(result.refused) == 2
    assert Ticket.objects.filter(team=world.hr).count() == 0


def test_collaborator_from_another_team_sees_the_ticket_and_may_only_note(world, file_ticket):
    ticket = file_ticket()
    assert not tickets_visible_to(user=world.hr_agent).filter(pk=ticket.pk).exists()

    services.collaborator_add(ticket=ticket, user=world.hr_agent, actor=world.it_lead)

    assert tickets_visible_to(user=world.hr_agent).filter(pk=ticket.pk).count() == 1
    assert can_see_internal(user=world.hr_agent, ticket=ticket)
    services.comment_create(ticket=ticket, author=world.hr_agent, body="Payroll says OK", internal=True)
    with pytest.raises(ApplicationError):
        services.comment_create(ticket=ticket, author=world.hr_agent, body="Hi requester")
    with pytest.raises(ApplicationError):
        services.ticket_transition(ticket=ticket, to=Status.RESOLVED, actor=world.hr_agent)


def test_requesters_cannot_be_collaborators(world, file_ticket):
    with pytest.raises(ApplicationError):
        services.collaborator_add(ticket=file_ticket(), user=world.bob, actor=world.it_lead)


def test_merge_closes_the_duplicate_and_keeps_both_histories(world, file_ticket):
    keep = file_ticket(title="Laptop broken")
    dup = file_ticket(title="Laptop broken again", requester=world.bob)

    services.ticket_merge(source=dup, target=keep, actor=world.it_agent)

    dup.refresh_from_db()
    assert dup.status == Status.CLOSED
    assert TicketLink.objects.get(source=dup, target=keep).kind == "duplicate"
    assert keep.events.filter(kind=EventKind.MERGED).exists() and dup.events.filter(kind=EventKind.MERGED).exists()
    assert dup.events.filter(kind=EventKind.CREATED).exists()  # history kept
    assert keep.comments.get(is_internal=True).body.startswith(f"Merged from {dup.reference}")
    assert dup.comments.get(is_internal=False).body.endswith("the work continues there.")


def test_link_is_recorded_on_both_tickets(world, file_ticket):
    a, b = file_ticket(), file_ticket()

    services.ticket_link(source=a, target=b, actor=world.it_agent)

    assert a.events.filter(kind=EventKind.LINK).get().data["other_ref"] == b.reference
    assert b.events.filter(kind=EventKind.LINK).get().data["other_ref"] == a.reference


def test_canned_response_fills_placeholders_and_nothing_else(world, file_ticket):
    ticket = file_ticket()

    text = services.canned_response_render(body="Hi {requester_name}, about {reference}: {ticket.requester.password}",
                                           ticket=ticket)

    assert text == f"Hi {world.alice.display_name}, about {ticket.reference}: {{ticket.requester.password}}"


def test_only_the_lead_may_share_a_saved_view(world):
    services.saved_view_save(owner=world.it_lead, team=world.it, name="P1s", query="priority=P1", shared=True)

    with pytest.raises(ApplicationError):
        services.saved_view_save(owner=world.it_agent, team=world.it, name="Mine", query="view=mine", shared=True)


def test_only_the_lead_may_change_the_assignment_mode(world):
    with pytest.raises(ApplicationError):
        team_services.team_set_assignment_mode(team=world.it, mode="round_robin", actor=world.it_agent)

    team_services.team_set_assignment_mode(team=world.it, mode="round_robin", actor=world.it_lead)

    assert Team.objects.get(pk=world.it.pk).assignment_mode == "round_robin"


@pytest.mark.parametrize("action", ["link", "merge", "collaborator"])
def test_workspace_changes_from_a_stale_page_are_refused(world, file_ticket, action):
    from servicedesk.exceptions import ConflictError

    ticket, other = file_ticket(), file_ticket()
    seen = ticket.version
    services.comment_create(ticket=ticket, author=world.it_agent, body="Someone else answered first")
    events = ticket.events.count()

    with pytest.raises(ConflictError):
        if action == "link":
            services.ticket_link(source=ticket, target=other, actor=world.it_lead, expected_version=seen)
        elif action == "merge":
            services.ticket_merge(source=ticket, target=other, actor=world.it_lead, expected_version=seen)
        else:
            services.collaborator_add(ticket=ticket, user=world.hr_agent, actor=world.it_lead, expected_version=seen)

    assert ticket.events.count() == events
    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN


def test_saved_view_and_canned_response_names_are_one_line(world):
    view = services.saved_view_save(owner=world.it_lead, team=world.it, name="Mine\r\nopen", query="status=open")
    canned = services.canned_response_save(team=world.it, title="Reboot\tplease", body="Hi\r\nthere\x00")
    assert view.name == "Mine open"
    assert (canned.title, canned.body) == ("Reboot please", "Hi\nthere")
    with pytest.raises(ApplicationError) as caught:
        services.saved_view_save(owner=world.it_lead, team=world.it, name="Mine\x1b", query="")
    assert "name" in caught.value.field_errors
