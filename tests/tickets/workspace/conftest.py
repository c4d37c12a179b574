"""Fixtures for the workspace page tests: signed-in clients and a queue with known SLA
situations (set directly on the ticket rows, as the deadline scanner would)."""


import pytest
from django.test import Client

from tests.factories import ServiceStandardFactory


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


@pytest.fixture
def it_standard(world):
    """A 24x7 service standard for IT: first response 60 min, resolution 480 min."""
    return ServiceStandardFactory(team=world.it, first_response_minutes=60, resolution_minutes=480)


@pytest.fixture
def ticket(file_ticket):
    """Alice's laptop request to IT Support, status new."""
    return file_ticket()
