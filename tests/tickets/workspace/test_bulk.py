"""Bulk triage through the queue page: each ticket changed or refused on its own, with
the refusals listed; only the queue's own tickets are touched."""

from django.contrib.messages import get_messages
from django.urls import reverse

from tests.cache import cache_clear
from tickets import services
from tickets.models import Ticket, TicketEvent


def bulk(client, tickets, **data):
    return client.post(reverse("team-queue-bulk", args=["it"]),
                       {"ticket": [t.pk for t in tickets], "query": "view=open&priority=P3", **data})


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_bulk_assign_changes_the_open_and_refuses_the_closed(world, file_ticket, client_for):
    # given two open tickets and one the requester cancelled
    first, second, cancelled = file_ticket(), file_ticket(), file_ticket()
    services.ticket_transition(ticket=cancelled, to="cancelled", actor=world.alice)
    # when the lead assigns the three to it.agent
    response = bulk(client_for(world.it_lead), [first, second, cancelled], action="assign",
                    assignee=str(world.it_agent.pk))
    # then two changed, the cancelled one refused with its reason, and the queue kept its filters
    assert response.status_code == 302
    assert response.url == reverse("team-queue", args=["it"]) + "?view=open&priority=P3"
    messages = texts(response)
    assert messages[0] == "2 changed, 1 refused."
    assert messages[1] == f"{cancelled.reference} refused: A closed ticket cannot be assigned."
    assert set(Ticket.objects.filter(assignee=world.it_agent).values_list("pk", flat=True)) == {first.pk, second.pk}
    cancelled.refresh_from_db()
    assert cancelled.assignee is None
    # each change is in its ticket's history
    assert TicketEvent.objects.filter(kind="assigned", actor=world.it_lead).count() == 2


def test_bulk_status_with_illegal_moves_changes_nothing_half_way(world, file_ticket, client_for):
    new, opened = file_ticket(), file_ticket()
    services.ticket_transition(ticket=opened, to="open", actor=world.it_agent)
    opened.refresh_from_db()
    version_before = opened.version
    # "new" may become cancelled; "open" may not
    response = bulk(client_for(world.it_lead), [new, opened], action="status", status="cancelled")
    assert texts(response)[0] == "1 changed, 1 refused."
    assert "A open ticket cannot become cancelled" in texts(response)[1]
    new.refresh_from_db()
    opened.refresh_from_db()
    assert new.status == "cancelled"
    assert (opened.status, opened.version) == ("open", version_before)


def test_bulk_priority_and_unassign(world, file_ticket, client_for):
    tickets = [file_ticket(), file_ticket()]
    for t in tickets:
        services.ticket_assign(ticket=t, assignee=world.it_agent, actor=world.it_lead)
    client = client_for(world.it_lead)
    assert texts(bulk(client, tickets, action="priority", priority="P1"))[0] == "2 changed, 0 refused."
    assert texts(bulk(client, tickets, action="assign", assignee="none"))[0] == "2 changed, 0 refused."
    assert list(Ticket.objects.values_list("priority", "assignee")) == [("P1", None), ("P1", None)]


def test_bulk_transfer_needs_a_reason(world, file_ticket, client_for):
    ticket = file_ticket()
    response = bulk(client_for(world.it_lead), [ticket], action="transfer", team=str(world.hr.pk), reason="  ")
    assert "Say why the tickets are transferred." in texts(response)
    ticket.refresh_from_db()
    assert ticket.team == world.it


def test_bulk_transfer_with_a_reason(world, file_ticket, client_for):
    ticket = file_ticket()
    response = bulk(client_for(world.it_lead), [ticket], action="transfer", team=str(world.hr.pk),
                    reason="Payroll question")
    assert texts(response)[0] == "1 changed, 0 refused."
    ticket.refresh_from_db()
    assert ticket.team == world.hr
    assert ticket.events.get(kind="team").data["reason"] == "Payroll question"


