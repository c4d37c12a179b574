"""The feedback endpoints: sending, the filters of the list, one item with its history,
the answer with a 400 naming each field at fault, and nothing half written."""

import pytest
from rest_framework.test import APIClient

from feedback import services
from feedback.models import Feedback, FeedbackEvent
from notifications.models import OutboxMessage


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_employee_sends_anonymous_feedback(world):
    response = api(world.bob).post("/api/v1/feedback/", {"team": world.hr.pk, "kind": "complaint",
                                                          "text": "Onboarding is slow.", "anonymous": True},
                                   format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["team"], body["kind"], body["status"], body["anonymous"]) == (world.hr.pk, "complaint", "new", True)
    assert body["sender"]["username"] == "bob"  # the sender knows it is theirs
    assert body["history"] == []
    assert Feedback.objects.get().sender == world.bob


def test_a_bad_request_names_every_field_and_stores_nothing(world):
    response = api(world.bob).post("/api/v1/feedback/", {"team": 999_999, "kind": "rant", "text": 5}, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"team", "kind", "text"}
    assert not Feedback.objects.exists() and not OutboxMessage.objects.exists()


def test_empty_text_is_refused_by_the_service_by_name(world):
    response = api(world.bob).post("/api/v1/feedback/", {"team": world.hr.pk, "kind": "praise", "text": " \n "},
                                   format="json")

    assert response.status_code == 400 and set(response.json()["errors"]) == {"text"}
    assert not Feedback.objects.exists()


@pytest.fixture
def some(world):
    def make(team, kind, status="new"):
        feedback = services.feedback_create(sender=world.bob, team=team, kind=kind, text=f"{kind} for {team.slug}")
        Feedback.objects.filter(pk=feedback.pk).update(status=status)
        return feedback.pk

    return {
        "it_complaint": make(world.it, "complaint"),
        "it_praise": make(world.it, "praise", "acknowledged"),
        "hr_complaint": make(world.hr, "complaint"),
    }


def test_the_list_filters_by_team_kind_and_status(world, some):
    admin = api(world.admin)

    def ids(query):
        response = admin.get(f"/api/v1/feedback/{query}")
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["results"]}

    assert ids("") == set(some.values())
    assert ids(f"?team={world.it.pk}") == {some["it_complaint"], some["it_praise"]}
    assert ids("?kind=complaint") == {some["it_complaint"], some["hr_complaint"]}
    assert ids(f"?team={world.it.pk}&status=acknowledged") == {some["it_praise"]}


@pytest.mark.parametrize(("query", "field"), [("?team=IT", "team"), ("?kind=rant", "kind"), ("?status=done", "status")])
def test_a_bad_filter_is_a_400_naming_it(world, query, field):
    response = api(world.admin).get(f"/api/v1/feedback/{query}")

    assert response.status_code == 400 and field in response.json()["errors"]


def test_a_lead_lists_their_teams_feedback_and_their_own_only(world, some, hr_lead):
    listed = {item["id"] for item in api(hr_lead).get("/api/v1/feedback/").json()["results"]}

    assert listed == {some["hr_complaint"]}


def test_the_list_costs_the_same_number_of_queries_for_more_items(world, some, django_assert_max_num_queries):
    for n in range(10):
        services.feedback_create(sender=world.alice, team=world.it, kind="praise", text=f"Thanks {n}")
    with django_assert_max_num_queries(4):
        response = api(world.admin).get("/api/v1/feedback/?page_size=50")
    assert len(response.json()["results"]) == 13


def test_an_illegal_status_move_is_a_400_on_status_and_changes_nothing(world, some):
    response = api(world.it_lead).post(f"/api/v1/feedback/{some['it_complaint']}/answer/",
                                       {"answer": "Done.", "status": "acted_on", "note": "Fixed."}, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status"}
    assert "acknowledged" in response.json()["errors"]["status"][0]
    stored = Feedback.objects.get(pk=some["it_complaint"])
    assert (stored.status, stored.answer) == ("new", "") and not FeedbackEvent.objects.exists()


def test_a_status_move_without_a_note_is_a_400_on_note(world, some):
    response = api(world.it_lead).post(f"/api/v1/feedback/{some['it_complaint']}/answer/",
                                       {"status": "acknowledged"}, format="json")

    assert response.status_code == 400 and set(response.json()["errors"]) == {"note"}


def test_the_answer_and_a_legal_move_come_back_with_their_history(world, some):
    response = api(world.it_lead).post(f"/api/v1/feedback/{some['it_praise']}/answer/",
                                       {"answer": "Thank you!", "status": "acted_on", "note": "Shared with the team."},
                                       format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["answer"], body["answered_by"]["username"]) == ("acted_on", "Thank you!", "it.lead")
    assert [(h["kind"], h["old_value"], h["new_value"], h["note"], h["actor"]["username"]) for h in body["history"]] \
        == [("answer", "", "Thank you!", "", "it.lead"),
            ("status", "acknowledged", "acted_on", "Shared with the team.", "it.lead")]
