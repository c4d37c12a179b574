"""Satisfaction surveys over HTTP: the requester's current survey of a ticket, answering
with the link's token (no sign-in needed: the token is the requester's), and the
responses of a team for its leads and service admins."""

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from servicedesk.api.serializers import ErrorSerializer
from servicedesk.api.views import ApiView
from servicedesk.limits import parse_id
from surveys import selectors, services
from surveys.models import SurveyResponse
from teams.selectors import led_team_ids
from tickets.models import Ticket
from tickets.selectors import ticket_for_user

from .serializers import SurveyAnswerSerializer, SurveyInviteSerializer, SurveyResponseSerializer

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; `errors` names each field."),
    403: OpenApiResponse(ErrorSerializer, description="Not yours to do."),
    404: OpenApiResponse(ErrorSerializer, description="No such survey."),
}


class TicketSurveyView(ApiView, APIView):
    @extend_schema(summary="The requester's current satisfaction survey of a ticket (404 when there is none)",
                   responses={200: SurveyInviteSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        try:
            ticket = ticket_for_user(user=request.user, pk=pk)
        except Ticket.DoesNotExist:
            raise NotFound(_("No such request.")) from None
        invite = selectors.current_invite(ticket=ticket) if request.user.pk == ticket.requester_id else None
        if invite is None:
            raise NotFound(_("No survey for this request."))
        return Response(SurveyInviteSerializer(invite, context={"token": selectors.invite_token(invite)}).data)


class SurveyAnswerView(ApiView, APIView):
    permission_classes = [AllowAny]  # the token is the credential

    @extend_schema(summary="Answer a satisfaction survey with the token of its link (single use)",
                   request=SurveyAnswerSerializer, responses={201: SurveyResponseSerializer, **ERRORS})
    def post(self, request: Request, token: str) -> Response:
        data = request.data  # a body that cannot be read is a 400 (or 415) whatever the token
        invite = selectors.invite_for_token(token)
        if invite is None:
            raise NotFound(_("No such survey."))
        serializer = SurveyAnswerSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        actor = request.user if request.user.is_authenticated else None
        response = services.survey_answer(invite=invite, actor=actor, channel=SurveyResponse.Channel.API,
                                          **serializer.validated_data)
        return Response(SurveyResponseSerializer(response).data, status=status.HTTP_201_CREATED)


def _day_param(request: Request, name: str) -> dt.date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        value = parse_date(raw)
    except ValueError:
        value = None
    if value is None:
        raise ValidationError({name: [_("Give a date as YYYY-MM-DD.")]})
    return value


@extend_schema(
    summary="Satisfaction survey responses of the teams I lead (all teams for service admins)",
    parameters=[OpenApiParameter("team", int, description="One team's id."),
                OpenApiParameter("from", dt.date, description="Answered on or after this day."),
                OpenApiParameter("to", dt.date, description="Answered on or before this day.")],
)
class SurveyResponseListView(ApiView, generics.ListAPIView):
    serializer_class = SurveyResponseSerializer
    cursor_ordering = ("-answered_at", "-id")
    queryset = SurveyResponse.objects.none()  # for the schema; requests use the selector

    def get_queryset(self):
        user = self.request.user
        if not (user.is_admin_role or led_team_ids(user=user)):
            raise PermissionDenied(_("Team leads and service admins read survey responses."))
        team_id = None
        raw_team = self.request.query_params.get("team")
        if raw_team:
            team_id = parse_id(raw_team)
            if team_id is None:
                raise ValidationError({"team": [_("Give a team id.")]})
            if not selectors.can_read_team_surveys(user=user, team_id=team_id):
                raise NotFound(_("No such team."))
        tz = timezone.get_current_timezone()
        start, end = _day_param(self.request, "from"), _day_param(self.request, "to")
        return selectors.responses_visible_to(
            user=user, team_id=team_id,
            start=dt.datetime.combine(start, dt.time(), tz) if start else None,
            end=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tz) if end else None)
