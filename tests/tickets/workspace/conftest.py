"""Fixtures for the workspace page tests: signed-in clients and a queue with known SLA
situations (set directly on the ticket rows, as the deadline scanner would)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import ServiceStandardFactory
from tickets.constants import Status
from tickets.models import Ticket


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def client_for():
    """A test client signed in as `user`."""

    def _client(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _client


def set_sla(ticket, *, warn=None, due=None, breached=False, **fields):
    Ticket.objects.filter(pk=ticket.pk).update(sla_warn_at=warn, sla_due_at=due, sla_breached=breached, **fields)


@pytest.fixture
def queue(world, file_ticket):
    """Eight IT tickets with known views (the same set as the selector tests):
    unassigned 3, mine (it.agent) 3, at risk 2, breached 1, waiting 1, open 7."""
    now = timezone.now()
    h = dt.timedelta(hours=1)
    spec = [
        # title, assignee, status, warn, due, breached
        ("unassigned fresh", None, Status.NEW, now + h, now + 2 * h, False),
        ("unassigned at risk", None, Status.NEW, now - h, now + h, False),
        ("mine at risk", "agent", Status.OPEN, now - h, now + h, False),
        ("mine breached", "agent", Status.OPEN, now - 3 * h, now - h, True),
        ("lead's on track", "lead", Status.OPEN, now + h, now + 3 * h, False),
        ("waiting", "agent", Status.PENDING, None, None, False),
        ("打印机卡纸了", None, Status.OPEN, now + 2 * h, now + 4 * h, False),
        ("done", "agent", Status.RESOLVED, None, None, False),
    ]
    people = {"agent": world.it_agent, "lead": world.it_lead, None: None}
    tickets = {}
    for title, who, status, warn, due, breached in spec:
        ticket = file_ticket(title=title, requester=world.bob if "打印机" in title else world.alice)
        set_sla(ticket, warn=warn, due=due, breached=breached, assignee=people[who], status=status)
        tickets[title] = Ticket.objects.get(pk=ticket.pk)
    return tickets


@pytest.fixture
def it_standard(world):
    """A 24x7 service standard for IT: first response 60 min, resolution 480 min."""
    return ServiceStandardFactory(team=world.it, first_response_minutes=60, resolution_minutes=480)


@pytest.fixture
def ticket(file_ticket):
    """Alice's laptop request to IT Support, status new."""
    return file_ticket()
