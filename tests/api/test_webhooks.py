"""Webhooks: endpoints (service admins), deliveries written by ticket events, and their
signed delivery with retries against a real HTTP receiver on 127.0.0.1."""

import datetime as dt
import json
import time

import pytest
from django.utils import timezone

from tests.webhook_receiver import Receiver, readme_verifier
from webhooks import services
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.tasks import deliver_webhooks

SIGNED = ("X-Servicedesk-Signature", "X-Servicedesk-Timestamp", "X-Servicedesk-Event", "X-Servicedesk-Delivery",
          "Content-Type")


@pytest.fixture
def local_http(settings):
    """The test receiver listens on plain http at 127.0.0.1: allowed here, in tests only."""
    settings.WEBHOOK_ALLOW_HTTP_LOCALHOST = True
    settings.WEBHOOK_ALLOWED_INTERNAL_HOSTS = ["127.0.0.1"]


def _endpoint(client_for, url, events=("ticket.created",)):
    response = client_for("admin").post("/api/v1/webhooks/", {"url": url, "events": list(events)}, format="json")
    assert response.status_code == 201, response.content
    return WebhookEndpoint.objects.get(pk=response.json()["id"])


def test_a_delivery_is_signed_retried_after_a_500_and_logged(world, ticket, local_http, client_for):
    with Receiver([500, 200]) as receiver:
        endpoint = _endpoint(client_for, receiver.url)
        receiver.secret = endpoint.secret
        assert services.webhook_event(event="ticket.created", ticket=ticket, data={"source": "api"}) == 1
        t0 = timezone.now()

        first_run = services.webhook_deliver_due(now=t0)
        delivery = WebhookDelivery.objects.get()
        too_early = services.webhook_deliver_due(now=t0 + dt.timedelta(seconds=10))
        second_run = services.webhook_deliver_due(now=t0 + dt.timedelta(seconds=31))

    assert (first_run, too_early, second_run) == (1, 0, 1)
    assert delivery.state == "pending" and delivery.attempts == 1 and delivery.response_status == 500
    assert delivery.next_attempt_at == t0 + dt.timedelta(seconds=30)
    delivery.refresh_from_db()
    assert delivery.state == "sent" and delivery.attempts == 2 and delivery.response_status == 200
    assert delivery.sent_at is not None and delivery.last_error == ""

    assert len(receiver.requests) == 2
    for request in receiver.requests:
        headers, body = request["headers"], request["body"]
        assert request["verified"]  # by the README's snippet, over the bytes received
        assert headers["X-Servicedesk-Signature"].startswith(f"t={headers['X-Servicedesk-Timestamp']},v1=")
        assert abs(int(headers["X-Servicedesk-Timestamp"]) - time.time()) < 60
        assert headers["X-Servicedesk-Event"] == "ticket.created"
        assert headers["X-Servicedesk-Delivery"] == str(delivery.pk)
        assert headers["Content-Type"] == "application/json"
        payload = json.loads(body)
        assert payload["event"] == "ticket.created"
        assert payload["ticket"]["reference"] == ticket.reference
        assert payload["data"] == {"source": "api"}

    log = client_for("admin").get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()["results"]
    assert [(a["number"], a["response_status"]) for a in log[0]["attempt_log"]] == [(1, 500), (2, 200)]
    assert log[0]["attempt_log"][0]["error"] == "HTTP 500: boom"
    assert log[0]["state"] == "sent"


def test_the_receiver_refuses_a_replayed_or_tampered_request(world, ticket, local_http, client_for):
    with Receiver([200]) as receiver:
        receiver.secret = _endpoint(client_for, receiver.url).secret
        services.webhook_event(event="ticket.created", ticket=ticket, data={})
        services.webhook_deliver_due()
        delivered = receiver.requests[0]
        headers = {name: delivered["headers"][name] for name in SIGNED}
        body = delivered["body"]
        signed_at = int(headers["X-Servicedesk-Timestamp"])

        receiver.clock_offset = signed_at + 240 - time.time()  # 4 minutes later: inside the window
        within = receiver.post(body, headers)
        receiver.clock_offset = signed_at + 360 - time.time()  # 6 minutes later: a replay
        replayed = receiver.post(body, headers)
        # The timestamp is signed too: putting a fresh one on the old signature does not help.
        fresh = str(signed_at + 360)
        refreshed = receiver.post(body, {**headers, "X-Servicedesk-Timestamp": fresh,
                                         "X-Servicedesk-Signature": headers["X-Servicedesk-Signature"].replace(
                                             f"t={signed_at},", f"t={fresh},")})
        receiver.clock_offset = 0
        tampered = receiver.post(body.replace(b"ticket.created", b"ticket.escalated"), headers)

    assert WebhookDelivery.objects.get().state == "sent" and delivered["verified"]
    assert within == 200
    assert (replayed, refreshed, tampered) == (401, 401, 401)


@pytest.mark.parametrize(("seconds", "accepted"), [(0, True), (300, True), (-300, True), (301, False),
                                                   (-301, False)])
