"""The knowledge-base search on PostgreSQL: known answers in Chinese and English, ranking,
highlighting, and visibility (never an out-of-reach article)."""

import pytest

from kbsearch.indexing import article_search_index, articles_search_index
from kbsearch.models import ArticleSearchDocument
from kbsearch.selectors import article_suggestions, search_hits, search_results
from kbsearch.text import plain_text
from knowledge.models import Article, ArticleRevision, ArticleStatus, RevisionStatus, Visibility
from tests.kbsearch.cases import CASES, publish, publish_known_articles


@pytest.fixture
def known(world):
    return publish_known_articles(world.it)


def found_keys(user, q, known):
    by_id = {pk: key for key, pk in known.items()}
    return [by_id[hit.article_id] for hit in search_hits(user=user, q=q)]


@pytest.mark.parametrize("q", sorted(CASES))
def test_known_answers(world, known, q):
    must, must_not = CASES[q]

    found = set(found_keys(world.alice, q, known))

    assert must <= found, f"{q!r} found {found}"
    assert not (must_not & found), f"{q!r} found {found}"


def test_a_title_match_ranks_above_a_body_match(world, known):
    assert found_keys(world.alice, "printer", known)[:2] == ["printers", "toner"]


def test_the_search_index_is_a_tsvector_with_weights(world, known):
    document = ArticleSearchDocument.objects.get(article_id=known["printers"])

    assert document.search_vector is not None
    assert "'printer':1A" in document.search_vector  # stemmed, in the title (weight A)


def test_results_are_highlighted_and_escaped(world):
    publish(team=world.it, language="en", title="<script>x</script> Printers",
            body="Add <b>printers</b> & `a<b` here.<script>alert(1)</script>")

    [result] = search_results(user=world.alice, q="printer", language="en")

    assert result.title_html == "&lt;script&gt;x&lt;/script&gt; <mark>Printers</mark>"
    assert result.snippet_html == "Add <mark>printers</mark> &amp; a&lt;b here."


def test_results_are_in_the_readers_language(world):
    article = publish(team=world.it, language="en", title="Screen flickers", body="Update the driver.")
    now = article.created_at
    ArticleRevision.objects.create(article=article, language="zh-hant", number=2, title="螢幕閃爍", body="更新驅動程式。",
                                   status=RevisionStatus.PUBLISHED, created_at=now, published_at=now)
    article_search_index(article_id=article.pk)

    [result] = search_results(user=world.alice, q="闪烁", language="zh-hant")

    assert result.revision.language == "zh-hant"
    assert result.title_html == "螢幕<mark>閃爍</mark>"


def test_an_article_found_in_two_languages_is_listed_once(world):
    article = publish(team=world.it, language="en", title="VPN setup", body="")
    ArticleRevision.objects.create(article=article, language="zh-hans", number=2, title="VPN 设置", body="",
                                   status=RevisionStatus.PUBLISHED, created_at=article.created_at)
    article_search_index(article_id=article.pk)

    assert [hit.article_id for hit in search_hits(user=world.alice, q="vpn")] == [article.pk]


@pytest.mark.parametrize(("visibility", "readers", "not_readers"), [
    (Visibility.EVERYONE, ["alice", "bob", "hr_agent", "it_agent", "it_lead", "admin"], []),
    (Visibility.AGENTS, ["hr_agent", "it_agent", "it_lead", "admin"], ["alice", "bob"]),
    (Visibility.TEAM, ["it_agent", "it_lead", "admin"], ["alice", "bob", "hr_agent"]),
])
def test_search_and_suggestions_apply_the_articles_visibility(world, visibility, readers, not_readers):
    article = publish(team=world.it, language="zh-hans", title="打印机卡纸怎么办", body="", visibility=visibility)

    for name in readers:
        user = getattr(world, name)
        assert [hit.article_id for hit in search_hits(user=user, q="打印")] == [article.pk], name
        assert [r.article.pk for r in article_suggestions(user=user, q="打印", language="en")] == [article.pk], name
    for name in not_readers:
        user = getattr(world, name)
        assert search_hits(user=user, q="打印") == [], name
        assert article_suggestions(user=user, q="打印", language="en") == [], name


