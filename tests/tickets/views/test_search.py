"""The header's search box and My requests' text filter: each person finds only what
they may see."""

from django.urls import reverse

from tickets import services


def test_a_visible_reference_opens_the_ticket(world, file_ticket, client_for):
    ticket = file_ticket()
    for query in (ticket.reference, ticket.reference.lower(), str(ticket.pk)):
        response = client_for(world.it_agent).get(reverse("ticket-search"), {"q": query})
        assert response.status_code == 302 and response.url == reverse("ticket-detail", args=[ticket.pk])


def test_a_reference_out_of_reach_does_not_open_or_show_the_ticket(world, file_ticket, client_for):
    ticket = file_ticket(requester=world.alice)
    response = client_for(world.bob).get(reverse("ticket-search"), {"q": ticket.reference})
    assert response.status_code == 200
    assert ticket.title not in response.content.decode()
    assert "No ticket you may see matches" in response.content.decode()


def test_words_find_a_requesters_own_tickets_and_an_agents_teams_tickets(world, file_ticket, client_for):
    mine = file_ticket(requester=world.alice, title="Printer jams on floor 3")
    theirs = file_ticket(requester=world.bob, title="Printer toner empty")
    hr = file_ticket(item=world.payslip, requester=world.bob, title="Printer for payslips")
    services.comment_create(ticket=mine, author=world.it_agent, body="secret printer note", internal=True)

    alice = client_for(world.alice).get(reverse("ticket-search"), {"q": "printer"}).content.decode()
    assert mine.reference in alice and theirs.reference not in alice and hr.reference not in alice

    agent = client_for(world.it_agent).get(reverse("ticket-search"), {"q": "printer"}).content.decode()
    assert mine.reference in agent and theirs.reference in agent and hr.reference not in agent
    # an internal note is searched for the team, never for the requester
    assert mine.reference in client_for(world.it_agent).get(reverse("ticket-search"), {"q": "secret"}).content.decode()
    assert mine.reference not in client_for(world.alice).get(reverse("ticket-search"),
                                                             {"q": "secret"}).content.decode()


def test_every_page_has_the_search_box(world, client_for):
    html = client_for(world.alice).get(reverse("catalog")).content.decode()
    assert f'action="{reverse("ticket-search")}"' in html


def test_my_requests_filters_by_text_within_a_status(world, file_ticket, client_for):
    laptop = file_ticket(requester=world.alice, title="Laptop fan loud")
    screen = file_ticket(requester=world.alice, title="屏幕闪烁")
    file_ticket(requester=world.bob, title="Laptop of bob")
    client = client_for(world.alice)
    html = client.get(reverse("my-requests"), {"q": "laptop"}).content.decode()
    assert laptop.reference in html and screen.reference not in html and "Laptop of bob" not in html
    html = client.get(reverse("my-requests"), {"q": "閃爍", "status": "open"}).content.decode()
    assert screen.reference in html and laptop.reference not in html
    html = client.get(reverse("my-requests"), {"q": "zeppelin"}).content.decode()
    assert "None of your requests matches “zeppelin”." in html
