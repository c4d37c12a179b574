"""The review API: reads with the pages' permissions, opening a quarter, a decision, apply and
close; 400 with the field for bad input, 404 out of reach, a closed review read-only."""

import pytest
from rest_framework.test import APIClient

from reviews.models import ReviewItem, StandardReview
from sla.models import ServiceStandard
from tests.factories import ServiceStandardFactory

from .conftest import AFTER


@pytest.fixture
def api():
    def _as(user):
        client = APIClient()
        client.force_authenticate(user)
        return client
    return _as


@pytest.fixture
def review(world, clock, p2_standard, api):
    ServiceStandardFactory(team=world.hr, name="HR any")
    clock.set(AFTER)
    response = api(world.admin).post("/api/v1/reviews/", {"quarter": "2026-07-01"}, format="json")
    assert response.status_code == 201, response.json()
    return StandardReview.objects.get(pk=response.json()["id"])


def _p2_item(review, p2_standard):
    return ReviewItem.objects.get(review=review, standard=p2_standard)


def test_admin_reads_the_review_with_items_and_figures(world, review, api):
    body = api(world.admin).get(f"/api/v1/reviews/{review.pk}/").json()
    assert body["state"] == "open" and body["label"] == "2026 Q3"
    assert {item["team_name"] for item in body["items"]} == {"IT Support", "HR Services"}
    item = next(i for i in body["items"] if i["standard_name"] == "IT P2")
    assert item["figures"]["sla"]["first_response"]["target_minutes"] == 240
    assert item["figures"]["thresholds"]["min_n"] == 20
    assert [r["id"] for r in api(world.admin).get("/api/v1/reviews/").json()] == [review.pk]


def test_a_lead_reads_only_their_teams_items_and_cannot_change(world, review, api, p2_standard):
    lead = api(world.it_lead)
    body = lead.get(f"/api/v1/reviews/{review.pk}/").json()
    assert [item["team_name"] for item in body["items"]] == ["IT Support"]
    item = _p2_item(review, p2_standard)
    response = lead.post(f"/api/v1/reviews/{review.pk}/items/{item.pk}/decision/", {"decision": "keep"},
                         format="json")
    assert response.status_code == 403
    hr_item = ReviewItem.objects.get(review=review, team=world.hr)
    assert lead.post(f"/api/v1/reviews/{review.pk}/items/{hr_item.pk}/decision/", {"decision": "keep"},
                     format="json").status_code == 404


def test_an_agent_or_requester_sees_no_review(world, review, api):
    for user in (world.it_agent, world.alice):
        assert api(user).get(f"/api/v1/reviews/{review.pk}/").status_code == 404
        assert api(user).get("/api/v1/reviews/").json() == []


def test_bad_input_is_a_400_with_the_field(world, review, api, p2_standard):
    admin = api(world.admin)
    item = _p2_item(review, p2_standard)
    url = f"/api/v1/reviews/{review.pk}/items/{item.pk}/decision/"
    for body, field in (({"decision": "drop"}, "decision"),
                        ({"decision": "tighten", "first_response_minutes": "120"}, "first_response_minutes"),
                        ({"decision": "tighten", "first_response_minutes": 300}, "decision"),
                        ({"decision": "other"}, "note")):
        response = admin.post(url, body, format="json")
        assert response.status_code == 400 and field in response.json()["errors"], (body, response.json())
    response = admin.post("/api/v1/reviews/", {"quarter": "2026-08-01"}, format="json")
    assert response.status_code == 400 and "quarter" in response.json()["errors"]
    assert admin.post(f"/api/v1/reviews/{review.pk}/items/99999/decision/", {"decision": "keep"},
                      format="json").status_code == 404


def test_decide_apply_and_close_then_read_only(world, review, api, p2_standard):
    admin = api(world.admin)
    item = _p2_item(review, p2_standard)
    base = f"/api/v1/reviews/{review.pk}/items/{item.pk}"
    response = admin.post(f"{base}/decision/", {"decision": "tighten", "note": "P2 first response 4 h → 2 h",
                                                "first_response_minutes": 120}, format="json")
    assert response.status_code == 200 and response.json()["new_first_response_minutes"] == 120
    response = admin.post(f"{base}/apply/", format="json")
    assert response.status_code == 200 and response.json()["applied_version"] == 2
    assert ServiceStandard.objects.get(lineage=p2_standard.lineage, is_current=True).first_response_minutes == 120
    assert admin.post(f"/api/v1/reviews/{review.pk}/close/", format="json").json()["state"] == "closed"
    response = admin.post(f"{base}/decision/", {"decision": "keep"}, format="json")
    assert response.status_code == 400 and "closed" in response.json()["detail"]
    assert admin.post(f"/api/v1/reviews/{review.pk}/close/", format="json").status_code == 400
