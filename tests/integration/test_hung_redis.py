"""A hung Redis must not hang requests. Django's cache (API throttling, the queue's counts)
and the Celery broker point at a private, real redis-server, which is then SIGSTOPped:
it accepts connections and never answers. Filing through the API and the page and
opening the queue stay under a second (p99), every filed ticket is in PostgreSQL, and
once Redis answers again the cache is used again after the breaker's window."""

import time

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from servicedesk import cache_guard
from servicedesk.celery import app as celery_app
from tests.redis_server import RedisServer
from tickets.models import Ticket

BREAKER_SECONDS = 2.0
PER_KIND = 15  # requests of each kind while Redis hangs


@pytest.fixture
def private_redis(settings):
    """The request path's Redis (cache in database 1, broker in 0) is our own server."""
    server = RedisServer().start()
    cache = dict(settings.CACHES["default"])
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache", "the test settings' cache is Redis"
    # The configured cache with its configured socket timeouts, only at our server.
    settings.CACHES = {"default": {**cache, "LOCATION": server.url(1), "KEY_PREFIX": "hung-redis-test"}}
    settings.CACHE_BREAKER_SECONDS = BREAKER_SECONDS
    settings.QUEUE_COUNTS_CACHE_SECONDS = 60
    old_broker = celery_app.conf.broker_url
    celery_app.conf.broker_url = server.url(0)
    celery_app.pool.force_close_all()
    cache_guard.breaker.reset()
    yield server
    cache_guard.breaker.reset()
    celery_app.conf.broker_url = old_broker
    celery_app.pool.force_close_all()
    server.stop()


def _p99(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, min(len(values) - 1, round(0.99 * (len(values) - 1))))]


def _throttle_count(server: RedisServer, user) -> int:
    """alice's API requests counted in Redis, over every throttle window."""
    client = server.client(1)
    return sum(int(client.get(key)) for key in client.scan_iter(f"*throttle_user_{user.pk}:*"))


def _timed(call) -> tuple[float, object]:
    started = time.monotonic()
    response = call()
    return time.monotonic() - started, response


def test_requests_answer_within_a_second_and_nothing_is_lost_while_redis_hangs(world, client, private_redis):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.alice).key}")
    page = client
    page.force_login(world.alice)
    agent = APIClient()
    agent.force_login(world.it_agent)

    def file_by_api(title):
        return api.post("/api/v1/tickets/", {
            "service_item": world.laptop.pk, "title": title, "description": "Flickers",
            "fields": {"asset_tag": "LT-42"}}, format="json")

    def file_by_page(title):
        return page.post(reverse("ticket-new", args=[world.laptop.pk]),
                         {"title": title, "description": "Flickers", "field_asset_tag": "LT-7"})

    def open_queue():
        return agent.get(reverse("team-queue", args=["it"]))

    # Given requests that use the cache: the API counts in Redis, the queue keeps its counts there
    assert file_by_api("before the hang").status_code == 201
    assert _throttle_count(private_redis, world.alice) == 1
    assert open_queue().status_code == 200
    assert list(private_redis.client(1).scan_iter("*queue-counts*"))

    # When Redis hangs
    private_redis.hang()
    latencies = []
    for i in range(PER_KIND):
        elapsed, response = _timed(lambda i=i: file_by_api(f"hung api {i}"))
        assert response.status_code == 201, response.content[:500]
        latencies.append(elapsed)
        elapsed, response = _timed(lambda i=i: file_by_page(f"hung page {i}"))
        assert response.status_code == 302, response.content[:500]
        latencies.append(elapsed)
        elapsed, response = _timed(open_queue)
        assert response.status_code == 200
        latencies.append(elapsed)

    # Then every request answered within a second, and every ticket is in PostgreSQL
    assert _p99(latencies) < 1.0, sorted(latencies)[-5:]
    assert Ticket.objects.filter(title__startswith="hung api ").count() == PER_KIND
    assert Ticket.objects.filter(title__startswith="hung page ").count() == PER_KIND

    # And when Redis answers again, the cache is used again once the breaker's window is over
    private_redis.resume()
    time.sleep(BREAKER_SECONDS + 0.2)
    assert file_by_api("after the hang").status_code == 201
    assert _throttle_count(private_redis, world.alice) == 2
    assert not cache_guard.breaker.is_open