def test_bulk_ignores_tickets_of_other_queues(world, file_ticket, client_for):
    it_ticket = file_ticket()
    hr_ticket = file_ticket(requester=world.bob, item=world.payslip)
    response = bulk(client_for(world.admin), [it_ticket, hr_ticket], action="priority", priority="P2")
    assert texts(response)[0] == "1 changed, 0 refused."
    hr_ticket.refresh_from_db()
    assert hr_ticket.priority == "P3"


def test_bulk_on_another_teams_queue_is_404(world, file_ticket, client_for):
    ticket = file_ticket()
    response = bulk(client_for(world.hr_agent), [ticket], action="priority", priority="P1")
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.priority == "P3"


def test_bulk_without_a_selection_says_so(world, file_ticket, client_for):
    file_ticket()
    response = bulk(client_for(world.it_lead), [], action="priority", priority="P1")
    assert "Select at least one ticket." in texts(response)


def test_bulk_assign_to_someone_outside_the_team_is_refused(world, file_ticket, client_for):
    ticket = file_ticket()
    response = bulk(client_for(world.it_lead), [ticket], action="assign", assignee=str(world.hr_agent.pk))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_bulk_requires_csrf(world, file_ticket):
    from django.test import Client

    ticket = file_ticket()
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.it_lead)
    response = bulk(client, [ticket], action="priority", priority="P1")
    assert response.status_code == 403


def _unassigned_count(client):
    html = client.get(reverse("team-queue-counts", args=["it"])).content.decode()
    tab = html.split('data-view="unassigned"', 1)[1]
    return int(tab.split('<span class="tab-count">', 1)[1].split("<", 1)[0])


def test_a_users_own_bulk_change_refreshes_their_cached_counts_at_once(world, file_ticket, client_for, settings):
    settings.QUEUE_COUNTS_CACHE_SECONDS = 60
    tickets = [file_ticket() for _ in range(4)]
    lead, agent = client_for(world.it_lead), client_for(world.it_agent)
    assert _unassigned_count(lead) == 4 and _unassigned_count(agent) == 4  # both counted and cached
    try:
        bulk(lead, tickets[:3], action="assign", assignee=str(world.it_agent.pk))
        assert _unassigned_count(lead) == 1  # the lead's own change: at once
        assert _unassigned_count(agent) == 4  # someone else's: within the cache time
        services.ticket_assign(ticket=tickets[3], assignee=world.it_agent, actor=world.it_lead)
        response = agent.post(reverse("ticket-assign", args=[tickets[3].pk]),
                              {"assignee": "", "version": Ticket.objects.get(pk=tickets[3].pk).version})
        assert response.status_code == 302
        assert _unassigned_count(agent) == 1  # the agent's own change on the ticket page (stale: 4)
    finally:
        cache_clear()


def test_a_bulk_change_of_more_than_five_tickets_is_confirmed_first(world, file_ticket, client_for):
    tickets = [file_ticket() for _ in range(6)]
    lead = client_for(world.it_lead)
    # when the lead assigns six tickets
    response = bulk(lead, tickets, action="assign", assignee=str(world.it_agent.pk))
    # then a page names the change and the count, and nothing changed yet
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Assign 6 tickets to {world.it_agent.display_name}?" in html
    assert all(t.reference in html for t in tickets)
    assert not Ticket.objects.filter(assignee__isnull=False).exists()
    # when the lead confirms with what the page posts back
    posted = response.context["posted"]
    assert ("action", "assign") in posted and ("query", "view=open&priority=P3") in posted
    data = {}
    for key, value in posted:
        data.setdefault(key, []).append(value)
    response = lead.post(reverse("team-queue-bulk", args=["it"]), {**data, "confirmed": "True"})
    # then all six are assigned and the lead is back on the queue
    assert response.status_code == 302
    assert texts(response)[0] == "6 changed, 0 refused."
    assert Ticket.objects.filter(assignee=world.it_agent).count() == 6


def test_five_tickets_change_without_a_confirmation(world, file_ticket, client_for):
    tickets = [file_ticket() for _ in range(5)]
    response = bulk(client_for(world.it_lead), tickets, action="priority", priority="P2")
    assert response.status_code == 302
    assert Ticket.objects.filter(priority="P2").count() == 5
