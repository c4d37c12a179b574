"""Who may open and change what. A ticket or a queue a user may not see answers 404,
never 403; a visible ticket with an action the user's role does not allow answers 403.
Every refused request leaves the ticket as it was."""

import pytest
from django.urls import reverse

from tests.tickets.views.conftest import upload
from tickets.models import Attachment, Comment, Ticket

USERS = ["alice", "bob", "it_agent", "hr_agent", "it_lead", "admin"]

# Expected status per user for each page of alice's IT ticket.
DETAIL = dict(alice=200, bob=404, it_agent=200, hr_agent=404, it_lead=200, admin=200)
DOWNLOAD = dict(alice=200, bob=404, it_agent=200, hr_agent=404, it_lead=200, admin=200)
REPLY = dict(alice=302, bob=404, it_agent=302, hr_agent=404, it_lead=302, admin=302)
ATTACH = dict(alice=302, bob=404, it_agent=302, hr_agent=404, it_lead=302, admin=302)
# The requester may not move a new ticket to pending: the page shows why (200, a form error).
TRANSITION = dict(alice=200, bob=404, it_agent=302, hr_agent=404, it_lead=302, admin=302)
ASSIGN = dict(alice=403, bob=404, it_agent=302, hr_agent=404, it_lead=302, admin=302)
PRIORITY = dict(alice=403, bob=404, it_agent=302, hr_agent=404, it_lead=302, admin=302)
IT_QUEUE = dict(alice=404, bob=404, it_agent=200, hr_agent=404, it_lead=200, admin=200)


def cases(table):
    return [pytest.param(user, status, id=f"{user}-{status}") for user, status in table.items()]


@pytest.mark.parametrize(("who", "expected"), cases(DETAIL))
def test_ticket_page_is_shown_only_to_those_who_may_see_it(world, ticket, client_for, who, expected):
    # given alice's IT ticket
    # when someone opens it
    response = client_for(getattr(world, who)).get(reverse("ticket-detail", args=[ticket.pk]))
    # then the requester, the IT team and service admins see it; others get a 404
    assert response.status_code == expected


@pytest.mark.parametrize(("who", "expected"), cases(DOWNLOAD))
def test_attachment_download_follows_ticket_visibility(world, file_ticket, client_for, who, expected):
    # given alice's ticket with a file
    ticket = file_ticket(attachments=[upload()])
    attachment = ticket.attachments.get()
    # when someone downloads it
    response = client_for(getattr(world, who)).get(reverse("attachment-download", args=[attachment.pk]))
    # then only those who see the ticket get the file
    assert response.status_code == expected


@pytest.mark.parametrize(("who", "expected"), cases(REPLY))
def test_reply_is_accepted_only_from_requester_and_team(world, ticket, client_for, who, expected):
    # given alice's ticket
    # when someone replies
    response = client_for(getattr(world, who)).post(
        reverse("ticket-reply", args=[ticket.pk]), {"body": "Any news?", "version": ticket.version}
    )
    # then the reply lands only for those who see the ticket
    assert response.status_code == expected
    assert Comment.objects.filter(ticket=ticket).exists() == (expected == 302)


@pytest.mark.parametrize(("who", "expected"), cases(ATTACH))
def test_attach_is_accepted_only_from_requester_and_team(world, ticket, client_for, who, expected):
    # given alice's ticket
    # when someone attaches a file
    response = client_for(getattr(world, who)).post(
        reverse("ticket-attach", args=[ticket.pk]), {"attachments": [upload()], "version": ticket.version}
    )
    # then the file is stored only for those who see the ticket
    assert response.status_code == expected
    assert Attachment.objects.filter(ticket=ticket).exists() == (expected == 302)


@pytest.mark.parametrize(("who", "expected"), cases(TRANSITION))
def test_status_change_by_role(world, ticket, client_for, who, expected):
    # given alice's new ticket
    # when someone moves it to "waiting on requester"
    response = client_for(getattr(world, who)).post(
        reverse("ticket-transition", args=[ticket.pk]), {"to": "pending", "version": ticket.version}
    )
    # then only the service team's move is made
    assert response.status_code == expected
    ticket.refresh_from_db()
    assert ticket.status == ("pending" if expected == 302 else "new")


