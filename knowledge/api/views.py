"""/api/v1/kb/articles/: the knowledge base for API clients, with the pages' visibility
(`knowledge.selectors.articles_visible_to`): an article out of reach is a 404."""

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kbsearch.selectors import SEARCH_LIMIT, search_results
from kbsearch.serializers import ArticleSearchResultSerializer
from servicedesk.api.serializers import ErrorSerializer
from servicedesk.api.views import ApiView
from servicedesk.exceptions import ApplicationError
from teams.selectors import user_team_ids

from .. import services
from ..models import PENDING_REVISION, Article, ArticleRevision, ArticleStatus, RevisionStatus
from ..selectors import articles_visible_to, pick_revision
from .serializers import (
    ArchiveSerializer,
    ArticleFilterSerializer,
    ArticleSerializer,
    ArticleUpdateSerializer,
    ArticleWriteSerializer,
    FeedbackSerializer,
    PublishSerializer,
    ReviewNoteSerializer,
    SubmitSerializer,
)

ERRORS = {400: OpenApiResponse(ErrorSerializer, description="Invalid input; `errors` names each field."),
          403: OpenApiResponse(ErrorSerializer, description="Visible, but the user's role may not do this."),
          404: OpenApiResponse(ErrorSerializer, description="No such article, or out of the user's reach.")}
FILTERS = [
    OpenApiParameter("team", OpenApiTypes.INT, description="Articles of this service team."),
    OpenApiParameter("service_item", OpenApiTypes.INT, description="Articles related to this service."),
    OpenApiParameter("language", OpenApiTypes.STR, enum=["en", "zh-hans", "zh-hant"],
                     description="Articles with a published text in this language; also the language shown."),
    OpenApiParameter("status", OpenApiTypes.STR, enum=ArticleStatus.values,
                     description="Articles in this status (only writers of a team see its drafts)."),
]


