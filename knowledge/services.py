"""Writes of the knowledge base: articles, their revisions and lifecycle, links to tickets,
readers' feedback and the weekly review reminder.

A revision's title and body are never updated: `article_edit` writes a new revision and
marks the pending one it replaces superseded. The published revision of a language stays
live until `article_publish` puts the next one in its place.
"""

import datetime as dt
import re
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from kbsearch.indexing import article_search_index
from kbsearch.text import chinese_script
from notifications import services as notify
from servicedesk.exceptions import ApplicationError, ConflictError
from servicedesk.text import multi_line, one_line_field
from teams.models import Membership, Team, User
from tickets.models import ServiceCategory, ServiceItem, Ticket

from .models import (
    PENDING_REVISION,
    Article,
    ArticleFeedback,
    ArticleRevision,
    ArticleStatus,
    ArticleTicketLink,
    RevisionStatus,
    Visibility,
)
from .selectors import articles_visible_to, can_publish_articles, can_write_articles

TITLE_MAX = 200
BODY_MAX = 100_000
TAGS_MAX = 20
TAG_MAX = 40
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def _refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise ApplicationError(message, code="permission_denied")


def article_url(article_id: int) -> str:
    return reverse("kb-article", args=[article_id])


# --- checks of what people type ----------------------------------------------------------

def _clean_text(*, title: str | None, body: str | None, language: str | None) -> tuple[str, str, str]:
    errors: dict[str, str] = {}
    try:
        title = one_line_field(title, field="title")
    except ApplicationError as error:
        errors.update(error.field_errors)
        title = ""
    else:
        if not title:
            errors["title"] = _("Give the article a title.")
        elif len(title) > TITLE_MAX:
            errors["title"] = _("At most %(max)d characters.") % {"max": TITLE_MAX}
    body = multi_line(body).strip()
    if len(body) > BODY_MAX:
        errors["body"] = _("At most %(max)d characters.") % {"max": BODY_MAX}
    if language not in LANGUAGES:
        errors["language"] = _("Choose one of the languages offered.")
    if errors:
        raise ApplicationError(next(iter(errors.values())) if len(errors) == 1
                               else _("Some fields are not valid: see each one."), field_errors=errors)
    return title, body, language


def _clean_tags(tags: Iterable[str] | None) -> list[str]:
    cleaned: list[str] = []
    for tag in tags or ():
        tag = one_line_field(str(tag), field="tags").lower()
        if not tag:
            continue
        if len(tag) > TAG_MAX:
            raise ApplicationError(_("A tag has at most %(max)d characters.") % {"max": TAG_MAX},
                                   field_errors={"tags": _("A tag has at most %(max)d characters.") % {"max": TAG_MAX}})
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > TAGS_MAX:
        raise ApplicationError(_("At most %(max)d tags.") % {"max": TAGS_MAX},
                               field_errors={"tags": _("At most %(max)d tags.") % {"max": TAGS_MAX}})
    return cleaned


def _check_visibility(visibility: str) -> str:
    if visibility not in Visibility.values:
        raise ApplicationError(_("Choose who may read the article."),
                               field_errors={"visibility": _("Choose who may read the article.")})
    return visibility


def _check_items(items: Iterable[ServiceItem] | None) -> list[ServiceItem]:
    return list(items or ())


# --- writing -----------------------------------------------------------------------------

def _next_number(article: Article) -> int:
    return (article.revisions.aggregate(top=Max("number"))["top"] or 0) + 1


def _write_revision(*, article: Article, language: str, title: str, body: str, author: User,
                    now: dt.datetime) -> ArticleRevision:
    """A new draft revision of one language, replacing the pending one (if any)."""
    article.revisions.filter(language=language, status__in=PENDING_REVISION).update(
        status=RevisionStatus.SUPERSEDED)
    return ArticleRevision.objects.create(
        article=article, language=language, number=_next_number(article), title=title, body=body,
        status=RevisionStatus.DRAFT, author=author, created_at=now,
    )


