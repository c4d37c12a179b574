"""The knowledge base: articles of solved problems, in several languages, with revisions.

An `Article` is the thing a reader finds: owned by a service team, filed under a service
category, tied to service items, with a visibility and a review-by date. Its text lives in
`ArticleRevision` rows, one language each (en, zh-hans, zh-hant). A revision's title and
body never change once written: every edit writes a new revision. Per language at most one
revision is live (published) and at most one is pending (a draft or in review), so a
published article stays readable while its next revision is written and reviewed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    """Who may read a published article."""

    EVERYONE = "everyone", _("everyone")
    AGENTS = "agents", _("agents of all teams")
    TEAM = "team", _("the owning team only")


class ArticleStatus(models.TextChoices):
    """Where an article stands for its readers.

    `published` while it has a live revision (even with a newer draft pending); `draft` and
    `in_review` only before its first publication; `archived` when taken down.
    """

    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


class RevisionStatus(models.TextChoices):
    """Where one revision stands: written, reviewed, live, or replaced by a later one."""

    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    PUBLISHED = "published", _("published")
    SUPERSEDED = "superseded", _("superseded")


PENDING_REVISION = (RevisionStatus.DRAFT, RevisionStatus.IN_REVIEW)


class Article(models.Model):
    """One entry of the knowledge base (知识文章): the owning team's account of a solved problem."""

    team = models.ForeignKey("teams.Team", verbose_name=_("service team"), on_delete=models.PROTECT,
                             related_name="articles")
    category = models.ForeignKey("tickets.ServiceCategory", verbose_name=_("service category"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="articles")
    service_items = models.ManyToManyField("tickets.ServiceItem", verbose_name=_("related services"), blank=True,
                                           related_name="articles")
    tags = models.JSONField(_("tags"), default=list, blank=True)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.EVERYONE)
    status = models.CharField(_("status"), max_length=10, choices=ArticleStatus.choices,
                              default=ArticleStatus.DRAFT)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="owned_articles")
    review_by = models.DateField(_("review by"), null=True, blank=True)
    # When the owner was last reminded that review_by has passed (the weekly sweep's mark).
    review_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    source_ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("written from ticket"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="articles_written")
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "visibility", "team"], name="kb_article_status_vis_team"),
            models.Index(fields=["review_by"], name="kb_article_review_by",
                         condition=Q(status="published", review_by__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"KB-{self.pk}"


class ArticleRevision(models.Model):
    """One language's text of an article at one moment: immutable once written.

    `number` counts the article's revisions across languages (1, 2, 3 …). `status` is the
    only column that moves (draft → in review → published → superseded, or in review →
    draft when changes are requested, with the reviewer's note).
    """

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE,
                                related_name="revisions")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RevisionStatus.choices,
                              default=RevisionStatus.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("written"))
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    review_note = models.TextField(_("review note"), blank=True, default="")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["article_id", "-number"]
        verbose_name = _("article revision")
        verbose_name_plural = _("article revisions")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="kb_revision_unique_number"),
            models.UniqueConstraint(fields=["article", "language"], condition=Q(status="published"),
                                    name="kb_revision_one_live_per_language"),
            models.UniqueConstraint(fields=["article", "language"], condition=Q(status__in=PENDING_REVISION),
                                    name="kb_revision_one_pending_per_language"),
        ]
        indexes = [models.Index(fields=["status", "article"], name="kb_revision_status_article")]

    def __str__(self) -> str:
        return f"KB-{self.article_id} r{self.number} ({self.language})"


class ArticleTicketLink(models.Model):
    """How an article met a ticket: suggested while filing, viewed from it, used in a reply,
    or solved the request. One row per (ticket, article, how), written by services."""

    class How(models.TextChoices):
        SUGGESTED = "suggested", _("suggested")
        VIEWED = "viewed", _("viewed")
        USED_IN_REPLY = "used_in_reply", _("used in a reply")
        SOLVED = "solved", _("solved the request")
        WRITTEN_FROM = "written_from", _("written from the ticket")

    ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE,
                               related_name="article_links")
    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE,
                                related_name="ticket_links")
    how = models.CharField(_("how"), max_length=15, choices=How.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    created_at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["ticket_id", "created_at", "id"]
        verbose_name = _("ticket and article link")
        verbose_name_plural = _("ticket and article links")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "article", "how"], name="kb_link_unique_ticket_article_how"),
        ]
        indexes = [models.Index(fields=["article", "how"], name="kb_link_article_how")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} ↔ KB-{self.article_id} ({self.how})"


class ArticleFeedback(models.Model):
    """A reader's word on one revision: helpful or not (with an optional comment), or a
    report that it is out of date. One vote and one report per reader and revision."""

    class Kind(models.TextChoices):
        HELPFUL = "helpful", _("helpful")
        NOT_HELPFUL = "not_helpful", _("not helpful")
        OUTDATED = "outdated", _("out of date")

    revision = models.ForeignKey(ArticleRevision, verbose_name=_("revision"), on_delete=models.CASCADE,
                                 related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reader"), on_delete=models.CASCADE,
                             related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    comment = models.TextField(_("comment"), blank=True, default="")
    created_at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
        constraints = [
            models.UniqueConstraint(fields=["revision", "user"], condition=Q(kind__in=["helpful", "not_helpful"]),
                                    name="kb_feedback_one_vote"),
            models.UniqueConstraint(fields=["revision", "user"], condition=Q(kind="outdated"),
                                    name="kb_feedback_one_outdated_report"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.revision}"
