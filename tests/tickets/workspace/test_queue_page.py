"""The queue workspace through the page: view tabs and their counts, every filter, the
sort, keyset pages and a constant number of queries."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from servicedesk.keyset import decode_cursor, encode_cursor
from tests.conftest import set_sla
from tests.factories import ServiceItemFactory
from tickets import services
from tickets.models import Ticket


def get(client, **params):
    return client.get(reverse("team-queue", args=["it"]), params)


def titles(response):
    return sorted(ticket.title for ticket, _clock in response.context["rows"])


def ordered_titles(response):
    return [ticket.title for ticket, _clock in response.context["rows"]]


@pytest.mark.parametrize(("view", "expected"), [
    ("unassigned", ["unassigned at risk", "unassigned fresh", "打印机卡纸了"]),
    ("mine", ["mine at risk", "mine breached", "waiting"]),
    ("at_risk", ["mine at risk", "unassigned at risk"]),
    ("breached", ["mine breached"]),
    ("pending", ["waiting"]),
    ("open", ["lead's on track", "mine at risk", "mine breached", "unassigned at risk", "unassigned fresh",
              "waiting", "打印机卡纸了"]),
])
def test_each_view_tab_shows_exactly_its_tickets(world, queue, client_for, view, expected):
    # when it.agent opens the IT queue on a view
    response = get(client_for(world.it_agent), view=view)
    # then the page lists that view's tickets and marks its tab
    assert titles(response) == expected
    assert re.search(rf'class="tab tab-{view}" data-view="{view}" aria-current="page"', response.content.decode())


def test_tabs_show_live_counts(world, queue, client_for):
    response = get(client_for(world.it_agent))
    counts = {tab["name"]: tab["count"] for tab in response.context["tabs"]}
    assert counts == {"unassigned": 3, "mine": 3, "at_risk": 2, "breached": 1, "pending": 1, "open": 7}


def test_counts_partial_is_polled_every_15_seconds_and_answers_alone(world, queue, client_for):
    client = client_for(world.it_agent)
    page = get(client).content.decode()
    assert 'hx-trigger="every 15s"' in page
    assert reverse("team-queue-counts", args=["it"]) in page
    # when the poll runs, after one more ticket came in
    services.ticket_create(requester=world.alice, service_item=world.laptop, title="New one",
                           fields={"asset_tag": "X"})
    partial = client.get(reverse("team-queue-counts", args=["it"]), {"view": "mine"}).content.decode()
    # then it is the tab bar alone, with the new count and the current view kept
    assert "<html" not in partial
    assert re.search(r'data-view="open"[^>]*>[^<]*<span class="tab-count">8</span>', partial)
    assert 'data-view="mine" aria-current="page"' in partial


def test_counts_partial_of_another_team_is_404(world, client_for):
    response = client_for(world.hr_agent).get(reverse("team-queue-counts", args=["it"]))
    assert response.status_code == 404


def test_the_default_view_is_open_work_by_next_due(world, queue, client_for):
    response = get(client_for(world.it_agent))
    assert response.context["view"] == "open"
    assert response.context["sort"] == "due"
    # the dated tickets by due time, then those without a running clock
    assert ordered_titles(response) == ["mine breached", "unassigned at risk", "mine at risk", "unassigned fresh",
                                        "lead's on track", "打印机卡纸了", "waiting"]


def test_the_pending_view_opens_oldest_first(world, queue, client_for):
    response = get(client_for(world.it_agent), view="pending")
    assert response.context["sort"] == "age"
    assert '<option value="age" selected>' in response.content.decode()


@pytest.mark.parametrize(("params", "expected"), [
    ({"status": "pending"}, ["waiting"]),
    ({"status": "resolved"}, ["done"]),
    ({"priority": "P1"}, ["lead's on track"]),
    ({"assignee": "none"}, ["unassigned at risk", "unassigned fresh", "打印机卡纸了"]),
    ({"assignee": "me"}, ["mine at risk", "mine breached", "waiting"]),
    ({"sla_state": "at_risk"}, ["mine at risk", "unassigned at risk"]),
    ({"sla_state": "breached"}, ["mine breached"]),
    ({"sla_state": "on_track"}, ["lead's on track", "unassigned fresh", "打印机卡纸了"]),
    ({"sla_state": "paused"}, ["waiting"]),
    ({"search": "卡纸"}, ["打印机卡纸了"]),
    ({"search": "unassigned"}, ["unassigned at risk", "unassigned fresh"]),
    ({"view": "mine", "sla_state": "at_risk"}, ["mine at risk"]),
])
def test_filters_on_the_page(world, queue, client_for, params, expected):
    Ticket.objects.filter(pk=queue["lead's on track"].pk).update(priority="P1")
    assert titles(get(client_for(world.it_agent), **params)) == expected


def test_filter_by_assignee_id_department_and_service(world, queue, client_for):
    client = client_for(world.it_agent)
    assert titles(get(client, assignee=str(world.it_lead.pk))) == ["lead's on track"]
    assert titles(get(client, department=str(world.finance.pk))) == ["打印机卡纸了"]
    printers = ServiceItemFactory(name="Printers", team=world.it)
    Ticket.objects.filter(pk=queue["waiting"].pk).update(service_item=printers)
    assert titles(get(client, service_item=str(printers.pk))) == ["waiting"]


def test_filter_by_creation_dates_in_the_viewers_time_zone(world, queue, client_for):
    # given one ticket filed three days ago
    old = queue["unassigned fresh"]
    three_days_ago = timezone.now() - dt.timedelta(days=3)
    Ticket.objects.filter(pk=old.pk).update(created_at=three_days_ago)
    # the day as the viewer (it.agent, whose profile zone the page uses) reads it
    day = three_days_ago.astimezone(zoneinfo.ZoneInfo(world.it_agent.timezone)).date()
    client = client_for(world.it_agent)
    # then a range ending on that day holds only it, and one starting the day after excludes it
    assert titles(get(client, created_from=day.isoformat(), created_to=day.isoformat())) == ["unassigned fresh"]
    later = get(client, created_from=(day + dt.timedelta(days=1)).isoformat())
    assert "unassigned fresh" not in titles(later) and len(titles(later)) == 6


def test_search_finds_chinese_text_in_replies_through_the_page(world, queue, client_for):
    services.comment_create(ticket=queue["lead's on track"], author=world.it_lead, body="已更换硒鼓，请再试一次")
    response = get(client_for(world.it_agent), search="硒鼓")
    assert titles(response) == ["lead's on track"]


def test_bad_filter_values_are_dropped_one_by_one(world, queue, client_for):
    response = get(client_for(world.it_agent), view="nope", sort="x", priority="P9", assignee="x",
                   sla_state="bogus", department="abc", created_from="yesterday", search="卡纸")
    assert response.status_code == 200
    # the valid search still applies; everything else falls back to its default
    assert titles(response) == ["打印机卡纸了"]


def test_rows_show_the_columns(world, queue, client_for):
    html = get(client_for(world.it_agent), view="mine").content.decode()
    ticket = queue["mine breached"]
    for text in (ticket.reference, "mine breached", world.alice.display_name, "Sales", "P3 · normal",
                 world.it_agent.display_name, f'name="ticket" value="{ticket.pk}"', "select-all"):
        assert text in html


# --- keyset pages --------------------------------------------------------------------------


@pytest.fixture
def thirty(world, file_ticket):
    now = timezone.now()
    tickets = []
    for i in range(30):
        ticket = file_ticket(title=f"T{i:02d}")
        set_sla(ticket, warn=now + dt.timedelta(minutes=10 + i), due=now + dt.timedelta(hours=1, minutes=i))
        tickets.append(ticket)
    return tickets


def test_next_page_link_carries_a_cursor_that_works(world, thirty, client_for):
    client = client_for(world.it_agent)
    first = get(client, priority="P3")
    assert ordered_titles(first) == [f"T{i:02d}" for i in range(25)]
    html = first.content.decode()
    # the "Next page" link keeps the filters and adds the cursor
    match = re.search(r'rel="next" href="\?([^"]+)"', html)
    assert match and "priority=P3" in match.group(1)
    second = client.get(reverse("team-queue", args=["it"]) + "?" + match.group(1).replace("&amp;", "&"))
    assert ordered_titles(second) == [f"T{i:02d}" for i in range(25, 30)]
    assert second.context["next_cursor"] is None
    assert "First page" in second.content.decode()


DUE = ("next_due", "id")


@pytest.mark.parametrize("cursor", [
    "garbage", "!!!", "e30",
    encode_cursor(["2020-01-01T00:00:00+00:00", 1], ("created_at", "id")),  # another sort's cursor, same shape
    encode_cursor(["not a date", 5], DUE), encode_cursor(["2020-01-01T00:00:00", 5], DUE),  # naive
    encode_cursor([None, "x"], DUE), encode_cursor([1, 2, 3], DUE), "A" * 500,
])
def test_a_bad_cursor_shows_page_one(world, thirty, client_for, cursor):
    response = get(client_for(world.it_agent), after=cursor)
    assert response.status_code == 200
    assert ordered_titles(response)[0] == "T00"
    assert response.context["is_first_page"] is True


def test_cursor_round_trips_aware_datetimes():
    moment = dt.datetime(2031, 3, 4, 1, 30, tzinfo=dt.UTC)
    ordering = ("priority", "created_at", "id")
    assert decode_cursor(encode_cursor(["P2", moment, 42], ordering), ordering, Ticket.objects.all()) == (["P2", moment, 42],
                                                                                               False)


def test_every_sort_pages_through_every_ticket_once(world, thirty, client_for):
    client = client_for(world.it_agent)
    for sort in ("due", "priority", "age", "-age", "updated"):
        seen, params = [], {"sort": sort}
        while True:
            response = get(client, **params)
            seen += [t.pk for t, _c in response.context["rows"]]
            if not response.context["next_cursor"]:
                break
            params["after"] = response.context["next_cursor"]
        assert sorted(seen) == sorted(t.pk for t in thirty), sort


# --- queries -------------------------------------------------------------------------------


def _fill(world, file_ticket, n):
    people = [world.it_agent, world.it_lead, None]
    for i in range(n):
        ticket = file_ticket(requester=[world.alice, world.bob][i % 2], title=f"Ticket {i}")
        if people[i % 3]:
            services.ticket_assign(ticket=ticket, assignee=people[i % 3], actor=world.it_lead)


def _queries(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = get(client, **params)
    assert response.status_code == 200
    return len(ctx), response


@pytest.mark.parametrize("sort", ["age", "priority", "updated", "-age"])
def test_query_count_is_the_same_for_5_and_40_tickets(world, file_ticket, client_for, it_standard, sort):
    client = client_for(world.it_lead)
    _fill(world, file_ticket, 5)
    get(client)  # warm the session
    five, small = _queries(client, sort=sort)
    assert len(small.context["rows"]) == 5
    _fill(world, file_ticket, 35)
    forty, big = _queries(client, sort=sort)
    assert len(big.context["rows"]) == 25
    assert all(clock is not None for _t, clock in big.context["rows"])
    # session, user, team, members, services, departments, rows, clocks, saved views,
    # teams to move to, the team's open problems (the bulk bar's "link to problem…"), counts,
    # and the header's teams and unread count
    assert forty == five == 14


def test_query_count_of_the_due_sort_does_not_grow(world, file_ticket, client_for, it_standard):
    # The due sort reads the tickets without a running clock in a second query when the
    # dated ones do not fill the page: one more for a short queue, never more.
    client = client_for(world.it_lead)
    _fill(world, file_ticket, 5)
    get(client)
    five, _small = _queries(client)
    _fill(world, file_ticket, 35)
    forty, big = _queries(client)
    assert len(big.context["rows"]) == 25
    assert forty <= five <= 14
