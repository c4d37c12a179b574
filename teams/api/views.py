"""Teams, their members, departments, and the signed-in user."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from servicedesk.api.views import ApiView

from . import selectors
from .serializers import DepartmentSerializer, MemberSerializer, MeSerializer, TeamSerializer


@extend_schema_view(
    list=extend_schema(summary="Service teams I may look at (service admins: all; agents: their own)."),
    retrieve=extend_schema(summary="One service team."),
)
class TeamViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    serializer_class = TeamSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.api_visible_teams(user=self.request.user)

    @extend_schema(summary="Members of a team with their role.", responses={200: MemberSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def members(self, request: Request, pk: str) -> Response:
        team = self.get_object()
        return Response(MemberSerializer(selectors.team_memberships(team=team), many=True).data)


@extend_schema_view(list=extend_schema(summary="Departments (the requesters' business units)."))
class DepartmentViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    serializer_class = DepartmentSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.departments()


class MeView(ApiView, APIView):
    @extend_schema(operation_id="users_me", tags=["users"], summary="The signed-in user.",
                   responses={200: MeSerializer})
    def get(self, request: Request) -> Response:
        memberships = list(selectors.user_memberships(user=request.user))
        return Response(MeSerializer(request.user, context={"memberships": memberships}).data)