def test_an_unpublished_or_archived_article_is_not_found(world):
    draft = publish(team=world.it, language="en", title="Printer drivers", body="", index=False)
    Article.objects.filter(pk=draft.pk).update(status=ArticleStatus.DRAFT)
    article_search_index(article_id=draft.pk)
    archived = publish(team=world.it, language="en", title="Printer paper", body="")
    Article.objects.filter(pk=archived.pk).update(status=ArticleStatus.ARCHIVED)
    article_search_index(article_id=archived.pk)

    assert search_hits(user=world.admin, q="printer") == []
    assert not ArticleSearchDocument.objects.exists()


def test_suggestions_put_the_chosen_service_item_first_and_stop_at_five(world):
    others = [publish(team=world.it, language="en", title=f"Laptop battery tip {n}", body="laptop") for n in range(6)]
    tied = publish(team=world.it, language="en", title="Battery", body="A laptop battery that drains.",
                   service_items=[world.laptop])

    suggestions = article_suggestions(user=world.alice, q="laptop", language="en", service_item_id=world.laptop.pk)

    assert len(suggestions) == 5
    assert suggestions[0].article.pk == tied.pk and suggestions[0].for_service_item
    assert {s.article.pk for s in suggestions[1:]} <= {a.pk for a in others}


def test_a_title_with_every_word_is_found_among_more_title_matches_than_are_ranked(world):
    # Given more titles with "printer" than the search ranks for one place (3 × 1 + 30),
    # the one with "toner" and "printer" written last
    for n in range(40):
        publish(team=world.it, language="en", title=f"Printer tip {n}", body="", index=False)
    both = publish(team=world.it, language="en", title="Toner for the printer", body="", index=False)
    articles_search_index(article_ids=Article.objects.values_list("pk", flat=True))

    # When searching for both words, one place
    hits = search_hits(user=world.alice, q="printer toner", limit=1)

    # Then the title with both words is the one
    assert [hit.article_id for hit in hits] == [both.pk]


def test_out_of_reach_matches_do_not_crowd_out_visible_ones(world):
    # Given 40 team-only printer articles and, written last, one for everyone
    for n in range(40):
        publish(team=world.it, language="en", title=f"Printer setup {n}", body="", visibility=Visibility.TEAM,
                index=False)
    visible = publish(team=world.it, language="en", title="Printer setup for everyone", body="", index=False)
    articles_search_index(article_ids=Article.objects.values_list("pk", flat=True))

    # Then an employee asking for one article gets the one they may read
    assert [hit.article_id for hit in search_hits(user=world.alice, q="printer", limit=1)] == [visible.pk]
    assert len(search_hits(user=world.it_agent, q="printer", limit=5)) == 5


def test_a_service_tied_to_an_article_later_puts_it_first_in_the_suggestions(world):
    from knowledge import services as kb

    # Given an article found by its body only, and another by its title
    article = publish(team=world.it, language="en", title="Battery", body="A laptop battery that drains.")
    other = publish(team=world.it, language="en", title="Laptop bags", body="")
    assert [s.article.pk for s in article_suggestions(
        user=world.alice, q="laptop", language="en", service_item_id=world.laptop.pk)] == [other.pk, article.pk]

    # When the article is tied to the laptop service
    kb.article_edit(article=article, actor=world.it_agent, service_items=[world.laptop])

    # Then the suggestions for that service put it first
    suggestions = article_suggestions(user=world.alice, q="laptop", language="en", service_item_id=world.laptop.pk)
    assert [(s.article.pk, s.for_service_item) for s in suggestions] == [(article.pk, True), (other.pk, False)]


