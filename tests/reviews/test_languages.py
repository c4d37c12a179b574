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


def test_the_export_names_the_applied_version_in_the_readers_language(world, clock, file_ticket, decided,
                                                                      p2_standard):
    """The "new version" column read "IT P2 standard v2" in a Chinese export: the standard's
    name in its own language, as the page and the other columns write it."""
    p2_standard.name = "IT P2 standard"
    p2_standard.translations = {"zh-hans": {"name": "IT P2 标准"}, "zh-hant": {"name": "IT P2 標準"}}
    p2_standard.save()
    clock.set(IN_QUARTER)
    decided(p2_standard, file_ticket(priority=Priority.P2), n=5, breached=1)
    clock.set(AFTER)
    review = services.review_open(actor=world.admin, quarter=QUARTER)
    item = ReviewItem.objects.get(review=review, standard=p2_standard)
    services.item_decide(actor=world.admin, item=item, decision="tighten", note="", first_response_minutes=120)
    services.item_apply(actor=world.admin, item=item)
    book = load_workbook(io.BytesIO(_signed_in(world.admin, "zh-hant").get(f"/reviews/{review.pk}/export.xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    header = next(row for row in rows if row and row[0] == "服務團隊")
    row = next(row for row in rows if row and row[1] and str(row[1]).startswith("IT P2 標準"))
    assert row[header.index("新版本")] == "IT P2 標準 v2"
