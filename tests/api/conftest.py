"""Fixtures of the API tests: token-authenticated clients per role and a ticket with a
public reply, an internal note (with a file) and SLA clocks."""

import functools
import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.cache import cache_clear
from tests.factories import ServiceStandardFactory
from tickets import services
from webhooks import addresses

ROLES = ["anonymous", "alice", "bob", "it_agent", "hr_agent", "it_lead", "admin"]


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Uploaded files in a temporary folder; throttle counters start at zero (this test
    run's keys only: the cache's Redis database may be shared)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache_clear()
    yield
    cache_clear()


class FakeDNS:
    """The webhook checks' DNS answers: `answers[name] = ["203.0.113.7", ...]`. Numbers
    (`0177.0.0.1`, `[::1]`) are read by the real getaddrinfo, as are the names of
    /etc/hosts (`localhost`); any other name has no address, so no test waits on a DNS
    server. `asked` lists the names looked up."""

    def __init__(self):
        self.answers: dict[str, list[str]] = {}
        self.asked: list[str] = []

    def getaddrinfo(self, host, port, *args, **kwargs):
        self.asked.append(host)
        if host in self.answers:
            return [(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "",
                     (ip, port)) for ip in self.answers[host]]
        if host == "localhost":
            return socket.getaddrinfo(host, port, *args, **kwargs)
        return socket.getaddrinfo(host, port, *args, **{**kwargs, "flags": socket.AI_NUMERICHOST})


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    """Stub the DNS answers of the webhook address checks (only theirs: the database and
    Redis clients resolve as usual)."""
    fake = FakeDNS()
    monkeypatch.setattr(addresses, "getaddrinfo", fake.getaddrinfo)
    return fake


def token_client(world, role) -> APIClient:
    """An APIClient sending the token of `role` (a name in `world`, or a user); "anonymous"
    sends none."""
    client = APIClient()
    if role != "anonymous":
        user = getattr(world, role) if isinstance(role, str) else role
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def client_for(world):
    """`client_for("alice")` → an APIClient sending alice's token; "anonymous" sends none."""
    return functools.partial(token_client, world)


@pytest.fixture
def standard(world):
    """A 24x7 service standard for IT: every IT ticket gets both clocks."""
    return ServiceStandardFactory(team=world.it, first_response_minutes=60, resolution_minutes=480)


@pytest.fixture
def ticket(world, standard, file_ticket):
    """alice's laptop ticket, with a public reply and an internal note carrying a file."""
    ticket = file_ticket()
    services.comment_create(ticket=ticket, author=world.it_agent, body="We are on it.")
    services.comment_create(
        ticket=ticket, author=world.it_agent, body="SECRET: the disk is from the recalled batch.", internal=True,
        attachments=[SimpleUploadedFile("diagnosis.txt", b"recalled batch", content_type="text/plain")],
    )
    ticket.refresh_from_db()
    return ticket


def laptop_payload(world, **overrides):
    payload = {
        "service_item": world.laptop.pk,
        "title": "Screen flickers",
        "description": "Since the update.",
        "priority": "P2",
        "fields": {"asset_tag": "LT-42", "urgency": "one person", "count": 1, "since": "2026-09-01"},
    }
    payload.update(overrides)
    return payload