@pytest.mark.parametrize(("who", "expected"), cases(ASSIGN))
def test_assign_by_role(world, ticket, client_for, who, expected):
    # given alice's unassigned ticket
    # when someone assigns it to the IT agent
    response = client_for(getattr(world, who)).post(
        reverse("ticket-assign", args=[ticket.pk]), {"assignee": world.it_agent.pk, "version": ticket.version}
    )
    # then only the service team's assignment is made
    assert response.status_code == expected
    ticket.refresh_from_db()
    assert ticket.assignee_id == (world.it_agent.pk if expected == 302 else None)


@pytest.mark.parametrize(("who", "expected"), cases(PRIORITY))
def test_priority_by_role(world, ticket, client_for, who, expected):
    # given alice's P3 ticket
    # when someone raises it to P1
    response = client_for(getattr(world, who)).post(
        reverse("ticket-priority", args=[ticket.pk]), {"priority": "P1", "version": ticket.version}
    )
    # then only the service team's change is made
    assert response.status_code == expected
    ticket.refresh_from_db()
    assert ticket.priority == ("P1" if expected == 302 else "P3")


@pytest.mark.parametrize(("who", "expected"), cases(IT_QUEUE))
def test_queue_is_shown_only_to_team_members_and_admins(world, client_for, who, expected):
    # when someone opens the IT queue
    response = client_for(getattr(world, who)).get(reverse("team-queue", args=["it"]))
    # then members and service admins see it; anyone else gets a 404
    assert response.status_code == expected


def test_queue_of_another_team_is_404_for_an_agent(world, client_for):
    # given the IT agent
    # when they open the HR queue
    response = client_for(world.it_agent).get(reverse("team-queue", args=["hr"]))
    # then it does not exist for them
    assert response.status_code == 404


def test_unknown_queue_is_404_for_a_service_admin(world, client_for):
    response = client_for(world.admin).get(reverse("team-queue", args=["no-such-team"]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["catalog", "my-requests", "home", "notifications"])
def test_pages_ask_an_anonymous_visitor_to_sign_in(db, client_for, name):
    response = client_for(None).get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_ticket_page_asks_an_anonymous_visitor_to_sign_in(ticket, client_for):
    response = client_for(None).get(reverse("ticket-detail", args=[ticket.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["ticket-reply", "ticket-transition", "ticket-assign", "ticket-priority",
                                  "ticket-attach"])
def test_ticket_actions_refuse_an_anonymous_visitor(ticket, client_for, name):
    # when an anonymous visitor posts a change
    response = client_for(None).post(reverse(name, args=[ticket.pk]), {"version": ticket.version, "body": "x"})
    # then they are sent to sign in and nothing changes
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version


@pytest.mark.parametrize("name", ["ticket-reply", "ticket-transition", "ticket-assign", "ticket-priority",
                                  "ticket-attach"])
def test_ticket_actions_refuse_get(world, ticket, client_for, name):
    response = client_for(world.it_agent).get(reverse(name, args=[ticket.pk]))
    assert response.status_code == 405


@pytest.mark.parametrize(("who", "expected_url"), [
    ("it_agent", "/queues/it/"), ("it_lead", "/queues/it/"), ("hr_agent", "/queues/hr/"),
    ("alice", "/catalog/"), ("admin", "/catalog/"),
])
def test_home_sends_agents_to_their_queue_and_others_to_the_catalog(world, client_for, who, expected_url):
    response = client_for(getattr(world, who)).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == expected_url


@pytest.mark.parametrize("who", USERS)
def test_catalog_and_my_requests_open_for_everyone_signed_in(world, client_for, who):
    client = client_for(getattr(world, who))
    assert client.get(reverse("catalog")).status_code == 200
    assert client.get(reverse("my-requests")).status_code == 200
    assert client.get(reverse("ticket-new", args=[world.laptop.pk])).status_code == 200
