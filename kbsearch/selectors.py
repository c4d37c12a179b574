"""The knowledge-base search: one ranked search for the portal, the reply box, the API and
the suggestions while filing. Visibility comes from `knowledge.selectors`: a document is
a candidate only when its article is published and visible to the user.

On PostgreSQL a document matches when its `tsvector` matches any word of the query (the
last one also as a prefix while typed), or when its folded title contains the whole query
(pg_trgm index); it is ranked by `ts_rank` (title words weigh more than body words) plus
the trigram similarity of the title to the query. On SQLite a document matches when its
words contain any query word (English ones stemmed), and ranks by how many words it has,
three points in the title, one in the body.
"""

from dataclasses import dataclass
from functools import reduce
from operator import add, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.db import connection
from django.db.models import Case, Exists, F, FloatField, IntegerField, Max, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.utils.safestring import SafeString

from knowledge.models import Article, ArticleRevision
from knowledge.selectors import articles_for_listing, pick_revision, published_articles_visible_to
from servicedesk.search import fold
from teams.models import User

from .models import ArticleSearchDocument
from .text import highlight, like_terms, tsquery

SEARCH_LIMIT = 200
SUGGESTION_LIMIT = 5
TITLE_SIMILARITY_WEIGHT = 0.5
MIN_SUBSTRING = 3  # pg_trgm's index serves a LIKE only from three characters on


@dataclass(frozen=True)
class Hit:
    article_id: int
    score: float
    for_service_item: bool = False


@dataclass
class SearchResult:
    """One article found, in the reader's language, with the query's matches marked."""

    article: Article
    revision: ArticleRevision
    title_html: SafeString
    snippet_html: SafeString
    for_service_item: bool


def _postgres_documents(documents: QuerySet, q: str) -> QuerySet | None:
    raw = tsquery(q)
    whole = fold(q.strip())
    if not raw and len(whole) < MIN_SUBSTRING:
        return None
    condition = Q(pk__in=[])
    rank = Value(0.0, output_field=FloatField())
    if raw:
        query = SearchQuery(raw, search_type="raw", config="english")
        condition |= Q(search_vector=query)
        rank = SearchRank(F("search_vector"), query)
    if len(whole) >= MIN_SUBSTRING:
        condition |= Q(title_folded__contains=whole)
    if whole:
        rank = rank + TrigramSimilarity("title_folded", whole) * TITLE_SIMILARITY_WEIGHT
    return documents.filter(condition).annotate(rank=Cast(rank, FloatField()))


def _sqlite_documents(documents: QuerySet, q: str) -> QuerySet | None:
    terms = like_terms(q)
    if not terms:
        return None
    condition = reduce(or_, (Q(title_words__contains=t) | Q(body_words__contains=t) for t in terms))
    points = reduce(add, (
        Case(When(title_words__contains=t, then=Value(3)), default=Value(0), output_field=IntegerField())
        + Case(When(body_words__contains=t, then=Value(1)), default=Value(0), output_field=IntegerField())
        for t in terms
    ))
    return documents.filter(condition).annotate(rank=Cast(points, FloatField()))


def search_hits(*, user: User, q: str, service_item_id: int | None = None, limit: int = SEARCH_LIMIT) -> list[Hit]:
    """The published articles visible to `user` that match `q`, best first (those tied to
    `service_item_id` before the others when it is given), at most `limit`."""
    q = (q or "").strip()
    if not q:
        return []
    documents = ArticleSearchDocument.objects.filter(
        article_id__in=published_articles_visible_to(user=user).values("pk"))
    if connection.vendor == "postgresql":
        matched = _postgres_documents(documents, q)
    else:
        matched = _sqlite_documents(documents, q)
    if matched is None:
        return []
    rows = matched.values("article_id").annotate(score=Max("rank"))
    order = ["-score", "article_id"]
    if service_item_id is not None:
        tied = Article.service_items.through.objects.filter(article_id=OuterRef("article_id"),
                                                            serviceitem_id=service_item_id)
        rows = rows.annotate(for_item=Exists(tied))
        order = ["-for_item", *order]
    return [Hit(row["article_id"], row["score"], row.get("for_item", False))
            for row in rows.order_by(*order)[:limit]]


def _ordered(ids: list[int]) -> QuerySet[Article]:
    if not ids:
        return Article.objects.none()
    position = Case(*(When(pk=pk, then=Value(index)) for index, pk in enumerate(ids)), output_field=IntegerField())
    return Article.objects.filter(pk__in=ids).annotate(search_position=position).order_by("search_position")


def article_search(*, user: User, q: str, service_item_id: int | None = None,
                   limit: int = SEARCH_LIMIT) -> QuerySet[Article]:
    """The articles matching `q` as a queryset in relevance order (for a list page or the
    API's `search` parameter), ready for a list (`knowledge.selectors.articles_for_listing`)."""
    hits = search_hits(user=user, q=q, service_item_id=service_item_id, limit=limit)
    return articles_for_listing(user=user, articles=_ordered([hit.article_id for hit in hits]))


def search_results(*, user: User, q: str, language: str | None, service_item_id: int | None = None,
                   limit: int = SEARCH_LIMIT) -> list[SearchResult]:
    """The matches of `q` in the reader's language (or its fallback), titles and snippets
    highlighted: what the portal's results, the reply box and the suggestions show."""
    hits = search_hits(user=user, q=q, service_item_id=service_item_id, limit=limit)
    articles = articles_for_listing(user=user, articles=_ordered([hit.article_id for hit in hits]))
    for_item = {hit.article_id: hit.for_service_item for hit in hits}
    results = []
    for article in articles:
        revision = pick_revision(article.live_revisions, language)
        if revision is None:
            continue
        results.append(SearchResult(
            article=article, revision=revision, title_html=highlight(revision.title, q, length=200),
            snippet_html=highlight(revision.body, q), for_service_item=for_item.get(article.pk, False),
        ))
    return results


def article_suggestions(*, user: User, q: str, language: str | None,
                        service_item_id: int | None = None) -> list[SearchResult]:
    """Up to five articles for a request being filed: published, visible to the requester,
    those tied to the chosen service item first."""
    return search_results(user=user, q=q, language=language, service_item_id=service_item_id,
                          limit=SUGGESTION_LIMIT)
