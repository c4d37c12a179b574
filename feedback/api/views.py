"""Feedback on a service team over HTTP. Every item is looked up through
`feedback_visible_to`, so one out of reach is a 404; changes are service calls."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from feedback import selectors, services
from feedback.models import Feedback
from servicedesk.api.serializers import ErrorSerializer
from servicedesk.api.views import ApiView
from servicedesk.limits import parse_id

from .serializers import (
    FeedbackAnswerSerializer,
    FeedbackCreateSerializer,
    FeedbackDetailSerializer,
    FeedbackSerializer,
)

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; `errors` names each field."),
    403: OpenApiResponse(ErrorSerializer, description="Your own feedback: only the team's lead or an admin answers."),
    404: OpenApiResponse(ErrorSerializer, description="No such feedback, or not yours to see."),
}
FILTERS = [
    OpenApiParameter("team", OpenApiTypes.INT, description="Only this team's feedback."),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=Feedback.Kind.values),
    OpenApiParameter("status", OpenApiTypes.STR, enum=Feedback.Status.values),
]


@extend_schema_view(list=extend_schema(
    summary="Feedback I may see: mine, my led teams', all for service admins; newest first.", parameters=FILTERS))
class FeedbackViewSet(ApiView, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = FeedbackSerializer
    http_method_names = ["get", "post", "head", "options"]
    cursor_ordering = ("-created_at", "-id")
    queryset = Feedback.objects.none()  # for the schema; requests use the selectors

    def get_queryset(self):
        qs = selectors.feedback_visible_to(user=self.request.user)
        params = self.request.query_params
        errors = {}
        if "team" in params:
            team = parse_id(params["team"])
            if team is None:
                errors["team"] = [_("Enter an id (a whole number).")]
            else:
                qs = qs.filter(team_id=team)
        for name, values in (("kind", Feedback.Kind.values), ("status", Feedback.Status.values)):
            if name in params:
                if params[name] not in values:
                    errors[name] = [_("Choose one of: %(values)s.") % {"values": ", ".join(values)}]
                else:
                    qs = qs.filter(**{name: params[name]})
        if errors:
            raise ValidationError(errors)
        return qs

    def get_feedback(self) -> Feedback:
        pk = parse_id(self.kwargs.get("pk"))
        if pk is None:
            raise NotFound()
        try:
            return selectors.feedback_for_user(user=self.request.user, pk=pk)
        except Feedback.DoesNotExist:
            raise NotFound(_("No such feedback.")) from None

    def _detail(self, feedback: Feedback, code: int = status.HTTP_200_OK) -> Response:
        feedback = selectors.feedback_for_user(user=self.request.user, pk=feedback.pk)
        return Response(FeedbackDetailSerializer(feedback, context=self.get_serializer_context()).data, status=code)

    @extend_schema(summary="Send feedback to a service team (any signed-in employee)",
                   request=FeedbackCreateSerializer, responses={201: FeedbackDetailSerializer, 400: ERRORS[400]})
    def create(self, request: Request) -> Response:
        serializer = FeedbackCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        feedback = services.feedback_create(sender=request.user, team=data["team"], kind=data["kind"],
                                            text=data["text"], anonymous=data["anonymous"])
        return self._detail(feedback, status.HTTP_201_CREATED)

    @extend_schema(summary="One piece of feedback, with its history",
                   responses={200: FeedbackDetailSerializer, 404: ERRORS[404]})
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(self.get_feedback())

    @extend_schema(summary="Answer it and/or move its status with a note (the team's lead, service admins)",
                   request=FeedbackAnswerSerializer, responses={200: FeedbackDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"], pagination_class=None)
    def answer(self, request: Request, pk: str) -> Response:
        feedback = self.get_feedback()
        serializer = FeedbackAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        feedback = services.feedback_answer(feedback=feedback, actor=request.user, answer=data.get("answer"),
                                            status=data.get("status"), note=data.get("note"))
        return self._detail(feedback)
