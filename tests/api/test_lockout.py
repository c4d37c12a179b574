"""The token endpoint is a sign-in: five failures for one user name from one address lock
that user name from that address (django-axes, counted in PostgreSQL), even against the
right password, until the lock runs out or an admin lifts it."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.signin_helpers import redis_down, time_passes

__all__ = ["redis_down"]  # the fixture

TOKEN = "/api/v1/auth/token/"
WRONG = {"username": "alice", "password": "wrong"}
RIGHT = {"username": "alice", "password": "servicedesk"}


def _fail(client: APIClient, times: int) -> list[int]:
    return [client.post(TOKEN, WRONG, format="json").status_code for _ in range(times)]


def test_the_fifth_failure_locks_the_user_name_from_that_address(world):
    client = APIClient(REMOTE_ADDR="10.0.0.1")

    codes = _fail(client, 5)
    locked = client.post(TOKEN, WRONG, format="json")

    assert codes == [400, 400, 400, 400, 429]
    assert locked.status_code == 429
    body = locked.json()
    assert body["detail"] == ("Too many failed sign-ins for this user name from this address. "
                              "Try again in 15 minutes.")
    assert 14 * 60 < int(locked["Retry-After"]) <= 15 * 60


def test_the_limit_and_the_lock_length_are_settings(settings, world):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=3)
    client = APIClient(REMOTE_ADDR="10.0.0.1")

    codes = _fail(client, 2)

    assert codes == [400, 429]
    assert client.post(TOKEN, RIGHT, format="json").json()["detail"].endswith("Try again in 3 minutes.")


def test_the_right_password_is_refused_while_locked(world):
    client = APIClient(REMOTE_ADDR="10.0.0.1")
    _fail(client, 5)

    response = client.post(TOKEN, RIGHT, format="json")

    assert response.status_code == 429
    assert not Token.objects.filter(user=world.alice).exists()


def test_the_lock_is_of_one_user_name_from_one_address(world):
    _fail(APIClient(REMOTE_ADDR="10.0.0.1"), 5)

    from_elsewhere = APIClient(REMOTE_ADDR="10.0.0.2").post(TOKEN, RIGHT, format="json")
    bob_from_there = APIClient(REMOTE_ADDR="10.0.0.1").post(
        TOKEN, {"username": "bob", "password": "servicedesk"}, format="json")

    assert from_elsewhere.status_code == 200
    assert bob_from_there.status_code == 200


def test_the_lock_runs_out_after_fifteen_minutes(world):
    client = APIClient(REMOTE_ADDR="10.0.0.1")
    _fail(client, 5)

    time_passes(minutes=14)
    still_locked = client.post(TOKEN, RIGHT, format="json").status_code
    time_passes(minutes=2)
    after = client.post(TOKEN, RIGHT, format="json")

    assert still_locked == 429
    assert after.status_code == 200 and after.json()["token"]


def test_a_successful_sign_in_clears_the_failures(world):
    client = APIClient(REMOTE_ADDR="10.0.0.1")
    _fail(client, 4)

    signed_in = client.post(TOKEN, RIGHT, format="json").status_code
    codes = _fail(client, 4)

    assert signed_in == 200
    assert codes == [400, 400, 400, 400]


@pytest.mark.usefixtures("redis_down")
def test_the_lock_holds_with_redis_down(world):
    client = APIClient(REMOTE_ADDR="10.0.0.1")

    codes = _fail(client, 5)
    right_password = client.post(TOKEN, RIGHT, format="json")

    assert codes == [400, 400, 400, 400, 429]
    assert right_password.status_code == 429


def test_a_forged_forwarded_for_does_not_escape_the_lock(world):
    """No trusted proxy by default: X-Forwarded-For is whatever the client says."""
    codes = [APIClient(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").post(
        TOKEN, WRONG, format="json").status_code for n in range(5)]

    assert codes[-1] == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.1"}


def test_behind_a_trusted_proxy_the_address_it_saw_counts(settings, world):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.254"

    for _ in range(5):
        APIClient(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7").post(TOKEN, WRONG, format="json")
    other_client = APIClient(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8").post(TOKEN, RIGHT, format="json")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    assert other_client.status_code == 200


def test_axes_reset_username_lifts_the_lock(world):
    client = APIClient(REMOTE_ADDR="10.0.0.1")
    _fail(client, 5)

    call_command("axes_reset_username", "alice")

    assert client.post(TOKEN, RIGHT, format="json").status_code == 200


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_the_lock_message_is_translated(world, language):
    client = APIClient(REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE=language)
    _fail(client, 5)

    detail = client.post(TOKEN, RIGHT, format="json").json()["detail"]

    assert "15" in detail and "Too many" not in detail


def test_with_axes_disabled_the_endpoint_still_signs_in(settings, world):
    settings.AXES_ENABLED = False
    client = APIClient(REMOTE_ADDR="10.0.0.1")

    codes = _fail(client, 6)

    assert codes == [400] * 6
    assert client.post(TOKEN, RIGHT, format="json").status_code == 200