@transaction.atomic
def article_create(*, actor: User, team: Team, language: str, title: str, body: str,
                   visibility: str = Visibility.EVERYONE, category: ServiceCategory | None = None,
                   service_items: Iterable[ServiceItem] | None = None, tags: Iterable[str] | None = None,
                   review_by: dt.date | None = None, owner: User | None = None,
                   source_ticket: Ticket | None = None) -> Article:
    """A new draft article of `team` with its first revision in `language`. Agents and
    leads of the team (and service admins) write; the writer owns it unless told."""
    _refuse_unless(can_write_articles(user=actor, team_id=team.pk),
                   _("Only the team's agents can write its articles."))
    title, body, language = _clean_text(title=title, body=body, language=language)
    visibility = _check_visibility(visibility)
    tags = _clean_tags(tags)
    now = timezone.now()
    article = Article.objects.create(
        team=team, category=category, tags=tags, visibility=visibility, status=ArticleStatus.DRAFT,
        owner=owner or actor, review_by=review_by, source_ticket=source_ticket, created_by=actor,
        created_at=now, updated_at=now,
    )
    article.service_items.set(_check_items(service_items))
    _write_revision(article=article, language=language, title=title, body=body, author=actor, now=now)
    if source_ticket is not None:
        article_ticket_link(ticket=source_ticket, article=article, how=ArticleTicketLink.How.WRITTEN_FROM,
                            actor=actor)
    return article


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


_UNSET = object()


@transaction.atomic
def article_edit(*, article: Article, actor: User, language: str | None = None, title: str | None = None,
                 body: str | None = None, visibility=_UNSET, category=_UNSET, service_items=_UNSET, tags=_UNSET,
                 review_by=_UNSET, team=_UNSET) -> ArticleRevision | None:
    """Change an article: its text in one language becomes a new draft revision (the
    published one stays live until the new one is published); the other fields change at
    once. Returns the new revision, or None when the text did not change."""
    article = _locked(article)
    _refuse_unless(can_write_articles(user=actor, team_id=article.team_id),
                   _("Only the team's agents can write its articles."))
    now = timezone.now()
    changed: list[str] = []
    if team is not _UNSET and team.pk != article.team_id:
        _refuse_unless(can_write_articles(user=actor, team_id=team.pk),
                       _("You can only move an article to a team you work in."))
        article.team = team
        changed.append("team")
    if visibility is not _UNSET:
        article.visibility = _check_visibility(visibility)
        changed.append("visibility")
    if category is not _UNSET:
        article.category = category
        changed.append("category")
    if tags is not _UNSET:
        article.tags = _clean_tags(tags)
        changed.append("tags")
    if review_by is not _UNSET:
        article.review_by = review_by
        article.review_reminded_at = None  # a new date: remind again when it passes
        changed += ["review_by", "review_reminded_at"]
    if service_items is not _UNSET:
        article.service_items.set(_check_items(service_items))
        article_search_index(article_id=article.pk)  # the suggestions put a service's articles first
    revision = None
    if title is not None or body is not None:
        language = language or _current_language(article)
        base = _latest_text(article, language)
        title, body, language = _clean_text(
            title=title if title is not None else (base.title if base else ""),
            body=body if body is not None else (base.body if base else ""), language=language)
        if base is None or (base.title, base.body) != (title, body):
            revision = _write_revision(article=article, language=language, title=title, body=body, author=actor,
                                       now=now)
            if (article.status == ArticleStatus.IN_REVIEW
                    and not article.revisions.filter(status=RevisionStatus.IN_REVIEW).exists()):
                article.status = ArticleStatus.DRAFT  # its only revision in review was rewritten
                changed.append("status")
    article.updated_at = now
    article.save(update_fields=[*changed, "updated_at"])
    return revision


def _current_language(article: Article) -> str:
    latest = article.revisions.order_by("-number").first()
    return latest.language if latest else settings.LANGUAGE_CODE


def _latest_text(article: Article, language: str) -> ArticleRevision | None:
    """What an edit of `language` starts from: the pending revision, else the live one."""
    revisions = article.revisions.filter(language=language)
    return (revisions.filter(status__in=PENDING_REVISION).first()
            or revisions.filter(status=RevisionStatus.PUBLISHED).first())


