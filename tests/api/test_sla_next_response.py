"""The next-response target of a service standard over the API: created, cleared, refused
by name, and simulated."""

import pytest

from sla.models import ServiceStandard
from tests.factories import CalendarFactory


@pytest.fixture
def policy(world, client_for):
    def _create(**values):
        return client_for("admin").post("/api/v1/sla/policies/", {
            "name": "IT", "team": world.it.pk, "calendar": CalendarFactory().pk, "first_response_minutes": 60,
            "resolution_minutes": 480, **values}, format="json")
    return _create


def test_a_policy_carries_its_next_response_target(policy, client_for):
    created = policy(next_response_minutes=120)

    assert created.status_code == 201, created.content
    assert created.json()["next_response_minutes"] == 120
    cleared = client_for("admin").patch(f"/api/v1/sla/policies/{created.json()['id']}/",
                                        {"next_response_minutes": None}, format="json")
    assert cleared.status_code == 200 and cleared.json()["next_response_minutes"] is None
    assert cleared.json()["version"] == 2


def test_without_it_the_policy_does_not_track_next_responses(policy):
    assert policy().json()["next_response_minutes"] is None


@pytest.mark.parametrize("value", [0, 481, "60", 1.5, True])
def test_a_bad_next_response_target_is_refused_by_name(policy, value):
    response = policy(next_response_minutes=value)

    assert response.status_code == 400, response.content
    assert "next_response_minutes" in response.json()["errors"]
    assert not ServiceStandard.objects.exists()


def test_the_simulation_gives_the_next_response_due_time(policy, client_for):
    # 24x7 UTC calendar: 45 minutes after the start
    created = policy(next_response_minutes=45).json()

    body = client_for("admin").post("/api/v1/sla/simulate/", {"policy": created["id"],
                                                              "start": "2026-09-25T17:00:00+00:00"},
                                    format="json").json()

    assert body["next_response_due"] == "2026-09-25T17:45:00Z"
    assert body["first_response_due"] == "2026-09-25T18:00:00Z"