def test_a_substring_of_a_title_is_found_through_the_trigram_index(world):
    article = publish(team=world.it, language="en", title="Outlook autodiscover fails", body="")

    assert [hit.article_id for hit in search_hits(user=world.alice, q="todiscov")] == [article.pk]


def test_an_empty_or_punctuation_query_finds_nothing(world, known):
    assert search_hits(user=world.alice, q="") == []
    assert search_hits(user=world.alice, q="!!") == []


def test_publishing_through_the_knowledge_base_indexes_and_archiving_unindexes(world):
    from knowledge import services as kb

    article = kb.article_create(actor=world.it_agent, team=world.it, language="zh-hans", title="打印机卡纸怎么办",
                                body="打开前盖。")
    kb.article_submit(article=article, actor=world.it_agent)
    assert search_hits(user=world.alice, q="打印") == []

    kb.article_publish(article=article, actor=world.it_lead)
    assert [hit.article_id for hit in search_hits(user=world.alice, q="打印")] == [article.pk]

    kb.article_archive(article=article, actor=world.it_lead)
    assert search_hits(user=world.alice, q="打印") == []


def test_the_api_list_search_is_ranked_and_visible_only(world, known):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(world.alice)
    hidden = publish(team=world.it, language="en", title="Printer admin console", body="", visibility=Visibility.TEAM)

    answer = client.get("/api/v1/kb/articles/", {"search": "printer"})

    assert answer.status_code == 200
    ids = [row["id"] for row in answer.json()["results"]]
    assert ids[:2] == [known["printers"], known["toner"]] and hidden.pk not in ids


def test_the_api_list_search_answers_search_results_not_whole_articles(world, known):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(world.alice)

    [first, *_rest] = client.get("/api/v1/kb/articles/", {"search": "printer"}).json()["results"]

    assert first == {"id": known["printers"], "team": world.it.pk, "language": "en",
                     "title": "Printers on the third floor", "title_html": "<mark>Printers</mark> on the third floor",
                     "snippet_html": "How to add the shared <mark>printers</mark> to your laptop.",
                     "url": f"/kb/articles/{known['printers']}/"}
    whole = client.get(f"/api/v1/kb/articles/{known['printers']}/").json()
    assert whole["body"] == "How to add the shared printers to your laptop." and "revision" in whole


@pytest.mark.parametrize("serializer_class", ["SearchResultSerializer", "SuggestionSerializer",
                                              "ArticleSearchResultSerializer"])
def test_a_search_result_is_written_with_exactly_its_declared_fields(world, known, serializer_class):
    """The serializers write their data directly (not field by field): the keys they write
    are the fields they declare (the schema), and the url is the article page's."""
    from django.urls import reverse

    from kbsearch import serializers
    from kbsearch.selectors import search_results

    [result, *_rest] = search_results(user=world.alice, q="printer", language="en")
    serializer = getattr(serializers, serializer_class)
    data = serializer(result).data
    assert list(data) == list(serializer().fields)
    assert data["url"] == reverse("kb-article", args=[result.article.pk])
    assert serializers.article_url(7) == reverse("kb-article", args=[7])


def test_the_api_list_search_keeps_the_lists_filters_and_language(world, known):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(world.alice)
    hr_printer = publish(team=world.hr, language="en", title="Printer in the HR office", body="")
    both = publish(team=world.it, language="en", title="VPN printer", body="")
    ArticleRevision.objects.create(article_id=both.pk, language="zh-hans", number=2, title="VPN 打印机", body="",
                                   status=RevisionStatus.PUBLISHED, published_at=both.published_at,
                                   created_at=both.created_at)
    article_search_index(article_id=both.pk)

    def ids(**params):
        return [row["id"] for row in client.get("/api/v1/kb/articles/", {"search": "printer", **params}).json()["results"]]

    assert hr_printer.pk in ids() and hr_printer.pk not in ids(team=world.it.pk)
    assert ids(team=world.hr.pk) == [hr_printer.pk]
    assert ids(language="zh-hans") == [both.pk]
    assert ids(status="draft") == []
    [row] = client.get("/api/v1/kb/articles/", {"search": "vpn printer", "language": "zh-hans",
                                               "team": world.it.pk, "page_size": 1}).json()["results"]
    assert (row["id"], row["language"], row["title"]) == (both.pk, "zh-hans", "VPN 打印机")