@transaction.atomic
def article_submit(*, article: Article, actor: User, language: str | None = None) -> Article:
    """Send the article's drafts (or only the draft in `language`) to the team lead for review."""
    article = _locked(article)
    _refuse_unless(can_write_articles(user=actor, team_id=article.team_id),
                   _("Only the team's agents can write its articles."))
    now = timezone.now()
    drafts = article.revisions.filter(status=RevisionStatus.DRAFT)
    if language is not None:
        drafts = drafts.filter(language=language)
    if not drafts.update(status=RevisionStatus.IN_REVIEW, submitted_at=now):
        raise ApplicationError(_("There is no draft to send for review."), code="invalid_state")
    if article.status == ArticleStatus.DRAFT:
        article.status = ArticleStatus.IN_REVIEW
    article.updated_at = now
    article.save(update_fields=["status", "updated_at"])
    return article


@transaction.atomic
def article_request_changes(*, article: Article, actor: User, note: str = "") -> Article:
    """The reviewer sends the revisions in review back to draft, with a note."""
    article = _locked(article)
    _refuse_unless(can_publish_articles(user=actor, team_id=article.team_id),
                   _("Only the team lead or a service admin reviews articles."))
    now = timezone.now()
    if not article.revisions.filter(status=RevisionStatus.IN_REVIEW).update(
            status=RevisionStatus.DRAFT, reviewed_by=actor, review_note=multi_line(note).strip()[:4000]):
        raise ApplicationError(_("Nothing is waiting for review."), code="invalid_state")
    if article.status == ArticleStatus.IN_REVIEW:
        article.status = ArticleStatus.DRAFT
    article.updated_at = now
    article.save(update_fields=["status", "updated_at"])
    return article


@transaction.atomic
def article_publish(*, article: Article, actor: User, expected_revisions: Iterable[int] | None = None) -> Article:
    """Put the revisions in review live: each replaces its language's published revision,
    which becomes history. The team lead or a service admin publishes; publishing an
    archived article brings it back. With `expected_revisions` (the numbers the reviewer
    read), a different set in review is refused as a conflict: nothing unread goes live."""
    article = _locked(article)
    _refuse_unless(can_publish_articles(user=actor, team_id=article.team_id),
                   _("Only the team lead or a service admin publishes articles."))
    now = timezone.now()
    waiting = list(article.revisions.filter(status=RevisionStatus.IN_REVIEW))
    if expected_revisions is not None and sorted(set(expected_revisions)) != sorted(r.number for r in waiting):
        raise ConflictError(_("The revisions in review changed since you read them: read them again."))
    if not waiting:
        if article.status == ArticleStatus.ARCHIVED and article.revisions.filter(
                status=RevisionStatus.PUBLISHED).exists():
            waiting = []  # restoring an archived article as it was
        else:
            raise ApplicationError(_("Send the article for review before publishing it."), code="invalid_state")
    languages = [revision.language for revision in waiting]
    # The old live revision first: one published revision per language at any time.
    article.revisions.filter(language__in=languages, status=RevisionStatus.PUBLISHED).update(
        status=RevisionStatus.SUPERSEDED)
    article.revisions.filter(pk__in=[revision.pk for revision in waiting]).update(
        status=RevisionStatus.PUBLISHED, reviewed_by=actor, published_at=now, review_note="")
    article.status = ArticleStatus.PUBLISHED
    article.published_at = now
    article.updated_at = now
    article.save(update_fields=["status", "published_at", "updated_at"])
    article_search_index(article_id=article.pk)  # the search finds the new text from now on
    return article


@transaction.atomic
def article_archive(*, article: Article, actor: User) -> Article:
    """Take the article down: readers no longer find it; its history stays."""
    article = _locked(article)
    _refuse_unless(can_publish_articles(user=actor, team_id=article.team_id),
                   _("Only the team lead or a service admin archives articles."))
    if article.status == ArticleStatus.ARCHIVED:
        return article
    article.status = ArticleStatus.ARCHIVED
    article.updated_at = timezone.now()
    article.save(update_fields=["status", "updated_at"])
    article_search_index(article_id=article.pk)  # readers no longer find it
    return article


@transaction.atomic
def article_unarchive(*, article: Article, actor: User) -> Article:
    """Bring an archived article back as it was: published again if it has a live text."""
    article = _locked(article)
    _refuse_unless(can_publish_articles(user=actor, team_id=article.team_id),
                   _("Only the team lead or a service admin archives articles."))
    if article.status != ArticleStatus.ARCHIVED:
        return article
    live = article.revisions.filter(status=RevisionStatus.PUBLISHED).exists()
    article.status = ArticleStatus.PUBLISHED if live else ArticleStatus.DRAFT
    article.updated_at = timezone.now()
    article.save(update_fields=["status", "updated_at"])
    return article


