from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import serializers

from servicedesk.api import fields as strict
from teams.api.serializers import UserSummarySerializer
from teams.models import Team
from tickets.models import ServiceCategory, ServiceItem

from ..models import Article, ArticleRevision, ArticleStatus, RevisionStatus, Visibility
from ..selectors import pick_revision


class ArticleRevisionSerializer(serializers.ModelSerializer):
    author = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = ArticleRevision
        fields = ["id", "number", "language", "title", "body", "status", "author", "created_at", "published_at",
                  "review_note"]
        read_only_fields = fields


class ArticleSerializer(serializers.ModelSerializer):
    """An article as its reader sees it: `title`, `body` and `language` of the published
    revision in the reader's language (or `?language=`, else a fallback), the other
    languages in `languages`. Writers of its team also get `pending`: the draft or
    in-review revision of each language."""

    team = serializers.IntegerField(source="team_id", read_only=True)
    category = serializers.IntegerField(source="category_id", read_only=True, allow_null=True)
    service_items = serializers.SerializerMethodField()
    owner = UserSummarySerializer(read_only=True, allow_null=True)
    source_ticket = serializers.IntegerField(source="source_ticket_id", read_only=True, allow_null=True)
    language = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    revision = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()
    pending = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["id", "team", "category", "service_items", "tags", "visibility", "status", "owner", "review_by",
                  "source_ticket", "view_count", "created_at", "updated_at", "published_at", "language", "title",
                  "body", "revision", "languages", "pending"]
        read_only_fields = fields

    def _shown(self, article: Article) -> ArticleRevision | None:
        cache = self.context.setdefault("shown", {})
        if article.pk not in cache:
            language = self.context.get("language") or translation.get_language()
            live = [r for r in article.current_revisions if r.status == RevisionStatus.PUBLISHED]
            shown = pick_revision(live, language)
            if shown is None and self._writer(article):
                shown = pick_revision(article.current_revisions, language)
            cache[article.pk] = shown
        return cache[article.pk]

    def _writer(self, article: Article) -> bool:
        return article.team_id in self.context.get("writer_team_ids", ()) or self.context.get("admin", False)

    def get_service_items(self, article: Article) -> list[int]:
        return sorted(item.pk for item in article.service_items.all())

    def get_language(self, article: Article) -> str | None:
        shown = self._shown(article)
        return shown.language if shown else None

    def get_title(self, article: Article) -> str:
        shown = self._shown(article)
        return shown.title if shown else ""

    def get_body(self, article: Article) -> str:
        shown = self._shown(article)
        return shown.body if shown else ""

    def get_revision(self, article: Article) -> int | None:
        shown = self._shown(article)
        return shown.number if shown else None

    def get_languages(self, article: Article) -> list[str]:
        return sorted({r.language for r in article.current_revisions if r.status == RevisionStatus.PUBLISHED})

    def get_pending(self, article: Article) -> list[dict]:
        if not self._writer(article):
            return []
        return ArticleRevisionSerializer(
            [r for r in article.current_revisions if r.status != RevisionStatus.PUBLISHED], many=True).data


LANGUAGES = settings.LANGUAGES


class ArticleWriteSerializer(serializers.Serializer):
    """A new article (all of `title`, `team`, `language`) or a change of one (any field):
    a change of `title` or `body` becomes a new draft revision in `language`."""

    title = strict.LineField(max_length=200)
    body = strict.TextField(max_length=100_000, required=False, allow_blank=True, default="")
    language = strict.ChoiceField(choices=LANGUAGES)
    team = strict.IdRelatedField(queryset=Team.objects.filter(is_active=True))
    visibility = strict.ChoiceField(choices=Visibility.choices, required=False, default=Visibility.EVERYONE)
    category = strict.IdRelatedField(queryset=ServiceCategory.objects.all(), required=False, allow_null=True,
                                     default=None)
    service_items = serializers.ListField(child=strict.IdRelatedField(queryset=ServiceItem.objects.all()),
                                          required=False, default=list, max_length=50)
    tags = serializers.ListField(child=strict.LineField(max_length=40), required=False, default=list,
                                 max_length=20)
    review_by = serializers.DateField(required=False, allow_null=True, default=None)


class ArticleUpdateSerializer(ArticleWriteSerializer):
    title = strict.LineField(max_length=200, required=False)
    body = strict.TextField(max_length=100_000, required=False, allow_blank=True)
    language = strict.ChoiceField(choices=LANGUAGES, required=False)
    team = strict.IdRelatedField(queryset=Team.objects.filter(is_active=True), required=False)
    visibility = strict.ChoiceField(choices=Visibility.choices, required=False)
    category = strict.IdRelatedField(queryset=ServiceCategory.objects.all(), required=False, allow_null=True)
    service_items = serializers.ListField(child=strict.IdRelatedField(queryset=ServiceItem.objects.all()),
                                          required=False, max_length=50)
    tags = serializers.ListField(child=strict.LineField(max_length=40), required=False, max_length=20)
    review_by = serializers.DateField(required=False, allow_null=True)


class SubmitSerializer(serializers.Serializer):
    language = strict.ChoiceField(choices=settings.LANGUAGES, required=False, allow_null=True, default=None,
                                  help_text="Send only the draft in this language (default: every draft).")


class PublishSerializer(serializers.Serializer):
    revisions = serializers.ListField(
        child=strict.IntegerField(min_value=1, max_value=2**31 - 1), required=False, allow_null=True, default=None,
        max_length=10, help_text="The revision numbers the reviewer read; if others are in review, 409.")


class ArchiveSerializer(serializers.Serializer):
    archived = strict.BooleanField(required=False, default=True,
                                   help_text="false brings an archived article back.")


class ReviewNoteSerializer(serializers.Serializer):
    note = strict.TextField(max_length=4000, required=False, allow_blank=True, default="")


class FeedbackSerializer(serializers.Serializer):
    """`helpful` (true or false), or `outdated: true` to report the article out of date;
    on the published revision in `language` (default: the one the reader gets)."""

    helpful = strict.BooleanField(required=False, allow_null=True, default=None)
    outdated = strict.BooleanField(required=False, default=False)
    comment = strict.TextField(max_length=2000, required=False, allow_blank=True, default="")
    language = strict.ChoiceField(choices=LANGUAGES, required=False, allow_null=True, default=None)

    def validate(self, attrs):
        if attrs["helpful"] is None and not attrs["outdated"]:
            raise serializers.ValidationError({"helpful": [_("Say whether the article helped, or report it out of date.")]})
        return attrs


class ArticleFilterSerializer(serializers.Serializer):
    team = serializers.IntegerField(required=False, min_value=1)
    service_item = serializers.IntegerField(required=False, min_value=1)
    language = serializers.ChoiceField(choices=LANGUAGES, required=False)
    status = serializers.ChoiceField(choices=ArticleStatus.choices, required=False)
