"""The knowledge base's figures in the reports: what a team's articles (or one member's) did
over a period. The knowledge tables are small (thousands of articles, not millions of
tickets), so these read them directly rather than through the daily rollups.

What each figure counts (the README repeats it; the pages show it beside the figure):

- `written`: articles created in the period (their first revision written).
- `published`: articles first published in the period (the earliest publication of any of
  their revisions; a later revision going live is not a new article).
- `views`: views of the articles opened from a ticket in the period (`ArticleTicketLink`
  "viewed": once per ticket and article). These are the only dated views: the knowledge
  base otherwise keeps one counter per article (`Article.view_count`), with no dates, shown
  apart as `views_all_time` (every view since the article was written, whatever the period).
- `helpful`: readers' "helpful" answers out of all helpful / not-helpful answers given in the
  period (a reader who changes their mind counts once, at their latest answer).
- `deflections`: requests not filed because one of the articles solved them (自助解决,
  `kbsearch.Deflection`) in the period.
- `solved`: tickets whose requester marked one of the articles as having solved the request,
  in the period (links "solved"; a ticket solved by two articles counts for each).
- `used_in_reply`: tickets where one of the articles was linked from a reply in the period.

Whose articles: a team's are the articles the team owns (`Article.team`); a member's are the
team's articles the member wrote (`Article.created_by`, the author of the first revision).
The deflections of a team are those of its articles (not `Deflection.team`, the team that
would have received the request), so that a member's figure is a part of the team's.

Instants in, counts out: the callers cut the days in the report time zone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Min, Q, QuerySet, Sum

from kbsearch.models import Deflection
from knowledge.models import Article, ArticleFeedback, ArticleTicketLink

from . import definitions as d

VOTES = (ArticleFeedback.Kind.HELPFUL, ArticleFeedback.Kind.NOT_HELPFUL)


def empty_knowledge() -> dict:
    return {"written": 0, "published": 0, "views": 0, "views_all_time": 0,
            "helpful": {"helpful": 0, "answers": 0, "share": None},
            "deflections": 0, "solved": 0, "used_in_reply": 0}


def _articles(team_ids: Iterable[int] | None) -> QuerySet[Article]:
    articles = Article.objects.all()
    return articles if team_ids is None else articles.filter(team_id__in=list(team_ids))


def _figures(*, team_ids: Iterable[int] | None, start: dt.datetime, end: dt.datetime,
             by_author: bool) -> dict:
    """{None: figures} for all the teams' articles, or {author id: figures} per author.
    Seven grouped queries."""
    articles = _articles(team_ids)
    out: dict = defaultdict(empty_knowledge)

    def grouped(qs: QuerySet, author_path: str, **aggregates) -> list[tuple]:
        if by_author:
            rows = qs.values(author_path).annotate(**aggregates).order_by()
            return [(row[author_path], row) for row in rows]
        return [(None, qs.aggregate(**aggregates))]

    in_period = Q(created_at__gte=start, created_at__lt=end)
    for key, row in grouped(articles.filter(in_period), "created_by", n=Count("pk")):
        out[key]["written"] += row["n"] or 0
    first_published = (articles.annotate(first=Min("revisions__published_at"))
                       .filter(first__gte=start, first__lt=end))
    for key, row in grouped(Article.objects.filter(pk__in=first_published.values("pk")), "created_by",
                            n=Count("pk")):
        out[key]["published"] += row["n"] or 0
    for key, row in grouped(articles, "created_by", n=Sum("view_count")):
        out[key]["views_all_time"] += row["n"] or 0
    links = ArticleTicketLink.objects.filter(in_period, article__in=articles)
    for key, row in grouped(links, "article__created_by",
                            views=Count("pk", filter=Q(how=ArticleTicketLink.How.VIEWED)),
                            solved=Count("pk", filter=Q(how=ArticleTicketLink.How.SOLVED)),
                            used=Count("pk", filter=Q(how=ArticleTicketLink.How.USED_IN_REPLY))):
        out[key]["views"] += row["views"] or 0
        out[key]["solved"] += row["solved"] or 0
        out[key]["used_in_reply"] += row["used"] or 0
    votes = ArticleFeedback.objects.filter(in_period, kind__in=VOTES, revision__article__in=articles)
    for key, row in grouped(votes, "revision__article__created_by", answers=Count("pk"),
                            helpful=Count("pk", filter=Q(kind=ArticleFeedback.Kind.HELPFUL))):
        out[key]["helpful"]["helpful"] += row["helpful"] or 0
        out[key]["helpful"]["answers"] += row["answers"] or 0
    deflections = Deflection.objects.filter(in_period, article__in=articles)
    for key, row in grouped(deflections, "article__created_by", n=Count("pk")):
        out[key]["deflections"] += row["n"] or 0
    for figures in out.values():
        figures["helpful"]["share"] = d.ratio(figures["helpful"]["helpful"], figures["helpful"]["answers"])
    return dict(out)


def knowledge_summary(*, team_ids: Iterable[int] | None, start: dt.datetime, end: dt.datetime) -> dict:
    """The knowledge-base figures of the teams' articles (every team's when None) in
    [start, end)."""
    return _figures(team_ids=team_ids, start=start, end=end, by_author=False).get(None) or empty_knowledge()


def knowledge_by_author(*, team_ids: Iterable[int] | None, start: dt.datetime, end: dt.datetime) -> dict[int, dict]:
    """The same figures per author of the teams' articles: {user id: figures} (authors with
    nothing to count are absent; articles whose author was deleted are left out)."""
    figures = _figures(team_ids=team_ids, start=start, end=end, by_author=True)
    figures.pop(None, None)
    return figures
