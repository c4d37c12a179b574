"""The review pages and the export read in 简体中文 and 繁體中文 with no English sentence of our
catalog left (the checks of tests/test_no_english_left.py), with flags, a decision, an applied
version and a closed review on them."""

import io

import pytest
from openpyxl import load_workbook

from reviews import services
from reviews.models import ReviewItem
from tests.factories import ServiceStandardFactory
from tests.test_no_english_left import _signed_in, english_left, readable_text
from tickets.constants import Priority

from .conftest import AFTER, IN_QUARTER, QUARTER


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_the_review_pages_have_no_english_left(world, clock, file_ticket, decided, p2_standard, language):
    easy = ServiceStandardFactory(team=world.it, name="IT P3", priority=Priority.P3, first_response_minutes=60)
    clock.set(IN_QUARTER)
    tickets = [file_ticket(priority=Priority.P2) for _ in range(4)]
    for ticket in tickets:
        decided(p2_standard, ticket, n=5, breached=1)
    decided(easy, tickets[0], n=20, seconds=720)
    clock.set(AFTER)
    review = services.review_open(actor=world.admin, quarter=QUARTER)
    item = ReviewItem.objects.get(review=review, standard=p2_standard)
    services.item_decide(actor=world.admin, item=item, decision="tighten", note="P2", first_response_minutes=120)
    services.item_apply(actor=world.admin, item=item)
    client = _signed_in(world.admin, language)
    leaks = {}
    pages = ["/reviews/", f"/reviews/{review.pk}/"]
    for url in pages:
        html = client.get(url).content.decode()
        assert f'<html lang="{language}"' in html
        if found := english_left(readable_text(html)):
            leaks[url] = found
    partial = client.post(f"/reviews/{review.pk}/items/{item.pk}/decision/", {"decision": "tighten"},
                          HTTP_HX_REQUEST="true").content.decode()
    if found := english_left(readable_text(partial)):
        leaks["decision partial"] = found
    history = client.get(f"/service-standards/{item.applied_standard_id}/history/").content.decode()
    if found := english_left(readable_text(history)):
        leaks["history"] = found
    services.review_close(actor=world.admin, review=review)
    html = client.get(f"/reviews/{review.pk}/").content.decode()
    if found := english_left(readable_text(html)):
        leaks["closed"] = found
    book = load_workbook(io.BytesIO(client.get(f"/reviews/{review.pk}/export.xlsx").content))
    cells = " \n".join(str(cell) for row in book.active.iter_rows(values_only=True) for cell in row if cell)
    if found := english_left(cells):
        leaks["export"] = found
    assert leaks == {}
