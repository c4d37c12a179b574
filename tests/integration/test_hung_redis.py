"""A hung Redis must not hang a web request that files a ticket: filing commits and
answers within a few seconds whatever the broker does (deadlines and the outbox live in
PostgreSQL; workers pick them up by sweeping)."""

import socket
import threading
import time

import pytest
from django.urls import reverse

from servicedesk.celery import app as celery_app
from tickets.models import Ticket


@pytest.fixture
def hung_broker():
    """A TCP server that accepts connections and never answers: a hung Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    old = celery_app.conf.broker_url
    celery_app.conf.broker_url = f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    celery_app.pool.force_close_all()
    yield
    celery_app.conf.broker_url = old
    celery_app.pool.force_close_all()
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_filing_a_ticket_answers_quickly_while_redis_hangs(world, client, hung_broker,
                                                           django_capture_on_commit_callbacks):
    client.force_login(world.alice)

    started = time.monotonic()
    # Run on-commit work too, as a real request would after its transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ticket-new", args=[world.laptop.pk]),
            {"title": "Screen flickers", "description": "Since this morning", "field_asset_tag": "LT-7"},
        )
    elapsed = time.monotonic() - started

    assert response.status_code == 302, response.content[:2000]
    assert elapsed < 3
    assert Ticket.objects.filter(title="Screen flickers").count() == 1
