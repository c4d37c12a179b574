"""The knowledge-base search: one ranked search for the portal, the reply box, the API and
the suggestions while filing. Visibility comes from `knowledge.selectors`: an article is
listed only when it is published and visible to the user.

On PostgreSQL a document matches when its `tsvector` matches any word of the query (the
last one also as a prefix while typed), or when its folded title contains the whole query
(pg_trgm index). Title matches come first, then articles matching only in the body.

What costs is ranking: a common word ("printer") is in thousands of titles, and reading
and ranking each of them took tens of milliseconds. So each stage ranks a bounded set of
candidates read through the GIN indexes with a LIMIT before any ranking
(`kbsearch.sql`): for the titles, up to `cap` documents containing every query word, up
to `cap` containing any, and up to `cap` containing the whole query; for the body, up to
`cap` documents. Among those the score is `ts_rank` of the title plus 0.5 when the title
contains the whole query plus 0.5 × its trigram similarity to the query (for the body:
0.5 × `ts_rank` of the whole document, title words weigh A, body words B). The best
`cap` = 3 × the places asked for + 30 are checked against the visibility rule (one
primary-key lookup); when too few are visible and the bound may have cut candidates
short, a window eight times as large is ranked. With a service item (the suggestions
while filing) the same two stages run first on the service's articles, then on the
others: the words' GIN indexes also hold the service items (two-column indexes), so
"matches these words and is tied to this service" is one index scan. Titles holding every word of a question
are always candidates; for a single common word its titles score the same, so which of
its thousands are listed is arbitrary among equals.

On SQLite a document matches when its words contain any query word (English ones
stemmed), and ranks by how many words it has, three points in the title, one in the body.
"""

import json
from dataclasses import dataclass
from functools import reduce
from operator import add, or_

from django.db import connection
from django.db.models import Case, FloatField, IntegerField, Max, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.utils.safestring import SafeString

from knowledge.models import Article, ArticleRevision, ArticleTicketLink
from knowledge.selectors import articles_for_listing, pick_revision, published_articles_visible_to
from servicedesk.search import fold
from teams.models import User

from . import sql
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


def _visible_best(rank_window, limit: int, visible: QuerySet[Article]) -> list[tuple[int, float]]:
    """The best `limit` visible articles of a ranking: `rank_window(window)` ranks a bounded
    candidate set and returns its best `window` and whether the bound may have cut it
    short. The visible ones of the window are kept (one primary-key lookup); only when
    too few of them are visible and more candidates exist is a window eight times as
    large ranked."""
    window = limit * CANDIDATES_PER_PLACE + CANDIDATES_EXTRA
    while True:
        rows, capped = rank_window(window)
        if not rows:
            return []
        allowed = set(visible.filter(pk__in=[article_id for article_id, _score in rows])
                      .values_list("pk", flat=True))
        found = [(article_id, score) for article_id, score in rows if article_id in allowed][:limit]
        if len(found) == limit or not (capped or len(rows) == window):
            return found
        window *= 8


def _postgres_hits(q: str, limit: int, visible: QuerySet[Article], scope: str | None,
                   service_item_id: int | None) -> list[tuple[int, float]]:
    """Title matches first, then (while places are left) articles matching only in the body,
    each stage ranking a bounded set of candidates (see the module's docstring and
    `kbsearch.sql`). `scope`: None, or "tied"/"untied" to `service_item_id`."""
    any_words = tsquery(q)
    whole = fold(q.strip())
    substring = len(whole) >= MIN_SUBSTRING
    if not any_words and not substring:
        return []
    params = {"any": any_words, "every": tsquery(q, every=True), "whole": whole, "like": sql.like_pattern(whole),
              "whole_weight": TITLE_SIMILARITY_WEIGHT if substring else 0.0,
              "similarity_weight": TITLE_SIMILARITY_WEIGHT, "body_weight": BODY_RANK_WEIGHT,
              "tied": json.dumps([service_item_id]), "seen": []}
    sources = []
    if any_words:
        if params["every"] != any_words:
            sources.append("every")
        sources.append("any")
    if substring:
        sources.append("whole")
    score = "title" if any_words else "title_no_words"

    def titles(window: int):
        return sql.ranked_window(sources=sources, score=score, scope=scope, cap=window, window=window, params=params)

    found = _visible_best(titles, limit, visible)
    if len(found) < limit and any_words:
        seen = [article_id for article_id, _score in found]

        def bodies(window: int):
            return sql.ranked_window(sources=["body"], score="body", scope=scope, cap=window, window=window,
                                     params={**params, "seen": seen})

        found += _visible_best(bodies, limit - len(found), visible)
    return found