# --- tickets and articles ----------------------------------------------------------------

def article_ticket_link(*, ticket: Ticket, article: Article, how: str, actor: User | None = None) -> bool:
    """Record how an article met a ticket; once per (ticket, article, how). True when new."""
    if how not in ArticleTicketLink.How.values:
        raise ApplicationError(_("Unknown kind of link."), field_errors={"how": _("Unknown kind of link.")})
    created = ArticleTicketLink.objects.bulk_create(
        [ArticleTicketLink(ticket=ticket, article=article, how=how, actor=actor, created_at=timezone.now())],
        ignore_conflicts=True)
    return bool(created and created[0].pk)


_ARTICLE_LINK = re.compile(r"/kb/articles/(\d+)/")


@transaction.atomic
def articles_used_in_reply(*, ticket: Ticket, text: str, actor: User) -> list[int]:
    """The articles a reply links to (inserted from the reply box), each recorded once as
    used in a reply on the ticket. Only articles the author may see count."""
    ids = {int(found) for found in _ARTICLE_LINK.findall(text or "")}
    if not ids:
        return []
    articles = list(articles_visible_to(user=actor).filter(pk__in=ids))
    for article in articles:
        article_ticket_link(ticket=ticket, article=article, how=ArticleTicketLink.How.USED_IN_REPLY, actor=actor)
    return sorted(article.pk for article in articles)


