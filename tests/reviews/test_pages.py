"""The review pages: who sees them, the decision form (htmx partial), apply, and a closed
review showing no forms; the XLSX export."""

import io

import pytest
from openpyxl import load_workbook

from reviews import services
from reviews.models import ReviewItem, StandardReview
from tests.factories import ServiceStandardFactory

from .conftest import AFTER, QUARTER


@pytest.fixture
def review(world, clock, p2_standard):
    ServiceStandardFactory(team=world.hr, name="HR any")
    clock.set(AFTER)
    return services.review_open(actor=world.admin, quarter=QUARTER)


def _as(client, user):
    client.force_login(user)
    return client


def test_the_admin_opens_a_quarter_from_the_list(world, clock, p2_standard, client):
    clock.set(AFTER)
    page = _as(client, world.admin).get("/reviews/")
    assert page.status_code == 200 and b"2026 Q3" in page.content
    response = client.post("/reviews/open/", {"quarter": "2026-07-01"})
    review = StandardReview.objects.get(quarter=QUARTER)
    assert response.status_code == 302 and response["Location"] == f"/reviews/{review.pk}/"
    assert review.state == "open" and review.items.count() == 1


def test_only_admins_and_leads_see_the_pages(world, review, client):
    for user in (world.it_agent, world.alice):
        _as(client, user)
        assert client.get("/reviews/").status_code == 404
        assert client.get(f"/reviews/{review.pk}/").status_code == 404
        assert client.get(f"/reviews/{review.pk}/export.xlsx").status_code == 404
    page = _as(client, world.it_lead).get(f"/reviews/{review.pk}/")
    assert page.status_code == 200 and b"IT P2" in page.content and b"HR any" not in page.content
    assert b"review-decision-form" not in page.content
    item = ReviewItem.objects.get(review=review, team=world.it)
    assert client.post(f"/reviews/{review.pk}/items/{item.pk}/decision/", {"decision": "keep"}).status_code == 404
    assert client.post(f"/reviews/{review.pk}/close/").status_code == 404


def test_a_decision_through_htmx_returns_the_partial(world, review, client, p2_standard):
    item = ReviewItem.objects.get(review=review, standard=p2_standard)
    _as(client, world.admin)
    url = f"/reviews/{review.pk}/items/{item.pk}/decision/"
    response = client.post(url, {"decision": "tighten", "first_response_minutes": "120", "note": "busy"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="item-{item.pk}-decision"' in html and "<html" not in html
    assert f"/reviews/{review.pk}/items/{item.pk}/apply/" in html
    refused = client.post(url, {"decision": "tighten", "first_response_minutes": "300"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and 'class="flash flash-error"' in refused.content.decode()
    applied = client.post(f"/reviews/{review.pk}/items/{item.pk}/apply/", HTTP_HX_REQUEST="true")
    item.refresh_from_db()
    assert item.applied_standard.version == 2
    assert f"/service-standards/{item.applied_standard.pk}/history/" in applied.content.decode()
    history = client.get(f"/service-standards/{item.applied_standard.pk}/history/").content.decode()
    assert f'href="/reviews/{review.pk}/"' in history


def test_a_closed_review_shows_no_forms_and_exports(world, review, client):
    _as(client, world.admin)
    assert b"review-decision-form" in client.get(f"/reviews/{review.pk}/").content
    assert client.post(f"/reviews/{review.pk}/close/").status_code == 302
    page = client.get(f"/reviews/{review.pk}/").content.decode()
    assert "review-decision-form" not in page and "/close/" not in page and "/refresh/" not in page
    item = review.items.first()
    client.post(f"/reviews/{review.pk}/items/{item.pk}/decision/", {"decision": "keep"})
    item.refresh_from_db()
    assert item.decision == ""
    export = client.get(f"/reviews/{review.pk}/export.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0].endswith("2026 Q3")
    assert {row[1] for row in rows[4:]} == {"IT P2 v1", "HR any v1"}


def test_a_lead_lists_open_reviews_of_their_teams_but_not_drafts(world, clock, p2_standard, client):
    clock.set(AFTER)
    draft, _created = services.review_create_draft(quarter=services.today())
    opened = services.review_open(actor=world.admin, quarter=QUARTER)
    page = _as(client, world.it_lead).get("/reviews/").content.decode()
    assert f'href="/reviews/{opened.pk}/"' in page and f'href="/reviews/{draft.pk}/"' not in page
    assert "review-open-form" not in page
    assert client.get(f"/reviews/{draft.pk}/").status_code == 404
    assert _as(client, world.hr_agent).get("/reviews/").status_code == 404
