"""The knowledge-base search: one ranked search for the portal, the reply box, the API and
the suggestions while filing. Visibility comes from `knowledge.selectors`: a document is
a candidate only when its article is published and visible to the user.

On PostgreSQL a document matches when its `tsvector` matches any word of the query (the
last one also as a prefix while typed), or when its folded title contains the whole query
(pg_trgm index). Title matches come first, ranked by `ts_rank` of the title plus the
trigram similarity of the title to the query; then body matches, ranked by `ts_rank`
(title words weigh A, body words B) among the first BODY_CANDIDATES of them. On SQLite a document matches when its
words contain any query word (English ones stemmed), and ranks by how many words it has,
three points in the title, one in the body.
"""

from dataclasses import dataclass
from functools import reduce
from operator import add, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Max, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.utils.safestring import SafeString

from knowledge.models import Article, ArticleRevision, ArticleTicketLink
from knowledge.selectors import articles_for_listing, pick_revision, published_articles_visible_to
from servicedesk.search import fold
from teams.models import User

from .models import ArticleSearchDocument
from .text import excerpt, highlight, like_terms, tsquery

SEARCH_LIMIT = 200
BODY_CANDIDATES = 500
BODY_RANK_WEIGHT = 0.5
OVERFETCH, OVERFETCH_EXTRA = 3, 30  # ranked before the visibility check: 3 × limit + 30
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


def _postgres_hits(documents: QuerySet, q: str, limit: int, visible: QuerySet[Article]) -> list[tuple[int, float]]:
    """Title matches first, ranked by `ts_rank` on the (small) title vector plus the title's
    trigram similarity to the query; then, while places are left, articles matching only
    in the body, ranked by `ts_rank` on the whole vector among the first BODY_CANDIDATES
    of them (ranking a large vector is what costs: the cap bounds a common word's price)."""
    raw = tsquery(q)
    whole = fold(q.strip())
    if not raw and len(whole) < MIN_SUBSTRING:
        return []
    query = SearchQuery(raw, search_type="raw", config="english") if raw else None
    in_title = Q(pk__in=[])
    title_rank = Value(0.0, output_field=FloatField())
    if query is not None:
        in_title |= Q(title_vector=query)
        title_rank = SearchRank(F("title_vector"), query)
    if len(whole) >= MIN_SUBSTRING:
        in_title |= Q(title_folded__contains=whole)
    if len(whole) >= MIN_SUBSTRING:  # the whole query inside a title: the cheap part of the similarity
        title_rank = title_rank + Case(When(title_folded__contains=whole, then=Value(TITLE_SIMILARITY_WEIGHT)),
                                       default=Value(0.0), output_field=FloatField())
    similarity = TrigramSimilarity("title_folded", whole) * TITLE_SIMILARITY_WEIGHT
    found = _best(documents.filter(in_title), title_rank, limit, visible, rerank=similarity)
    if len(found) < limit and query is not None:
        seen = [article_id for article_id, _score in found]
        body_only = documents.filter(search_vector=query).exclude(article_id__in=seen)
        capped = documents.filter(pk__in=body_only.values("pk")[:BODY_CANDIDATES])
        found += _best(capped, SearchRank(F("search_vector"), query) * BODY_RANK_WEIGHT, limit - len(found), visible)
    return found


def _sqlite_hits(documents: QuerySet, q: str, limit: int, visible: QuerySet[Article]) -> list[tuple[int, float]]:
    terms = like_terms(q)
    if not terms:
        return []
    condition = reduce(or_, (Q(title_words__contains=t) | Q(body_words__contains=t) for t in terms))
    points = reduce(add, (
        Case(When(title_words__contains=t, then=Value(3)), default=Value(0), output_field=IntegerField())
        + Case(When(body_words__contains=t, then=Value(1)), default=Value(0), output_field=IntegerField())
        for t in terms
    ))
    return _best(documents.filter(condition), points, limit, visible)