def test_the_api_list_search_costs_the_same_for_2_and_for_20_results(world, django_assert_max_num_queries):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(world.it_agent)
    for n in range(2):
        publish(team=world.it, language="en", title=f"Printer tip {n}", body="Printer text.")
    with django_assert_max_num_queries(8) as few:
        assert len(client.get("/api/v1/kb/articles/", {"search": "printer"}).json()["results"]) == 2
    for n in range(2, 20):
        publish(team=world.it, language="zh-hans", title=f"打印机 printer {n}", body="打印机。")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/kb/articles/", {"search": "printer"}).json()["results"]) == 20


def test_the_results_page_highlights_the_matches(client, world, known):
    client.force_login(world.alice)

    html = client.get("/kb/search/", {"q": "闪烁"}).content.decode()

    assert "显示器<mark>闪烁</mark>怎么办" in html


MARKDOWN_BODY = ("## 症状\n\nVPN 客户端**一直**连不上。\n\n## 排查步骤\n\n1. 打开 [设置页](https://example.com/vpn)\n"
                 "2. 选 _重新连接_\n\n```\nvpn --reset\n```\n\n- 还不行就提交工单\n")
MARKDOWN_EXCERPT = ("症状 <mark>VPN</mark> 客户端一直连不上。 排查步骤 打开 设置页 选 重新连接 <mark>vpn</mark> --reset "
                    "还不行就提交工单")


def test_excerpts_are_the_plain_text_of_the_markdown_everywhere(client, world):
    from rest_framework.test import APIClient

    publish(team=world.it, language="zh-hans", title="VPN 连不上怎么办", body=MARKDOWN_BODY)
    api = APIClient()
    api.force_authenticate(world.alice)
    client.force_login(world.alice)

    [result] = search_results(user=world.alice, q="vpn", language="zh-hans")
    [suggestion] = article_suggestions(user=world.alice, q="vpn", language="zh-hans")
    [row] = api.get("/api/v1/kb/suggest/", {"q": "vpn"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    page = client.get("/kb/search/", {"q": "vpn"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    suggested = client.get("/kb/suggest/", {"title": "vpn"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert result.snippet_html == suggestion.snippet_html == row["snippet_html"] == MARKDOWN_EXCERPT
    assert MARKDOWN_EXCERPT in page and MARKDOWN_EXCERPT in suggested
    assert "##" not in page and "```" not in page and "](" not in suggested


def test_the_document_keeps_the_bodys_plain_text_and_excerpts_come_from_it(world):
    article = publish(team=world.it, language="zh-hans", title="VPN 连不上怎么办", body=MARKDOWN_BODY)
    document = ArticleSearchDocument.objects.get(article=article)
    assert document.body_plain == plain_text(MARKDOWN_BODY)

    # A document indexed before the plain text was kept gives the same excerpt
    ArticleSearchDocument.objects.filter(pk=document.pk).update(body_plain=None)
    [result] = search_results(user=world.alice, q="vpn", language="zh-hans")
    assert result.snippet_html == MARKDOWN_EXCERPT


def test_the_word_indexes_also_hold_the_service_items(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'kbsearch_articlesearchdocument'")
        indexes = dict(cursor.fetchall())

    assert "(title_vector, service_item_ids jsonb_path_ops)" in indexes["kbsearch_doc_title_vector_items"]
    assert "(search_vector, service_item_ids jsonb_path_ops)" in indexes["kbsearch_doc_vector_items"]
    assert not {"kbsearch_doc_title_vector", "kbsearch_doc_vector", "kbsearch_doc_service_items"} & set(indexes)
