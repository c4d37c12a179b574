"""API tokens and request throttling."""

import random

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from servicedesk.api.throttling import _SettingsRateMixin


def test_a_token_is_obtained_with_username_and_password_and_works(world):
    client = APIClient()

    response = client.post("/api/v1/auth/token/", {"username": "alice", "password": "servicedesk"}, format="json")

    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=world.alice).key == key
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/users/me/").json()["username"] == "alice"


def test_asking_twice_gives_the_same_token(world):
    client = APIClient()
    payload = {"username": "alice", "password": "servicedesk"}

    first = client.post("/api/v1/auth/token/", payload, format="json").json()["token"]
    second = client.post("/api/v1/auth/token/", payload, format="json").json()["token"]

    assert first == second


@pytest.mark.parametrize("payload", [
    {"username": "alice", "password": "wrong"},
    {"username": "nobody", "password": "servicedesk"},
    {"username": "alice"},
    {},
])
def test_bad_credentials_are_a_400_and_issue_nothing(world, payload):
    response = APIClient().post("/api/v1/auth/token/", payload, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]
    assert not Token.objects.exists()


def test_an_inactive_user_gets_no_token(world):
    world.bob.is_active = False
    world.bob.save(update_fields=["is_active"])

    response = APIClient().post("/api/v1/auth/token/", {"username": "bob", "password": "servicedesk"},
                                format="json")

    assert response.status_code == 400


def test_my_token_is_listed_by_prefix_and_revoked(world, client_for):
    client = client_for("alice")
    key = Token.objects.get(user=world.alice).key

    listed = client.get("/api/v1/auth/tokens/")
    revoked = client.delete("/api/v1/auth/tokens/")
    after = client.get("/api/v1/auth/tokens/")

    assert listed.status_code == 200
    assert listed.json() == [{"key_prefix": key[:6], "created": listed.json()[0]["created"]}]
    assert key not in listed.content.decode()
    assert revoked.status_code == 204
    assert not Token.objects.filter(user=world.alice).exists()
    assert after.status_code == 401


def test_the_browser_session_can_list_tokens_too(world, client):
    client.force_login(world.alice)

    response = client.get("/api/v1/auth/tokens/")

    assert response.status_code == 200 and response.json() == []


def test_a_session_write_needs_the_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.alice)

    response = client.delete("/api/v1/auth/tokens/")

    assert response.status_code == 403


# --- throttling ---------------------------------------------------------------------------


# 30 s into a minute: the counters count per fixed window, and a test must not straddle two.
CLOCK = 1_800_000_030.0


def _rates(settings, monkeypatch, clock=CLOCK, **rates):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    monkeypatch.setattr(_SettingsRateMixin, "timer", lambda self: clock, raising=False)


def test_a_user_over_the_rate_gets_429_with_retry_after(settings, monkeypatch, client_for):
    _rates(settings, monkeypatch, user="3/min", anon="100/min")
    client = client_for("alice")

    codes = [client.get("/api/v1/users/me/").status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
    response = client.get("/api/v1/users/me/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 30  # the rest of the minute


def test_the_count_starts_again_in_the_next_period(settings, monkeypatch, client_for):
    _rates(settings, monkeypatch, user="2/min", anon="100/min")
    client = client_for("alice")
    codes = [client.get("/api/v1/users/me/").status_code for _ in range(3)]

    _rates(settings, monkeypatch, clock=CLOCK + 60, user="2/min", anon="100/min")

    assert codes == [200, 200, 429]
    assert client.get("/api/v1/users/me/").status_code == 200


def test_a_window_counter_expires_with_its_window(settings, monkeypatch, client_for):
    import redis
    from django.core.cache import cache

    server = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])

    # A window no other test or earlier run has counted in.
    clock = 1_900_000_030.0 + 60 * random.randrange(10**6)
    _rates(settings, monkeypatch, clock=clock, user="5/min", anon="100/min")
    client = client_for("alice")
    assert client.get("/api/v1/users/me/").status_code == 200
    assert client.get("/api/v1/users/me/").status_code == 200

    window = int(clock // 60)
    keys = list(server.scan_iter(cache.make_and_validate_key(f"throttle_user_*:{window}")))
    assert len(keys) == 1
    assert int(server.get(keys[0])) == 2
    assert 0 < server.ttl(keys[0]) <= 61  # set by the window's first request, kept by the second


def test_throttling_also_counts_in_a_per_process_cache(settings, monkeypatch, client_for):
    """The embedded default (no Redis) counts with Django's cache add and incr."""
    _rates(settings, monkeypatch, user="2/min", anon="100/min")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client = client_for("alice")

    codes = [client.get("/api/v1/users/me/").status_code for _ in range(3)]

    assert codes == [200, 200, 429]


def test_the_user_rate_is_per_user(settings, monkeypatch, client_for):
    _rates(settings, monkeypatch, user="2/min", anon="100/min")
    alice, bob = client_for("alice"), client_for("bob")
    for _ in range(2):
        alice.get("/api/v1/users/me/")

    assert alice.get("/api/v1/users/me/").status_code == 429
    assert bob.get("/api/v1/users/me/").status_code == 200


def test_anonymous_requests_are_throttled_per_address(settings, monkeypatch, world):
    _rates(settings, monkeypatch, user="1000/min", anon="2/min")
    client = APIClient()
    payload = {"username": "alice", "password": "wrong"}

    codes = [client.post("/api/v1/auth/token/", payload, format="json").status_code for _ in range(3)]
    other_address = APIClient(REMOTE_ADDR="10.9.8.7").post("/api/v1/auth/token/", payload, format="json")

    assert codes == [400, 400, 429]
    assert "Retry-After" in client.post("/api/v1/auth/token/", payload, format="json")
    assert other_address.status_code == 400


def test_the_default_rates_are_generous(client_for):
    client = client_for("alice")

    assert all(client.get("/api/v1/users/me/").status_code == 200 for _ in range(150))
