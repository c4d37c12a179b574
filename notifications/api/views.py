"""The signed-in user's in-app notifications."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from notifications.models import Notification
from notifications.selectors import unread_count, user_notifications
from notifications.services import notifications_mark_read
from servicedesk.api.views import ApiView

from .serializers import MarkReadResultSerializer, MarkReadSerializer, NotificationSerializer


@extend_schema_view(list=extend_schema(summary="My notifications, newest first."))
class NotificationViewSet(ApiView, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    cursor_ordering = ("-created_at", "-id")
    queryset = Notification.objects.none()  # for the schema; requests use the selector

    def get_queryset(self):
        return user_notifications(user=self.request.user)

    @extend_schema(
        summary="Mark some (ids) or all of my notifications read",
        request=MarkReadSerializer,
        responses={200: MarkReadResultSerializer},
    )
    @action(detail=False, methods=["post"], url_path="mark-read", pagination_class=None)
    def mark_read(self, request: Request) -> Response:
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = notifications_mark_read(user=request.user, ids=serializer.validated_data.get("ids"))
        return Response({"marked": marked, "unread": unread_count(user=request.user)})