def _best(documents: QuerySet, rank, limit: int, visible: QuerySet[Article],
          rerank=None) -> list[tuple[int, float]]:
    """(article id, score) of the best `limit` articles among `visible`: an article's best
    language counts.

    Joining every match to the visibility rule costs a pass over all articles; so the best
    few times `limit` matches are ranked first, and the visible ones kept. Only when too
    many of those are out of reach does the ranking run again on the visible ones alone.
    `rerank` (the trigram similarity, dear on thousands of rows) is added to the score of
    that window only, which is then ordered again."""

    def best(queryset, expression):
        return (queryset.annotate(rank=Cast(expression, FloatField())).values("article_id")
                .annotate(score=Max("rank")).order_by("-score", "article_id"))

    window = limit * OVERFETCH + OVERFETCH_EXTRA
    ranked = [(row["article_id"], row["score"]) for row in best(documents, rank)[:window]]
    allowed = set(visible.filter(pk__in=[pk for pk, _score in ranked]).values_list("pk", flat=True))
    ids = [pk for pk, _score in ranked if pk in allowed][:limit]
    if len(ids) < limit and len(ranked) == window:
        ids = [row["article_id"] for row in best(documents.filter(article_id__in=visible.values("pk")), rank)[:limit]]
    if not ids:
        return []
    final = best(documents.filter(article_id__in=ids), rank if rerank is None else rank + rerank)
    return [(row["article_id"], row["score"]) for row in final]


def _hits(documents: QuerySet, q: str, limit: int, visible: QuerySet[Article]) -> list[tuple[int, float]]:
    if limit <= 0:
        return []
    if connection.vendor == "postgresql":
        return _postgres_hits(documents, q, limit, visible)
    return _sqlite_hits(documents, q, limit, visible)


def search_hits(*, user: User, q: str, service_item_id: int | None = None, limit: int = SEARCH_LIMIT) -> list[Hit]:
    """The published articles visible to `user` that match `q`, best first (those tied to
    `service_item_id` before the others when it is given), at most `limit`."""
    q = (q or "").strip()
    if not q:
        return []
    visible = published_articles_visible_to(user=user)
    documents = ArticleSearchDocument.objects.all()
    hits: list[Hit] = []
    if service_item_id is not None:
        tied = Article.service_items.through.objects.filter(serviceitem_id=service_item_id).values("article_id")
        hits = [Hit(pk, score, True) for pk, score in _hits(documents.filter(article_id__in=tied), q, limit, visible)]
        documents = documents.exclude(article_id__in=tied)
    hits += [Hit(pk, score) for pk, score in _hits(documents, q, limit - len(hits), visible)]
    return hits


def _ordered(ids: list[int]) -> QuerySet[Article]:
    if not ids:
        return Article.objects.none()
    position = Case(*(When(pk=pk, then=Value(index)) for index, pk in enumerate(ids)), output_field=IntegerField())
    return Article.objects.filter(pk__in=ids).annotate(search_position=position).order_by("search_position")


def ranked_articles(*, user: User, q: str, service_item_id: int | None = None,
                    limit: int = SEARCH_LIMIT) -> QuerySet[Article]:
    """The articles matching `q` as a queryset in relevance order, for a list (narrow it with
    `knowledge.selectors.articles_for_listing`, which keeps the order)."""
    hits = search_hits(user=user, q=q, service_item_id=service_item_id, limit=limit)
    return _ordered([hit.article_id for hit in hits])


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
            snippet_html=excerpt(revision.body, q), for_service_item=for_item.get(article.pk, False),
        ))
    return results


def article_suggestions(*, user: User, q: str, language: str | None,
                        service_item_id: int | None = None) -> list[SearchResult]:
    """Up to five articles for a request being filed: published, visible to the requester,
    those tied to the chosen service item first."""
    return search_results(user=user, q=q, language=language, service_item_id=service_item_id,
                          limit=SUGGESTION_LIMIT)


def ticket_suggested_articles(*, ticket, user: User, language: str | None) -> list[tuple[Article, ArticleRevision]]:
    """The articles suggested while the ticket was filed (links of kind "suggested") that
    `user` may read, each with its revision in the reader's language: for the agent."""
    suggested = Article.objects.filter(ticket_links__ticket=ticket, ticket_links__how=ArticleTicketLink.How.SUGGESTED)
    rows = []
    for article in articles_for_listing(user=user, articles=suggested.order_by("pk")):
        revision = pick_revision(article.live_revisions, language)
        if revision is not None:
            rows.append((article, revision))
    return rows
