"""What the knowledge-base search keeps: one search document per live article revision, and
the deflections (自助解决) that suggestions earned.

`ArticleSearchDocument` holds the published text of one language version of an article,
folded (simplified script, lower case) and cut into words (`kbsearch.text`). On PostgreSQL
`search_vector` is the `tsvector` of those words (title weight A, body weight B, the
`english` configuration stems English words) and `title_vector` the title's alone (small,
so cheap to rank), each with a two-column GIN index that also holds `service_item_ids`
(the article's service items, `jsonb_path_ops`), and `title_folded` has a pg_trgm GIN
index for substrings and similarity; the indexes are created by the migrations on
PostgreSQL only.
On SQLite `search_vector` stays empty and the search matches the words columns with LIKE.
Rows are written by `kbsearch.indexing` only, when a revision is published, an article
archived or its service items changed.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleSearchDocument(models.Model):
    """The searchable text of an article's live revision in one language."""

    article = models.ForeignKey("knowledge.Article", on_delete=models.CASCADE, related_name="search_documents")
    revision = models.OneToOneField("knowledge.ArticleRevision", on_delete=models.CASCADE,
                                    related_name="search_document")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    title_folded = models.CharField(max_length=200)
    title_words = models.TextField()
    body_words = models.TextField(blank=True)
    title_vector = SearchVectorField(null=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    # The article's service items (ids, sorted), copied so that "the chosen service's
    # articles first" is answered by the words' GIN indexes on PostgreSQL (they hold
    # this column too: one scan), instead of a join over every matching document.
    service_item_ids = models.JSONField(default=list, blank=True, editable=False)
    # The body's plain text (`kbsearch.text.plain_text`), what a result's excerpt is cut
    # from: made once here rather than for every result shown (parsing the Markdown was
    # half the time of a page of results). None for documents indexed before it was kept.
    body_plain = models.TextField(null=True, editable=False)
    indexed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("article search document")
        verbose_name_plural = _("article search documents")
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="kbsearch_doc_one_per_language"),
        ]

    def __str__(self) -> str:
        return f"KB-{self.article_id} ({self.language})"


class Deflection(models.Model):
    """A request not filed because an article solved it (自助解决): the requester pressed
    "This solved it" on a suggestion while filing. One per (user, article, filing session):
    `filing_session` is the id the new-request page (or an API client) gives one attempt
    at filing, so pressing twice, or on two tabs' copies of the same attempt, counts once.
    `team` is the team that would have received the request (the service item's, else the
    article's): its deflection count is what the reports show."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requester"), on_delete=models.CASCADE,
                             related_name="deflections")
    article = models.ForeignKey("knowledge.Article", verbose_name=_("article"), on_delete=models.CASCADE,
                                related_name="deflections")
    service_item = models.ForeignKey("tickets.ServiceItem", verbose_name=_("service"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="deflections")
    team = models.ForeignKey("teams.Team", verbose_name=_("service team"), on_delete=models.CASCADE,
                             related_name="deflections")
    filing_session = models.UUIDField(_("filing session"))
    created_at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("deflection")
        verbose_name_plural = _("deflections")
        constraints = [
            models.UniqueConstraint(fields=["user", "article", "filing_session"],
                                    name="kbsearch_deflection_once_per_session"),
        ]
        indexes = [models.Index(fields=["team", "created_at"], name="kbsearch_deflection_team_when")]

    def __str__(self) -> str:
        return f"{self.user_id} solved by KB-{self.article_id}"
