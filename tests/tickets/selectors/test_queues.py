"""Queue views, the ticket filter set and keyset pages on a seeded set with known answers."""

import datetime as dt

import pytest
from django.utils import timezone

from servicedesk.keyset import keyset_page
from tickets import services
from tickets.constants import OPEN_STATUSES
from tickets.filters import TicketFilterSet
from tickets.models import Ticket
from tickets.selectors import QUEUE_ORDERINGS, queue_counts, queue_tickets, queue_views


def queue_filter(qs, *, user, now, **params):
    filters = TicketFilterSet(params, qs, user=user, now=now)
    assert filters.is_valid(), filters.errors
    return filters.qs


def _titles(qs):
    return sorted(qs.values_list("title", flat=True))


def _view(world, now, name):
    return Ticket.objects.filter(team=world.it, status__in=OPEN_STATUSES).filter(
        queue_views(user=world.it_agent, now=now)[name])


def test_each_view_holds_exactly_its_tickets(world, queue):
    now = timezone.now()
    assert _titles(_view(world, now, "unassigned")) == ["unassigned at risk", "unassigned fresh", "打印机卡纸了"]
    assert _titles(_view(world, now, "mine")) == ["mine at risk", "mine breached", "waiting"]
    assert _titles(_view(world, now, "at_risk")) == ["mine at risk", "unassigned at risk"]
    assert _titles(_view(world, now, "breached")) == ["mine breached"]
    assert _titles(_view(world, now, "pending")) == ["waiting"]
    assert len(_view(world, now, "open")) == 7


def test_counts_match_the_views_in_one_query(world, queue, django_assert_num_queries):
    now = timezone.now()
    with django_assert_num_queries(1):
        counts = queue_counts(team_id=world.it.pk, user=world.it_agent, now=now)
    assert counts == {"unassigned": 3, "mine": 3, "at_risk": 2, "breached": 1, "pending": 1, "open": 7}


def test_text_search_finds_a_chinese_word_inside_a_chinese_title(world, queue):
    now = timezone.now()
    qs = queue_filter(Ticket.objects.filter(team=world.it), user=world.it_agent, now=now, search="卡纸")
    assert _titles(qs) == ["打印机卡纸了"]


def test_text_search_looks_in_comments_and_references(world, queue):
    now, tickets = timezone.now(), queue
    services.comment_create(ticket=tickets["lead's on track"], author=world.it_lead, body="Replaced the toner")
    base = Ticket.objects.filter(team=world.it)

    assert _titles(queue_filter(base, user=world.it_agent, now=now, search="toner")) == ["lead's on track"]
    ref = tickets["waiting"].reference
    assert _titles(queue_filter(base, user=world.it_agent, now=now, search=ref)) == ["waiting"]


def test_filters_combine(world, queue):
    now = timezone.now()
    base = Ticket.objects.filter(team=world.it)
    assert _titles(queue_filter(base, user=world.it_agent, now=now, assignee="me", sla_state="at_risk")) == ["mine at risk"]
    assert _titles(queue_filter(base, user=world.it_agent, now=now, department=str(world.finance.pk))) == ["打印机卡纸了"]
    assert _titles(queue_filter(base, user=world.it_agent, now=now, status="pending")) == ["waiting"]
    assert len(queue_filter(base, user=world.it_agent, now=now, created_to=(now - dt.timedelta(days=2)).date())) == 0


@pytest.mark.parametrize("sort", ["due", "priority", "age", "-age", "updated"])
def test_keyset_pages_cover_every_ticket_once_in_order(world, queue, sort):
    qs = queue_tickets(team_id=world.it.pk, user=world.it_agent, now=timezone.now(), view="open").filter(
        status__in=OPEN_STATUSES)
    seen, cursor = [], None
    while True:
        page = keyset_page(qs, QUEUE_ORDERINGS[sort], cursor=cursor, size=2)
        seen += [r.pk for r in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(qs.values_list("pk", flat=True))
    assert len(seen) == len(set(seen))
    if sort == "due":
        dues = [Ticket.objects.get(pk=pk).sla_due_at for pk in seen]
        dated = [d for d in dues if d is not None]
        assert dated == sorted(dated) and dues[len(dated):] == [None] * (len(dues) - len(dated))


def test_recent_counts_are_reused_within_their_lifetime(world, queue, settings, django_assert_num_queries):
    from tests.cache import cache_clear
    from tickets.selectors import queue_counts_recent

    now = timezone.now()
    settings.QUEUE_COUNTS_CACHE_SECONDS = 60
    cache_clear()
    with django_assert_num_queries(1):
        first = queue_counts_recent(team_id=world.it.pk, user=world.it_agent, now=now)
    with django_assert_num_queries(0):
        again = queue_counts_recent(team_id=world.it.pk, user=world.it_agent, now=now)
    assert first == again == queue_counts(team_id=world.it.pk, user=world.it_agent, now=now)
    cache_clear()
