"""The login page shares the token endpoint's lock: the fifth failure for a user name from
one address shows the lockout page (HTTP 429, translated), the right password is refused
until the lock runs out, and a service admin lifts it in Django admin."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.signin_helpers import redis_down, time_passes

__all__ = ["redis_down"]  # the fixture

LOGIN = "/accounts/login/"
WRONG = {"username": "alice", "password": "wrong"}
RIGHT = {"username": "alice", "password": "servicedesk"}


def _fail(client: Client, times: int) -> list[int]:
    return [client.post(LOGIN, WRONG).status_code for _ in range(times)]


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_fifth_failure_shows_the_lockout_page(world):
    client = Client(REMOTE_ADDR="10.0.0.1")

    codes = _fail(client, 5)
    page = client.post(LOGIN, WRONG)

    assert codes == [200, 200, 200, 200, 429]
    assert page.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in page.templates]
    assert "Try again in 15 minutes." in page.content.decode()


def test_the_right_password_is_refused_while_locked(world):
    client = Client(REMOTE_ADDR="10.0.0.1")
    _fail(client, 5)

    page = client.post(LOGIN, RIGHT)

    assert page.status_code == 429
    assert not _signed_in(client)


def test_the_lock_runs_out(world):
    client = Client(REMOTE_ADDR="10.0.0.1")
    _fail(client, 5)

    time_passes(minutes=16)
    page = client.post(LOGIN, RIGHT)

    assert page.status_code == 302
    assert _signed_in(client)


def test_a_successful_sign_in_clears_the_failures(world):
    client = Client(REMOTE_ADDR="10.0.0.1")
    _fail(client, 4)
    client.post(LOGIN, RIGHT)
    client.logout()

    codes = _fail(client, 4)

    assert codes == [200, 200, 200, 200]


@pytest.mark.usefixtures("redis_down")
def test_the_lock_holds_with_redis_down(world):
    client = Client(REMOTE_ADDR="10.0.0.1")

    codes = _fail(client, 5)
    page = client.post(LOGIN, RIGHT)

    assert codes == [200, 200, 200, 200, 429]
    assert page.status_code == 429
    assert not _signed_in(client)


def test_an_admin_unlocks_in_django_admin(world):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    alice = Client(REMOTE_ADDR="10.0.0.1")
    _fail(alice, 5)
    attempt = AccessAttempt.objects.get(username="alice")
    admin = Client()
    admin.force_login(world.admin)

    listing = admin.get("/admin/axes/accessattempt/")
    deleted = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    page = alice.post(LOGIN, RIGHT)

    assert listing.status_code == 200 and b"alice" in listing.content
    assert deleted.status_code == 302
    assert page.status_code == 302 and _signed_in(alice)


@pytest.mark.parametrize(("language", "text"), [("zh-hans", "分钟后再试"), ("zh-hant", "分鐘後再試")])
def test_the_lockout_page_is_translated(world, language, text):
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE=language)
    _fail(client, 5)

    page = client.post(LOGIN, RIGHT)

    assert page.status_code == 429
    assert text in page.content.decode()
