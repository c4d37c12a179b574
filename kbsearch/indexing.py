"""Keeping the search documents in step with what is published: the only writer of
`ArticleSearchDocument`.

`article_search_index(article_id=…)` is called by the knowledge base's services whenever
an article's live text may have changed (a revision published, the article archived) or
its service items did: it rewrites the article's documents from its published revisions,
one per language, and removes the rest. `articles_search_index(article_ids=…)` does the
same for many articles in a few statements (imports, `manage.py kb_reindex`, the
benchmark).
"""

from collections.abc import Iterable

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.utils import timezone

from knowledge.models import Article, ArticleRevision, ArticleStatus, RevisionStatus
from servicedesk.search import fold

from .models import ArticleSearchDocument
from .text import index_text, plain_text

BATCH = 1000
TITLE_FOLDED_MAX = 200


def _vectors() -> dict:
    """The tsvectors of a document's words: the title's (weight A), and title and body
    together (body weight B); `english` stems English words and leaves Chinese words
    (already cut) as they are."""
    title = SearchVector("title_words", weight="A", config="english")
    return {"title_vector": title, "search_vector": title + SearchVector("body_words", weight="B", config="english")}


def _document(revision: ArticleRevision, service_item_ids: list[int], now) -> ArticleSearchDocument:
    return ArticleSearchDocument(
        article_id=revision.article_id, revision_id=revision.pk, language=revision.language,
        title_folded=fold(revision.title)[:TITLE_FOLDED_MAX], title_words=index_text(revision.title),
        body_words=index_text(revision.body), body_plain=plain_text(revision.body), service_item_ids=service_item_ids,
        indexed_at=now,
    )


def _service_item_ids(article_ids: list[int]) -> dict[int, list[int]]:
    links = Article.service_items.through.objects.filter(article_id__in=article_ids).order_by("serviceitem_id")
    tied: dict[int, list[int]] = {}
    for article_id, item_id in links.values_list("article_id", "serviceitem_id"):
        tied.setdefault(article_id, []).append(item_id)
    return tied


@transaction.atomic
def articles_search_index(*, article_ids: Iterable[int]) -> int:
    """Rewrite the search documents of these articles from their published revisions (none
    for an article that is not published). Returns the number of documents written."""
    ids = sorted(set(article_ids))
    written = 0
    now = timezone.now()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        ArticleSearchDocument.objects.filter(article_id__in=chunk).delete()
        revisions = (ArticleRevision.objects
                     .filter(article_id__in=chunk, status=RevisionStatus.PUBLISHED,
                             article__status=ArticleStatus.PUBLISHED)
                     .only("pk", "article_id", "language", "title", "body"))
        tied = _service_item_ids(chunk)
        documents = ArticleSearchDocument.objects.bulk_create(
            [_document(revision, tied.get(revision.article_id, []), now) for revision in revisions])
        if documents and connection.vendor == "postgresql":
            ArticleSearchDocument.objects.filter(article_id__in=chunk).update(**_vectors())
        written += len(documents)
    return written


def article_search_index(*, article_id: int) -> int:
    """Rewrite one article's search documents (see `articles_search_index`)."""
    return articles_search_index(article_ids=[article_id])