def _sqlite_hits(q: str, limit: int, visible: QuerySet[Article], scope: str | None,
                 service_item_id: int | None) -> list[tuple[int, float]]:
    terms = like_terms(q)
    if not terms:
        return []
    documents = ArticleSearchDocument.objects.filter(article_id__in=visible.values("pk"))
    if scope is not None:
        tied = Q(article_id__in=Article.service_items.through.objects.filter(serviceitem_id=service_item_id)
                 .values("article_id"))
        documents = documents.filter(tied) if scope == "tied" else documents.exclude(tied)
    condition = reduce(or_, (Q(title_words__contains=t) | Q(body_words__contains=t) for t in terms))
    points = reduce(add, (
        Case(When(title_words__contains=t, then=Value(3)), default=Value(0), output_field=IntegerField())
        + Case(When(body_words__contains=t, then=Value(1)), default=Value(0), output_field=IntegerField())
        for t in terms
    ))
    return _ranked(documents.filter(condition), points, limit)


def _hits(q: str, limit: int, visible: QuerySet[Article], scope: str | None = None,
          service_item_id: int | None = None) -> list[tuple[int, float]]:
    if limit <= 0:
        return []
    search = _postgres_hits if connection.vendor == "postgresql" else _sqlite_hits
    return search(q, limit, visible, scope, service_item_id)


def search_hits(*, user: User, q: str, service_item_id: int | None = None, limit: int = SEARCH_LIMIT) -> list[Hit]:
    """The published articles visible to `user` that match `q`, best first (those tied to
    `service_item_id` before the others when it is given), at most `limit`."""
    q = (q or "").strip()
    if not q:
        return []
    visible = published_articles_visible_to(user=user)
    if service_item_id is None:
        return [Hit(pk, score) for pk, score in _hits(q, limit, visible)]
    hits = [Hit(pk, score, True) for pk, score in _hits(q, limit, visible, "tied", service_item_id)]
    hits += [Hit(pk, score) for pk, score in _hits(q, limit - len(hits), visible, "untied", service_item_id)]
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
                   limit: int = SEARCH_LIMIT, within: QuerySet[Article] | None = None) -> list[SearchResult]:
    """The matches of `q` in the reader's language (or its fallback), titles and snippets
    highlighted: what the portal's results, the reply box, the suggestions and the API's
    article list show. `within` (e.g. the list's filters) keeps only those of its articles
    among the best `limit`."""
    hits = search_hits(user=user, q=q, service_item_id=service_item_id, limit=limit)
    if not hits:
        return []
    matched = Article.objects.filter(pk__in=[hit.article_id for hit in hits])
    if within is not None:
        matched = matched.filter(pk__in=within.values("pk"))
    # put in the hits' order here: a CASE of one WHEN per hit cost more to compose than
    # the rest of a page of 50 results
    position = {hit.article_id: index for index, hit in enumerate(hits)}
    articles = sorted(articles_for_listing(user=user, articles=matched, with_names=False),
                      key=lambda article: position[article.pk])
    for_item = {hit.article_id: hit.for_service_item for hit in hits}
    shown = [(article, revision) for article in articles
             if (revision := pick_revision(article.live_revisions, language)) is not None]
    plain = dict(ArticleSearchDocument.objects.filter(revision_id__in=[revision.pk for _article, revision in shown])
                 .values_list("revision_id", "body_plain")) if shown else {}
    return [SearchResult(
        article=article, revision=revision, title_html=highlight(revision.title, q, length=200),
        snippet_html=excerpt(revision.body, q, plain=plain.get(revision.pk)),
        for_service_item=for_item.get(article.pk, False),
    ) for article, revision in shown]


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
