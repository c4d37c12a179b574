"""The knowledge-base search: one ranked search for the portal, the reply box, the API and
the suggestions while filing. Visibility comes from `knowledge.selectors`: a document is
a candidate only when its article is published and visible to the user.

On PostgreSQL a document matches when its `tsvector` matches any word of the query (the
last one also as a prefix while typed), or when its folded title contains the whole query
(pg_trgm index). Title matches come first, then articles matching only in the body.

What costs is ranking: a common word ("printer") is in thousands of titles, and reading
and ranking each of them took tens of milliseconds. So each stage ranks a bounded set of
candidates, found through the GIN indexes and the visibility rule (an index probe per
row) with a LIMIT before any ranking: for the titles, up to `cap` documents containing
every query word, up to `cap` containing any, and up to `cap` containing the whole query;
for the body, up to `cap` documents. Among those the score is `ts_rank` of the title plus
0.5 when the title contains the whole query plus 0.5 × its trigram similarity to the
query (for the body: 0.5 × `ts_rank` of the whole document, title words weigh A, body
words B). `cap` is 3 × the places asked for + 30. Every candidate gets the same score
for the same words, so for a common word which of its thousands of titles are listed is
arbitrary among equals, and titles holding every word of a question are always in.

On SQLite a document matches when its words contain any query word (English ones
stemmed), and ranks by how many words it has, three points in the title, one in the body.
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
BODY_RANK_WEIGHT = 0.5
CANDIDATES_PER_PLACE, CANDIDATES_EXTRA = 3, 30  # candidates ranked per stage and source: 3 × limit + 30
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


def _ranked(documents: QuerySet, rank, limit: int) -> list[tuple[int, float]]:
    """(article id, score) of the best `limit` articles among `documents`: an article's best
    language counts."""
    rows = (documents.annotate(rank=Cast(rank, FloatField())).values("article_id")
            .annotate(score=Max("rank")).order_by("-score", "article_id")[:limit])
    return [(row["article_id"], row["score"]) for row in rows]


def _candidates(documents: QuerySet, sources: list[Q], cap: int | None) -> QuerySet:
    """The documents matching any of `sources`, at most `cap` from each (all with None): one
    statement, each source a GIN-indexed match with its own LIMIT (read in index order, not
    ranked)."""
    first, *rest = [documents.filter(source).values("pk")[:cap] for source in sources]
    return ArticleSearchDocument.objects.filter(pk__in=first.union(*rest) if rest else first)


def _postgres_hits(documents: QuerySet, q: str, limit: int, *, few: bool = False) -> list[tuple[int, float]]:
    """Title matches first, then (while places are left) articles matching only in the body,
    each stage ranking a bounded set of candidates (see the module's docstring).
    `documents` are the visible ones; when they are `few` (a service's own articles), all
    their body matches are ranked: a LIMIT there tempts the planner into a sequential
    scan hoping to meet one of the few early, which the word match and the service,
    together, may never allow (measured: 76 ms instead of 4)."""
    any_words = tsquery(q)
    whole = fold(q.strip())
    substring = len(whole) >= MIN_SUBSTRING
    if not any_words and not substring:
        return []
    cap = limit * CANDIDATES_PER_PLACE + CANDIDATES_EXTRA
    query = SearchQuery(any_words, search_type="raw", config="english") if any_words else None
    sources: list[Q] = []
    title_rank = TrigramSimilarity("title_folded", whole) * TITLE_SIMILARITY_WEIGHT
    if query is not None:
        every_word = tsquery(q, every=True)
        if every_word != any_words:
            sources.append(Q(title_vector=SearchQuery(every_word, search_type="raw", config="english")))
        sources.append(Q(title_vector=query))
        title_rank = title_rank + SearchRank(F("title_vector"), query)
    if substring:
        sources.append(Q(title_folded__contains=whole))
        title_rank = title_rank + Case(When(title_folded__contains=whole, then=Value(TITLE_SIMILARITY_WEIGHT)),
                                       default=Value(0.0), output_field=FloatField())
    found = _ranked(_candidates(documents, sources, cap), title_rank, limit)
    if len(found) < limit and query is not None:
        # Fewer than `limit` visible articles among at most `cap` per source: every title
        # match is in `found`, the body stage adds the others.
        body_only = documents.exclude(article_id__in=[article_id for article_id, _score in found])
        found += _ranked(_candidates(body_only, [Q(search_vector=query)], None if few else cap),
                         SearchRank(F("search_vector"), query) * BODY_RANK_WEIGHT, limit - len(found))
    return found


def _sqlite_hits(documents: QuerySet, q: str, limit: int) -> list[tuple[int, float]]:
    terms = like_terms(q)
    if not terms:
        return []
    condition = reduce(or_, (Q(title_words__contains=t) | Q(body_words__contains=t) for t in terms))
    points = reduce(add, (
        Case(When(title_words__contains=t, then=Value(3)), default=Value(0), output_field=IntegerField())
        + Case(When(body_words__contains=t, then=Value(1)), default=Value(0), output_field=IntegerField())
        for t in terms
    ))
    return _ranked(documents.filter(condition), points, limit)


def _hits(documents: QuerySet, q: str, limit: int, *, few: bool = False) -> list[tuple[int, float]]:
    if limit <= 0:
        return []
    if connection.vendor == "postgresql":
        return _postgres_hits(documents, q, limit, few=few)
    return _sqlite_hits(documents, q, limit)


def _tied_to(service_item_id: int) -> Q:
    """The documents of the articles tied to a service item: on PostgreSQL through the
    documents' own GIN-indexed copy of the article's service items."""
    if connection.vendor == "postgresql":
        return Q(service_item_ids__contains=[service_item_id])
    return Q(article_id__in=Article.service_items.through.objects.filter(serviceitem_id=service_item_id)
             .values("article_id"))


def search_hits(*, user: User, q: str, service_item_id: int | None = None, limit: int = SEARCH_LIMIT) -> list[Hit]:
    """The published articles visible to `user` that match `q`, best first (those tied to
    `service_item_id` before the others when it is given), at most `limit`."""
    q = (q or "").strip()
    if not q:
        return []
    # The visibility rule is probed per candidate (the article's primary key), inside each
    # source's LIMIT, so the candidates ranked are all visible.
    documents = ArticleSearchDocument.objects.filter(
        article_id__in=published_articles_visible_to(user=user).values("pk"))
    hits: list[Hit] = []
    if service_item_id is not None:
        tied = _tied_to(service_item_id)
        hits = [Hit(pk, score, True) for pk, score in _hits(documents.filter(tied), q, limit, few=True)]
        documents = documents.exclude(tied)
    hits += [Hit(pk, score) for pk, score in _hits(documents, q, limit - len(hits))]
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
