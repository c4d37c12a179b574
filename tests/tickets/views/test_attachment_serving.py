"""Uploaded files are only ever served by the access-checked download view: `/media/…` is
no route in any setting (debug included), and a download is an attachment that the
browser may not sniff into something else."""

import importlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import clear_url_caches, reverse

import servicedesk.urls

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
def stored(file_ticket, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ticket = file_ticket(attachments=[SimpleUploadedFile("screen.png", PNG, content_type="image/png")])
    attachment = ticket.attachments.get()
    assert (tmp_path / attachment.file.name).exists()
    return attachment


@pytest.fixture
def debug_urls(settings, stored):
    """The URLs as `make run` (local settings, DEBUG on) builds them, after the file was
    stored (a media route would serve the MEDIA_ROOT of that moment)."""
    settings.DEBUG = True
    importlib.reload(servicedesk.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(servicedesk.urls)
    clear_url_caches()


@pytest.mark.usefixtures("debug_urls")
@pytest.mark.parametrize("who", [None, "alice", "admin"])
def test_media_paths_are_not_found_for_anyone(who, world, stored):
    client = Client()
    if who:
        client.force_login(getattr(world, who))

    response = client.get(f"/media/{stored.file.name}")

    assert response.status_code == 404
    assert PNG not in b"".join(getattr(response, "streaming_content", [response.content]))


@pytest.mark.usefixtures("debug_urls")
def test_the_download_view_serves_the_file_as_an_attachment_not_to_be_sniffed(world, stored):
    client = Client()
    client.force_login(world.alice)

    response = client.get(reverse("attachment-download", args=[stored.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="screen.png"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_download_view_asks_a_stranger_to_sign_in(stored):
    response = Client().get(reverse("attachment-download", args=[stored.pk]))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