def _body(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


SEARCH = OpenApiParameter(
    "search", OpenApiTypes.STR, description=(
        "Words to search for (kbsearch): the published matches, best first, at most `page_size` on one page, "
        "the other filters applied to them. Each item is then an `ArticleSearchResult` (title and excerpt "
        "with the matches marked, team, language, url; no body): retrieve the article for the rest."))
# Without `search` the list's items are articles; with it, search results.
LIST_ITEM = PolymorphicProxySerializer(component_name="ArticleListItem", resource_type_field_name=None,
                                       serializers=[ArticleSerializer, ArticleSearchResultSerializer])


@extend_schema_view(
    list=extend_schema(summary="Knowledge articles the user may see, or those matching `search`",
                       parameters=[*FILTERS, SEARCH], responses={200: LIST_ITEM}),
    retrieve=extend_schema(summary="One knowledge article", parameters=FILTERS[2:3]),
    create=extend_schema(summary="Write a new draft article", request=ArticleWriteSerializer,
                         responses={201: ArticleSerializer, **ERRORS}),
    partial_update=extend_schema(summary="Change an article (new text becomes a draft revision)",
                                 request=ArticleUpdateSerializer, responses={200: ArticleSerializer, **ERRORS}),
)
class ArticleViewSet(ApiView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ArticleSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    cursor_ordering = ("-updated_at", "-id")

    def _filters(self) -> dict:
        filters = ArticleFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return filters.validated_data

    def _filtered(self, filters: dict):
        """The visible articles narrowed by the list's filters."""
        queryset = articles_visible_to(user=self.request.user)
        if "team" in filters:
            queryset = queryset.filter(team_id=filters["team"])
        if "service_item" in filters:
            queryset = queryset.filter(service_items=filters["service_item"])
        if "status" in filters:
            queryset = queryset.filter(status=filters["status"])
        if "language" in filters:
            queryset = queryset.filter(pk__in=ArticleRevision.objects.filter(
                language=filters["language"], status=RevisionStatus.PUBLISHED).values("article_id"))
        return queryset

    def get_queryset(self):
        queryset = self._filtered(self._filters() if self.action == "list" else {})
        return queryset.select_related("owner").prefetch_related(
            "service_items",
            Prefetch("revisions", to_attr="current_revisions", queryset=ArticleRevision.objects.filter(
                status__in=[RevisionStatus.PUBLISHED, *PENDING_REVISION]).select_related("author")))

    def list(self, request: Request, *args, **kwargs) -> Response:
        filters = self._filters()
        query = filters.get("search", "").strip()
        if not query:
            return super().list(request, *args, **kwargs)
        # search: the best page_size by relevance (kbsearch.selectors) on one page, each
        # item a search result (title, excerpt, team, language, url), not the whole article
        limit = min(self.paginator.get_page_size(request) or SEARCH_LIMIT, SEARCH_LIMIT)
        narrowed = self._filtered(filters) if filters.keys() - {"search"} else None
        results = search_results(user=request.user, q=query, language=filters.get("language") or get_language(),
                                 limit=limit, within=narrowed)
        return Response({"next": None, "previous": None,
                         "results": ArticleSearchResultSerializer(results, many=True).data})

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        language = self.request.query_params.get("language")
        context |= {"writer_team_ids": set(user_team_ids(user=user)), "admin": user.is_admin_role,
                    "language": language if language in ("en", "zh-hans", "zh-hant") else None}
        return context

    def _answer(self, article: Article, code: int = status.HTTP_200_OK) -> Response:
        article = self.get_queryset().get(pk=article.pk)
        return Response(self.get_serializer(article).data, status=code)

    def create(self, request: Request) -> Response:
        serializer = ArticleWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        article = services.article_create(actor=request.user, **serializer.validated_data)
        return self._answer(article, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        article = self.get_object()
        serializer = ArticleUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.article_edit(article=article, actor=request.user, **serializer.validated_data)
        return self._answer(article)

    @extend_schema(summary="Send the drafts for review", request=SubmitSerializer,
                   responses={200: ArticleSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        article = self.get_object()
        return self._answer(services.article_submit(article=article, actor=request.user,
                                                    **_body(SubmitSerializer, request)))

    @extend_schema(summary="Send the revisions in review back to draft (team lead, service admin)",
                   request=ReviewNoteSerializer, responses={200: ArticleSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request: Request, pk: str) -> Response:
        article = self.get_object()
        serializer = ReviewNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(services.article_request_changes(article=article, actor=request.user,
                                                             **serializer.validated_data))

    @extend_schema(summary="Publish the revisions in review (team lead, service admin)", request=PublishSerializer,
                   responses={200: ArticleSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        article = self.get_object()
        expected = _body(PublishSerializer, request)["revisions"]
        return self._answer(services.article_publish(article=article, actor=request.user,
                                                     expected_revisions=expected))

    @extend_schema(summary="Archive the article, or bring it back (team lead, service admin)",
                   request=ArchiveSerializer, responses={200: ArticleSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: str) -> Response:
        article = self.get_object()
        service = services.article_archive if _body(ArchiveSerializer, request)["archived"] else \
            services.article_unarchive
        return self._answer(service(article=article, actor=request.user))

    @extend_schema(summary="Say whether the article helped, or report it out of date", request=FeedbackSerializer,
                   responses={200: ArticleSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def feedback(self, request: Request, pk: str) -> Response:
        article = self.get_object()
        serializer = FeedbackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if article.status != ArticleStatus.PUBLISHED:
            raise Http404(_("No such article."))
        live = [r for r in article.current_revisions if r.status == RevisionStatus.PUBLISHED]
        revision = pick_revision(live, data["language"] or request.LANGUAGE_CODE)
        if revision is None:
            raise ApplicationError(_("Only a published article takes feedback."), code="invalid_state")
        if data["outdated"]:
            services.article_report_outdated(revision=revision, user=request.user, comment=data["comment"])
        if data["helpful"] is not None:
            services.article_feedback(revision=revision, user=request.user, helpful=data["helpful"],
                                      comment=data["comment"])
        return self._answer(article)
