"""My notifications and marking them read."""

from notifications.models import Notification


def _notify(user, n):
    return [Notification.objects.create(user=user, event="ticket_reply", title=f"N{i}") for i in range(n)]


def test_i_see_only_my_notifications_newest_first(world, client_for):
    mine = _notify(world.alice, 3)
    _notify(world.bob, 2)

    body = client_for("alice").get("/api/v1/notifications/").json()

    assert [n["id"] for n in body["results"]] == [n.pk for n in reversed(mine)]
    assert all(n["read"] is False for n in body["results"])


def test_mark_some_read_then_all(world, client_for):
    mine = _notify(world.alice, 3)
    bobs = _notify(world.bob, 1)
    client = client_for("alice")

    some = client.post("/api/v1/notifications/mark-read/", {"ids": [mine[0].pk, bobs[0].pk]}, format="json")
    rest = client.post("/api/v1/notifications/mark-read/", {}, format="json")

    assert some.json() == {"marked": 1, "unread": 2}
    assert rest.json() == {"marked": 2, "unread": 0}
    assert Notification.objects.get(pk=bobs[0].pk).read_at is None


def test_bad_ids_are_a_400(world, client_for):
    response = client_for("alice").post("/api/v1/notifications/mark-read/", {"ids": ["x", 2**70]}, format="json")

    assert response.status_code == 400 and response.json()["errors"]
