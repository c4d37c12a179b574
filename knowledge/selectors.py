"""Reads of the knowledge base. `articles_visible_to` is the one place that decides which
articles a user may see; the pages, the API and the search all start from it."""

from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet

from teams.models import Membership, User
from teams.selectors import user_team_ids, visible_teams

from .models import Article, ArticleRevision, ArticleStatus, RevisionStatus, Visibility

# Which language's text a reader gets when the article lacks theirs: the other Chinese
# script first for a Chinese reader, then English; Chinese for an English reader.
LANGUAGE_FALLBACKS: dict[str, tuple[str, ...]] = {
    "en": ("en", "zh-hans", "zh-hant"),
    "zh-hans": ("zh-hans", "zh-hant", "en"),
    "zh-hant": ("zh-hant", "zh-hans", "en"),
}


def articles_visible_to(*, user: User) -> QuerySet[Article]:
    """Every article the user may open, in any status.

    Service admins: all. Agents and leads: every article of their own teams (drafts too),
    and the published articles of other teams meant for everyone or for all agents.
    Employees: published articles meant for everyone. Anonymous: none.
    """
    if not user.is_authenticated:
        return Article.objects.none()
    if user.is_admin_role:
        return Article.objects.all()
    published = Q(status=ArticleStatus.PUBLISHED)
    team_ids = user_team_ids(user=user)
    if not team_ids:
        return Article.objects.filter(published, visibility=Visibility.EVERYONE)
    return Article.objects.filter(
        Q(team_id__in=team_ids) | (published & Q(visibility__in=[Visibility.EVERYONE, Visibility.AGENTS]))
    )


def published_articles_visible_to(*, user: User) -> QuerySet[Article]:
    """What a reader may find: the published articles among those visible to the user."""
    return articles_visible_to(user=user).filter(status=ArticleStatus.PUBLISHED)


def article_get(*, user: User, pk: int) -> Article | None:
    """One article if the user may see it (None otherwise: the caller answers 404)."""
    return (articles_visible_to(user=user)
            .select_related("team", "category", "owner", "source_ticket")
            .prefetch_related("service_items").filter(pk=pk).first())


def language_order(language: str | None) -> tuple[str, ...]:
    return LANGUAGE_FALLBACKS.get((language or "en").lower(), LANGUAGE_FALLBACKS["en"])


def pick_revision(revisions: Iterable[ArticleRevision], language: str | None) -> ArticleRevision | None:
    """The revision in the reader's language, else the first fallback that exists."""
    by_language = {revision.language: revision for revision in revisions}
    for code in language_order(language):
        if code in by_language:
            return by_language[code]
    return None


def live_revisions(*, article: Article) -> list[ArticleRevision]:
    """The published revision of each language (what readers see)."""
    return list(article.revisions.filter(status=RevisionStatus.PUBLISHED).order_by("language"))


def pending_revisions(*, article: Article) -> list[ArticleRevision]:
    """The draft or in-review revision of each language (what editors work on)."""
    return list(article.revisions.filter(status__in=[RevisionStatus.DRAFT, RevisionStatus.IN_REVIEW])
                .order_by("language"))


def articles_for_listing(*, user: User, articles: QuerySet[Article] | None = None,
                         with_names: bool = True) -> QuerySet[Article]:
    """Published articles ready for a list (portal home, search results, the reply box):
    `articles` (e.g. the search's ranked queryset; default: all) narrowed to what the user
    may read, with live revisions loaded (`article.live_revisions`) and, with `with_names`,
    team and category (what a list page shows beside a title; the API's search results and
    the suggestions show neither). The order of `articles` is kept; with none given, the
    latest published first."""
    visible = published_articles_visible_to(user=user)
    if articles is None:
        queryset = visible.order_by("-published_at", "-id")
    else:
        queryset = articles.filter(status=ArticleStatus.PUBLISHED, pk__in=visible.values("pk"))
    if with_names:
        queryset = queryset.select_related("team", "category")
    return queryset.prefetch_related(
        Prefetch("revisions", queryset=ArticleRevision.objects.filter(status=RevisionStatus.PUBLISHED),
                 to_attr="live_revisions"))


def article_revisions(*, article: Article) -> QuerySet[ArticleRevision]:
    """The article's history, newest first."""
    return article.revisions.select_related("author", "reviewed_by").order_by("-number")


def review_queue(*, user: User) -> QuerySet[Article]:
    """Articles with a revision waiting for review that the user may publish: the teams the
    user leads (all teams for a service admin)."""
    queryset = Article.objects.filter(revisions__status=RevisionStatus.IN_REVIEW).distinct()
    if not user.is_admin_role:
        led = Membership.objects.filter(user_id=user.pk, role=Membership.Role.LEAD).values("team_id")
        queryset = queryset.filter(team_id__in=led)
    return queryset.select_related("team", "owner").prefetch_related(
        Prefetch("revisions", queryset=ArticleRevision.objects.filter(status=RevisionStatus.IN_REVIEW)
                 .select_related("author"), to_attr="in_review_revisions")).order_by("updated_at", "id")


def can_write_articles(*, user: User, team_id: int) -> bool:
    """Agents and leads of the team (and service admins) write its articles."""
    if not user.is_authenticated:
        return False
    return user.is_admin_role or team_id in user_team_ids(user=user)


def can_publish_articles(*, user: User, team_id: int) -> bool:
    """The team lead (or a service admin) publishes, requests changes and archives."""
    if not user.is_authenticated:
        return False
    return user.is_admin_role or Membership.objects.filter(
        user_id=user.pk, team_id=team_id, role=Membership.Role.LEAD).exists()


def writable_teams(*, user: User):
    """Teams the user may write articles for."""
    return visible_teams(user=user)
