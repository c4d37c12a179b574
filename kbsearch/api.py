"""API of the knowledge-base search: suggestions for a request being filed, and "This solved
it" (a deflection). The article list's `search` parameter is the knowledge API's, served by
`kbsearch.selectors.article_search`."""

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from knowledge.selectors import published_articles_visible_to
from servicedesk.api import fields
from servicedesk.api.views import ApiView
from tickets.models import ServiceItem

from .selectors import article_suggestions
from .serializers import SuggestionSerializer
from .services import deflection_record, filing_session_parse

UUID_PATTERN = r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
MAX_QUERY = 200


class SolvedSerializer(serializers.Serializer):
    filing_session = fields.RegexField(UUID_PATTERN, help_text="A UUID the client makes for one attempt at filing.")
    service_item = fields.IdRelatedField(queryset=ServiceItem.objects.filter(is_active=True), required=False,
                                         allow_null=True, default=None)


class DeflectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    article = serializers.IntegerField(source="article_id")
    service_item = serializers.IntegerField(source="service_item_id", allow_null=True)
    team = serializers.IntegerField(source="team_id")
    filing_session = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    created = serializers.BooleanField(help_text="False when this session had already recorded it.")


class SuggestView(ApiView, APIView):
    """Up to five published articles visible to the caller for a request being filed."""

    permission_classes = [IsAuthenticated]
    pagination_class = None  # five at most: a plain list

    @extend_schema(
        summary="Articles that may answer a request being filed (five at most, the service item's first)",
        parameters=[OpenApiParameter("q", str, description="The request's title as typed."),
                    OpenApiParameter("service_item", int, required=False)],
        responses={200: SuggestionSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        q = request.query_params.get("q", "")[:MAX_QUERY]
        item_id = request.query_params.get("service_item")
        item_id = int(item_id) if item_id and item_id.isdigit() and len(item_id) < 19 else None
        results = article_suggestions(user=request.user, q=q, language=get_language(), service_item_id=item_id)
        return Response(SuggestionSerializer(results, many=True).data)


class ArticleSolvedView(ApiView, APIView):
    """"This solved it": record a deflection (once per user, article and filing session)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="The article solved the request being filed: record a deflection, file nothing",
        request=SolvedSerializer, responses={201: DeflectionSerializer, 200: DeflectionSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        article = published_articles_visible_to(user=request.user).filter(pk=pk).first()
        if article is None:
            raise Http404(_("No such article."))
        serializer = SolvedSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deflection, created = deflection_record(
            user=request.user, article=article, service_item=serializer.validated_data["service_item"],
            filing_session=filing_session_parse(serializer.validated_data["filing_session"]))
        data = DeflectionSerializer({**{f: getattr(deflection, f) for f in (
            "id", "article_id", "service_item_id", "team_id", "filing_session", "created_at")},
            "created": created}).data
        return Response(data, status=201 if created else 200)