def article_viewed(*, article: Article, ticket: Ticket | None = None, actor: User | None = None) -> None:
    """A reader opened the article (from a ticket when `ticket` is given)."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
    if ticket is not None:
        article_ticket_link(ticket=ticket, article=article, how=ArticleTicketLink.How.VIEWED, actor=actor)


def _known_language(code: str | None) -> str | None:
    return code if code in LANGUAGES else None


def article_language_for(*, text: str, person: User | None, fallback: str | None = None) -> str:
    """The language of an article written from someone's text (a ticket, a problem): the
    script of the text when it is Chinese (简 or 繁), otherwise that person's profile
    language, otherwise `fallback` (the writer's current language), otherwise the default."""
    return (chinese_script(text) or _known_language(getattr(person, "language", None))
            or _known_language((fallback or "").lower()) or settings.LANGUAGE_CODE)


def article_prefill_from_ticket(*, ticket: Ticket, fallback_language: str | None = None) -> dict[str, str]:
    """Title and body of a new article written from a resolved ticket: the ticket's title,
    its description as the problem and its resolution summary as the solution, in the
    language of the ticket (`article_language_for`: its text, its requester), the headings too."""
    language = article_language_for(text=f"{ticket.title}\n{ticket.description}\n{ticket.resolution_summary}",
                                    person=ticket.requester, fallback=fallback_language)
    with override(language):
        problem, resolution = _("Problem"), _("Resolution")
    body = f"## {problem}\n\n{ticket.description.strip()}\n\n## {resolution}\n\n{ticket.resolution_summary.strip()}\n"
    return {"title": ticket.title, "body": body, "language": language}


@transaction.atomic
def article_create_from_problem(*, problem_title: str, symptoms: str, workaround: str, team: Team, actor: User,
                                language: str | None = None, visibility: str = Visibility.EVERYONE,
                                root_cause: str = "") -> Article:
    """A known error as an article in one step: symptoms and workaround written down,
    sent for review and, when the actor may publish (the team lead, a service admin),
    published at once. Takes plain values so that the problem library needs no import
    of ours beyond this function."""
    language = language or article_language_for(
        text="\n".join((problem_title, symptoms, root_cause, workaround)), person=actor)
    with override(language):
        headings = (_("Symptoms"), _("Root cause"), _("Workaround"))
    parts = [f"## {headings[0]}\n\n{multi_line(symptoms).strip()}"]
    if root_cause.strip():
        parts.append(f"## {headings[1]}\n\n{multi_line(root_cause).strip()}")
    parts.append(f"## {headings[2]}\n\n{multi_line(workaround).strip()}")
    article = article_create(actor=actor, team=team, language=language, title=problem_title,
                             body="\n\n".join(parts) + "\n", visibility=visibility, tags=["known-error"])
    article_submit(article=article, actor=actor)
    if can_publish_articles(user=actor, team_id=team.pk):
        article_publish(article=article, actor=actor)
    return Article.objects.get(pk=article.pk)


# --- readers' feedback -------------------------------------------------------------------

@transaction.atomic
def article_feedback(*, revision: ArticleRevision, user: User, helpful: bool, comment: str = "") -> ArticleFeedback:
    """A reader's vote on the revision they read (their latest vote counts)."""
    if revision.status != RevisionStatus.PUBLISHED:
        raise ApplicationError(_("Only a published article takes feedback."), code="invalid_state")
    kind = ArticleFeedback.Kind.HELPFUL if helpful else ArticleFeedback.Kind.NOT_HELPFUL
    comment = multi_line(comment).strip()[:2000]
    ArticleFeedback.objects.filter(
        revision=revision, user=user, kind__in=[ArticleFeedback.Kind.HELPFUL, ArticleFeedback.Kind.NOT_HELPFUL],
    ).exclude(kind=kind).delete()
    feedback, _created = ArticleFeedback.objects.update_or_create(
        revision=revision, user=user, kind=kind, defaults={"comment": comment, "created_at": timezone.now()})
    return feedback


@transaction.atomic
def article_report_outdated(*, revision: ArticleRevision, user: User, comment: str = "") -> ArticleFeedback:
    """A reader says the revision is out of date: recorded once per reader and revision,
    and the owner (the team lead when it has none) is notified the first time."""
    if revision.status != RevisionStatus.PUBLISHED:
        raise ApplicationError(_("Only a published article takes feedback."), code="invalid_state")
    feedback, created = ArticleFeedback.objects.get_or_create(
        revision=revision, user=user, kind=ArticleFeedback.Kind.OUTDATED,
        defaults={"comment": multi_line(comment).strip()[:2000], "created_at": timezone.now()})
    if created:
        article = revision.article
        for owner in _owners(article):
            notify.article_reported_outdated(owner=owner, article_id=article.pk, title=revision.title,
                                             url=article_url(article.pk), feedback_id=feedback.pk, reporter=user)
    return feedback


def _owners(article: Article) -> list[User]:
    if article.owner_id and article.owner.is_active:
        return [article.owner]
    return [m.user for m in Membership.objects.filter(team_id=article.team_id, role=Membership.Role.LEAD)
            .select_related("user")]


# --- the weekly review reminder ----------------------------------------------------------

REMIND_EVERY = dt.timedelta(days=7)


def article_review_reminders_send(*, now: dt.datetime | None = None, batch_size: int = 500) -> int:
    """Remind the owners of published articles whose review-by date has passed, once a
    week per article. Selects by state (the date passed, not reminded in the last week),
    claims the rows with SKIP LOCKED: running it twice, or on two workers, sends one
    reminder. Returns how many articles were reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    while True:
        with transaction.atomic():
            due = list(
                Article.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=ArticleStatus.PUBLISHED, review_by__lt=today)
                .filter(Q(review_reminded_at__isnull=True) | Q(review_reminded_at__lte=now - REMIND_EVERY))
                .select_related("owner").order_by("review_by", "id")[:batch_size])
            if not due:
                return sent
            titles = _live_titles([article.pk for article in due])
            year, week, _day = today.isocalendar()
            for article in due:
                for owner in _owners(article):
                    notify.article_review_due(owner=owner, article_id=article.pk,
                                              title=titles.get(article.pk, f"KB-{article.pk}"),
                                              url=article_url(article.pk), week=f"{year}-W{week:02d}")
            Article.objects.filter(pk__in=[article.pk for article in due]).update(review_reminded_at=now)
            sent += len(due)
        if len(due) < batch_size:
            return sent


def _live_titles(article_ids: list[int]) -> dict[int, str]:
    titles: dict[int, str] = {}
    for article_id, language, title in (ArticleRevision.objects.filter(
            article_id__in=article_ids, status=RevisionStatus.PUBLISHED)
            .values_list("article_id", "language", "title").order_by("article_id", "language")):
        if article_id not in titles or language == settings.LANGUAGE_CODE:
            titles[article_id] = title
    return titles