def test_the_readme_receiver_tolerates_five_minutes_either_way(seconds, accepted):
    verify = readme_verifier()
    signed_at = 1_767_225_600  # 2026-01-01T00:00:00Z
    body = b'{"event":"ticket.created"}'
    header = services.sign("s3cret", body, signed_at)

    assert header.startswith(f"t={signed_at},v1=")
    assert verify("s3cret", body, header, now=signed_at + seconds) is accepted
    assert not verify("other secret", body, header, now=signed_at)


def test_a_delivery_fails_for_good_after_the_last_attempt(world, ticket, local_http, client_for, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0
    with Receiver([503]) as receiver:
        _endpoint(client_for, receiver.url)
        services.webhook_event(event="ticket.created", ticket=ticket, data={})
        for _ in range(5):
            deliver_webhooks()

    delivery = WebhookDelivery.objects.get()
    assert len(receiver.requests) == 3
    assert (delivery.state, delivery.attempts, delivery.response_status) == ("failed", 3, 503)
    assert delivery.attempt_log.count() == 3


def test_an_unreachable_receiver_is_an_attempt_with_an_error(world, ticket, local_http, client_for):
    with Receiver([200]) as receiver:
        url = receiver.url
    _endpoint(client_for, url)  # the server is gone: connection refused
    services.webhook_event(event="ticket.created", ticket=ticket, data={})

    services.webhook_deliver_due()

    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "pending" and delivery.attempts == 1 and delivery.response_status is None
    assert "Connection refused" in delivery.last_error or "URLError" in delivery.last_error


def test_only_active_subscribed_endpoints_get_a_delivery(world, ticket):
    subscribed = services.webhook_endpoint_create(actor=world.admin, url="https://a.example.com/h",
                                                  events=["ticket.created", "ticket.escalated"])
    services.webhook_endpoint_create(actor=world.admin, url="https://b.example.com/h",
                                     events=["ticket.status_changed"])
    services.webhook_endpoint_create(actor=world.admin, url="https://c.example.com/h",
                                     events=["ticket.escalated"], active=False)

    created = services.webhook_event(event="ticket.created", ticket=ticket, data={})
    escalated = services.webhook_event(event="ticket.escalated", ticket=ticket, data={"step": "breach"})

    assert (created, escalated) == (1, 1)
    assert set(WebhookDelivery.objects.values_list("endpoint_id", flat=True)) == {subscribed.pk}
    with pytest.raises(ValueError):
        services.webhook_event(event="ticket.deleted", ticket=ticket, data={})


def test_many_events_cost_two_queries(world, ticket, file_ticket, django_assert_num_queries):
    services.webhook_endpoint_create(actor=world.admin, url="https://a.example.com/h", events=["ticket.escalated"])
    services.webhook_endpoint_create(actor=world.admin, url="https://b.example.com/h",
                                     events=["ticket.escalated", "ticket.created"])
    other = file_ticket()
    batch = [("ticket.escalated", t, {"step": step}) for t in (ticket, other) for step in ("warning", "breach")]

    with django_assert_num_queries(2):
        written = services.webhook_events(events=[*batch, ("ticket.created", other, {})])

    assert written == 4 * 2 + 1
    assert WebhookDelivery.objects.filter(event="ticket.escalated", payload__ticket__id=other.pk).count() == 4


@pytest.mark.parametrize(("url", "allow_local"), [
    ("http://hooks.example.com/x", False),
    ("http://hooks.example.com/x", True),
    ("http://127.0.0.1:9000/x", False),
    ("ftp://hooks.example.com/x", True),
    ("https://user:pw@hooks.example.com/x", False),
    ("not a url", False),
    ("https://hooks.example.com:99999/x", False),
])
def test_only_https_urls_are_accepted(world, client_for, settings, url, allow_local):
    settings.WEBHOOK_ALLOW_HTTP_LOCALHOST = allow_local

    response = client_for("admin").post("/api/v1/webhooks/", {"url": url, "events": ["ticket.created"]},
                                        format="json")

    assert response.status_code == 400 and "url" in response.json()["errors"]
    assert not WebhookEndpoint.objects.exists()


def test_endpoints_are_managed_by_service_admins(world, client_for):
    admin = client_for("admin")
    created = admin.post("/api/v1/webhooks/", {"url": "https://hooks.example.com/a", "events": ["ticket.created"],
                                               "name": "ITSM bridge"}, format="json").json()
    assert len(created["secret"]) == 64

    changed = admin.patch(f"/api/v1/webhooks/{created['id']}/",
                          {"events": ["ticket.status_changed"], "active": False, "rotate_secret": True},
                          format="json").json()
    bad = admin.patch(f"/api/v1/webhooks/{created['id']}/", {"events": []}, format="json")
    deleted = admin.delete(f"/api/v1/webhooks/{created['id']}/")

    assert changed["events"] == ["ticket.status_changed"] and changed["active"] is False
    assert changed["secret"] != created["secret"]
    assert bad.status_code == 400 and "events" in bad.json()["errors"]
    assert deleted.status_code == 204 and not WebhookEndpoint.objects.exists()
