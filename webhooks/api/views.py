"""Webhook endpoints and their delivery log (service admins only)."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.pagination import CursorPagination
from servicedesk.api.permissions import IsServiceAdmin
from servicedesk.api.serializers import ErrorSerializer
from servicedesk.api.views import ApiView
from webhooks import services
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

from .serializers import WebhookDeliverySerializer, WebhookEndpointSerializer, WebhookEndpointUpdateSerializer

ERRORS = {400: OpenApiResponse(ErrorSerializer, description="Invalid input; `errors` names each field.")}


@extend_schema_view(
    list=extend_schema(summary="Webhook endpoints"),
    retrieve=extend_schema(summary="One webhook endpoint"),
    create=extend_schema(summary="Subscribe a receiver (its secret is generated)",
                         responses={201: WebhookEndpointSerializer, **ERRORS}),
    partial_update=extend_schema(summary="Change a receiver", request=WebhookEndpointUpdateSerializer,
                                 responses={200: WebhookEndpointSerializer, **ERRORS}),
    destroy=extend_schema(summary="Remove a receiver and its delivery log", responses={204: None}),
)
class WebhookEndpointViewSet(ApiView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = WebhookEndpointSerializer
    permission_classes = [IsServiceAdmin]
    pagination_class = None
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return WebhookEndpoint.objects.select_related("created_by").order_by("id")

    def create(self, request: Request) -> Response:
        serializer = WebhookEndpointSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_create(actor=request.user, **serializer.validated_data)
        return Response(WebhookEndpointSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        endpoint = self.get_object()
        serializer = WebhookEndpointUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_update(endpoint=endpoint, **serializer.validated_data)
        return Response(WebhookEndpointSerializer(self.get_queryset().get(pk=endpoint.pk)).data)

    def destroy(self, request: Request, pk: str) -> Response:
        services.webhook_endpoint_delete(endpoint=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Deliveries to this endpoint, newest first, with every attempt",
                   responses={200: WebhookDeliverySerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=CursorPagination)
    def deliveries(self, request: Request, pk: str) -> Response:
        endpoint = self.get_object()
        qs = WebhookDelivery.objects.filter(endpoint=endpoint).prefetch_related(
            Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("number"))
        )
        self.cursor_ordering = ("-created_at", "-id")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)
