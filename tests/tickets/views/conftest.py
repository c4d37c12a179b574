"""Fixtures for the page tests: signed-in clients, a filed ticket, uploads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import ServiceStandardFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder, never the work tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def client_for():
    """A test client signed in as `user` (anonymous when None)."""

    def _client(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return _client


@pytest.fixture
def ticket(file_ticket):
    """Alice's laptop request to IT Support, status new."""
    return file_ticket()


@pytest.fixture
def it_standard(world):
    """A service standard for IT (24x7: first response 60 min, resolution 480 min)."""
    return ServiceStandardFactory(team=world.it, first_response_minutes=60, resolution_minutes=480)


def upload(name: str = "screen.png", content: bytes = b"\x89PNG fake image", content_type: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def make_upload():
    return upload
