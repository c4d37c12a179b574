"""The problem library over HTTP. Every problem is looked up through
`problems.selectors.problems_visible_to` (agents and leads their teams', service admins
all; requesters none), so one out of reach is a 404; every change is a service call,
whose refusals come back as 400/403/409 (servicedesk.api)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.serializers import ErrorSerializer
from servicedesk.api.views import ApiView
from servicedesk.exceptions import ApplicationError
from servicedesk.limits import parse_id
from teams.models import Team
from tickets.selectors import tickets_visible_to

from .. import selectors, services
from ..models import Problem, ProblemStatus
from .serializers import (
    IncidentLinkSerializer,
    IncidentOutcomeSerializer,
    IncidentSerializer,
    ProblemCreateSerializer,
    ProblemSerializer,
    ProblemUpdateSerializer,
    ResolveSerializer,
    SendWorkaroundSerializer,
)

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; `errors` names each field."),
    403: OpenApiResponse(ErrorSerializer, description="You may see the problem but not do this."),
    404: OpenApiResponse(ErrorSerializer, description="No such problem, or not yours to see."),
}
CONFLICT = {409: OpenApiResponse(ErrorSerializer, description="`version` is stale: reload, nothing was changed.")}


@extend_schema_view(
    list=extend_schema(
        summary="Problems you may see (your teams', or all for service admins), newest first",
        parameters=[
            OpenApiParameter("team", int, description="Only this team's problems."),
            OpenApiParameter("status", str, description="`open` (investigating or known error), or one status."),
        ],
        responses={200: ProblemSerializer(many=True), 400: ERRORS[400]},
    ),
    retrieve=extend_schema(summary="One problem", responses={200: ProblemSerializer, 404: ERRORS[404]}),
)
class ProblemViewSet(ApiView, viewsets.GenericViewSet):
    serializer_class = ProblemSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    queryset = Problem.objects.none()  # for the schema; requests go through the selectors
    cursor_ordering = ("-created_at", "-id")

    def get_problem(self) -> Problem:
        pk = parse_id(self.kwargs.get("pk"))
        if pk is None:
            raise NotFound()
        try:
            return selectors.problem_for_user(user=self.request.user, pk=pk)
        except Problem.DoesNotExist:
            raise NotFound() from None

    def _problem_response(self, problem: Problem, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.problem_list(user=self.request.user).get(pk=problem.pk)
        return Response(ProblemSerializer(fresh).data, status=code)

    def list(self, request: Request) -> Response:
        errors = {}
        team = request.query_params.get("team")
        team_id = parse_id(team) if team else None
        if team and team_id is None:
            errors["team"] = [_("Enter an id (a whole number).")]
        state = request.query_params.get("status", "")
        if state not in ("", "open", *ProblemStatus.values):
            errors["status"] = [_("Choose “open” or one of: %(statuses)s.") % {"statuses": ", ".join(ProblemStatus.values)}]
        if errors:
            raise ApplicationError(_("Invalid filter."), field_errors={k: v[0] for k, v in errors.items()})
        rows = self.paginate_queryset(selectors.problem_list(user=request.user, team_id=team_id, status=state))
        return self.get_paginated_response(ProblemSerializer(rows, many=True).data)

    def retrieve(self, request: Request, pk=None) -> Response:
        return self._problem_response(self.get_problem())

    @extend_schema(summary="Raise a problem", request=ProblemCreateSerializer,
                   responses={201: ProblemSerializer, 400: ERRORS[400], 403: ERRORS[403]})
    def create(self, request: Request) -> Response:
        serializer = ProblemCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        team = Team.objects.filter(pk=data["team"]).first()
        if team is None:
            raise ApplicationError(_("Unknown team."), field_errors={"team": _("Unknown team.")})
        source = None
        if data.get("ticket"):
            source = tickets_visible_to(user=request.user).filter(pk=data["ticket"]).first()
            if source is None:
                raise ApplicationError(_("No such request."), field_errors={"ticket": _("No such request.")})
        problem = services.problem_create(
            actor=request.user, team=team, title=data["title"], symptoms=data["symptoms"],
            root_cause=data["root_cause"], workaround=data["workaround"], priority=data["priority"],
            from_ticket=source)
        return self._problem_response(problem, status.HTTP_201_CREATED)

    @extend_schema(summary="Edit a problem (fields, status); every change is recorded",
                   request=ProblemUpdateSerializer,
                   responses={200: ProblemSerializer, **ERRORS, **CONFLICT})
    def partial_update(self, request: Request, pk=None) -> Response:
        problem = self.get_problem()
        serializer = ProblemUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        problem = services.problem_update(problem=problem, actor=request.user, expected_version=version, **data)
        return self._problem_response(problem)

    @extend_schema(methods=["GET"], summary="The problem's linked incidents you may see",
                   responses={200: IncidentSerializer(many=True), 404: ERRORS[404]})
    @extend_schema(methods=["POST"], summary="Link an incident ticket of the problem's team",
                   request=IncidentLinkSerializer,
                   responses={201: IncidentSerializer(many=True), **ERRORS, **CONFLICT})
    @extend_schema(methods=["DELETE"], summary="Unlink an incident", request=IncidentLinkSerializer,
                   responses={200: IncidentSerializer(many=True), **ERRORS, **CONFLICT})
    @action(detail=True, methods=["get", "post", "delete"], pagination_class=None)
    def incidents(self, request: Request, pk=None) -> Response:
        problem = self.get_problem()
        code = status.HTTP_200_OK
        if request.method != "GET":
            serializer = IncidentLinkSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            ticket = tickets_visible_to(user=request.user).filter(pk=serializer.validated_data["ticket"]).first()
            if ticket is None:
                raise ApplicationError(_("No such request."), field_errors={"ticket": _("No such request.")})
            version = serializer.validated_data.get("version")
            if request.method == "POST":
                services.problem_link_incident(problem=problem, ticket=ticket, actor=request.user,
                                               expected_version=version)
                code = status.HTTP_201_CREATED
            else:
                services.problem_unlink_incident(problem=problem, ticket=ticket, actor=request.user,
                                                 expected_version=version)
        links = selectors.problem_incidents(problem=problem, user=request.user).select_related("problem")
        return Response(IncidentSerializer(links, many=True).data, status=code)

    @extend_schema(summary="Send the workaround: one public reply to every linked open incident that has "
                           "not had this workaround yet; what happened to each",
                   request=SendWorkaroundSerializer, responses={200: IncidentOutcomeSerializer(many=True), **ERRORS, **CONFLICT})
    @action(detail=True, methods=["post"], url_path="send-workaround")
    def send_workaround(self, request: Request, pk=None) -> Response:
        problem = self.get_problem()
        serializer = SendWorkaroundSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcomes = services.problem_send_workaround(problem=problem, actor=request.user,
                                                    expected_version=serializer.validated_data.get("version"))
        return Response(IncidentOutcomeSerializer(outcomes, many=True).data)

    @extend_schema(summary="Resolve with the problem: the problem and each linked incident; those that "
                           "cannot move are refused and reported, the others go on",
                   request=ResolveSerializer, responses={200: IncidentOutcomeSerializer(many=True), **ERRORS})
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk=None) -> Response:
        problem = self.get_problem()
        serializer = ResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        versions = {row["ticket"]: row["version"] for row in serializer.validated_data["versions"]}
        outcomes = services.problem_resolve_incidents(problem=problem, actor=request.user,
                                                      summary=serializer.validated_data["summary"], versions=versions)
        return Response(IncidentOutcomeSerializer(outcomes, many=True).data)
