"""The team queue: filters, sorting, paging, SLA colour and a constant number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sla.models import SLAClock
from tickets import services
from tickets.models import Ticket


def refs(response):
    return [ticket.reference for ticket, _clock in response.context["rows"]]


def queue(client, **params):
    return client.get(reverse("team-queue", args=["it"]), params)


def test_open_work_is_the_default(world, file_ticket, client_for):
    open_ticket = file_ticket(title="Open one")
    done = file_ticket(title="Done one")
    services.ticket_transition(ticket=done, to="resolved", actor=world.it_agent)
    response = queue(client_for(world.it_agent))
    assert refs(response) == [open_ticket.reference]


def test_status_all_shows_finished_tickets_too(world, file_ticket, client_for):
    file_ticket()
    done = file_ticket()
    services.ticket_transition(ticket=done, to="resolved", actor=world.it_agent)
    assert len(refs(queue(client_for(world.it_agent), status="all"))) == 2
    assert refs(queue(client_for(world.it_agent), status="resolved")) == [done.reference]


def test_queue_lists_only_its_own_team(world, file_ticket, client_for):
    file_ticket()
    file_ticket(requester=world.bob, item=world.payslip)
    response = queue(client_for(world.admin))
    assert [t.team_id for t, _c in response.context["rows"]] == [world.it.pk]


def test_priority_filter(world, file_ticket, client_for):
    urgent = file_ticket(priority="P1")
    file_ticket(priority="P3")
    assert refs(queue(client_for(world.it_agent), priority="P1")) == [urgent.reference]


def test_assignee_filters(world, file_ticket, client_for):
    mine = file_ticket()
    services.ticket_assign(ticket=mine, assignee=world.it_agent, actor=world.it_lead)
    nobody = file_ticket()
    client = client_for(world.it_agent)
    assert refs(queue(client, assignee=str(world.it_agent.pk))) == [mine.reference]
    assert refs(queue(client, assignee="none")) == [nobody.reference]
    assert len(refs(queue(client))) == 2


def test_search_by_reference_title_and_description(world, file_ticket, client_for):
    printer = file_ticket(title="Printer jam", description="Tray 2")
    file_ticket(title="Laptop", description="Screen")
    client = client_for(world.it_agent)
    assert refs(queue(client, search="printer")) == [printer.reference]
    assert refs(queue(client, search="tray 2")) == [printer.reference]
    assert refs(queue(client, search=printer.reference)) == [printer.reference]


def test_sort_by_priority_then_age(world, file_ticket, client_for):
    low = file_ticket(priority="P4")
    high = file_ticket(priority="P1")
    assert refs(queue(client_for(world.it_agent), sort="priority")) == [high.reference, low.reference]


def test_sort_by_age_oldest_and_newest(world, file_ticket, client_for):
    first = file_ticket()
    second = file_ticket()
    client = client_for(world.it_agent)
    assert refs(queue(client, sort="age")) == [first.reference, second.reference]
    assert refs(queue(client, sort="-age")) == [second.reference, first.reference]


def test_sort_by_last_update(world, file_ticket, client_for):
    first = file_ticket()
    second = file_ticket()
    services.comment_create(ticket=first, author=world.it_agent, body="Touched")
    assert refs(queue(client_for(world.it_agent), sort="updated")) == [first.reference, second.reference]


def test_unknown_filter_values_fall_back_to_defaults(world, file_ticket, client_for):
    ticket = file_ticket()
    response = queue(client_for(world.it_agent), status="bogus", sort="bogus", priority="P9", assignee="x")
    assert response.status_code == 200
    assert refs(response) == [ticket.reference]


def test_pages_of_25(world, file_ticket, client_for):
    for _ in range(30):
        file_ticket()
    client = client_for(world.it_agent)
    first = queue(client)
    assert len(refs(first)) == 25
    assert len(refs(queue(client, after=first.context["next_cursor"]))) == 5


def test_columns_are_shown(world, file_ticket, client_for):
    ticket = file_ticket(title="Printer jam", priority="P2")
    services.ticket_assign(ticket=ticket, assignee=world.it_agent, actor=world.it_lead)
    html = queue(client_for(world.it_lead)).content.decode()
    for text in (ticket.reference, "Printer jam", world.alice.display_name, "P2 · high", "new",
                 world.it_agent.display_name):
        assert text in html


def test_htmx_request_gets_only_the_results(world, file_ticket, client_for):
    ticket = file_ticket()
    response = client_for(world.it_agent).get(reverse("team-queue", args=["it"]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert ticket.reference in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(("shift", "state"), [
    (dt.timedelta(hours=2), "sla-on_track"),
    (dt.timedelta(minutes=-5), "sla-breached"),
])
def test_next_due_is_colour_coded(world, file_ticket, client_for, it_standard, shift, state):
    ticket = file_ticket()
    now = timezone.now()
    SLAClock.objects.filter(ticket=ticket, kind="first_response").update(
        due_at=now + shift, warn_at=now + shift - dt.timedelta(minutes=10)
    )
    SLAClock.objects.filter(ticket=ticket, kind="resolution").update(due_at=now + dt.timedelta(days=2))
    html = queue(client_for(world.it_agent)).content.decode()
    assert f'class="sla {state}"' in html


def test_next_due_picks_the_earliest_running_clock(world, file_ticket, client_for, it_standard):
    ticket = file_ticket()
    now = timezone.now()
    SLAClock.objects.filter(ticket=ticket, kind="first_response").update(
        due_at=now + dt.timedelta(hours=5), warn_at=now + dt.timedelta(hours=4))
    SLAClock.objects.filter(ticket=ticket, kind="resolution").update(
        due_at=now + dt.timedelta(minutes=30), warn_at=now - dt.timedelta(minutes=1))
    (_ticket, clock), = queue(client_for(world.it_agent)).context["rows"]
    assert clock.kind == "resolution"
    assert clock.state == "at_risk"


def _assign_round_robin(world, tickets):
    people = [world.it_agent, world.it_lead, None]
    for i, ticket in enumerate(tickets):
        if people[i % 3]:
            services.ticket_assign(ticket=ticket, assignee=people[i % 3], actor=world.it_lead)


def test_query_count_does_not_grow_with_the_tickets(world, file_ticket, client_for, it_standard,
                                                    django_assert_max_num_queries):
    # given 5 tickets with SLA clocks, assignees and requesters
    requesters = [world.alice, world.bob]
    tickets = [file_ticket(requester=requesters[i % 2]) for i in range(5)]
    _assign_round_robin(world, tickets)
    client = client_for(world.it_lead)
    client.get(reverse("team-queue", args=["it"]))  # warm the session
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("team-queue", args=["it"]))
    # session, user, nav teams, unread count, team, members, count, page, clocks
    assert len(five) <= 14
    # when there are 30
    more = [file_ticket(requester=requesters[i % 2]) for i in range(25)]
    _assign_round_robin(world, more)
    assert Ticket.objects.count() == 30
    # then the page of 25 costs no more queries than the page of 5
    with django_assert_max_num_queries(len(five)):
        response = client.get(reverse("team-queue", args=["it"]))
    assert len(response.context["rows"]) == 25
    assert all(clock is not None for _t, clock in response.context["rows"])


def test_the_folded_filters_start_open_when_one_of_them_is_in_use(world, client_for):
    client = client_for(world.it_agent)
    assert '<details class="filter-more phone-fold">' in client.get(reverse("team-queue", args=["it"])).content.decode()
    searched = client.get(reverse("team-queue", args=["it"]), {"search": "vpn"}).content.decode()
    assert '<details class="filter-more phone-fold">' in searched  # the search box is outside the fold
    filtered = client.get(reverse("team-queue", args=["it"]), {"priority": "P1"}).content.decode()
    assert '<details class="filter-more phone-fold" open>' in filtered
