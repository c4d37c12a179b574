"""Tickets and the service catalog over HTTP. Every ticket is looked up through
`tickets_visible_to` (via `api_ticket`), so one out of reach is a 404; every change is
a service call, whose refusals come back as 400/403/409 (servicedesk.api)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.serializers import ErrorSerializer
from servicedesk.api.views import ApiView
from servicedesk.limits import parse_id
from teams.models import User
from tickets import services
from tickets.filters import TicketFilterBackend, TicketFilterSet
from tickets.models import Ticket
from tickets.selectors import can_see_internal, ticket_comments, tickets_visible_to, works_for_team

from . import selectors
from .serializers import (
    AssignSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    CommentCreateSerializer,
    CommentSerializer,
    ServiceItemSerializer,
    TicketCreateSerializer,
    TicketEventSerializer,
    TicketOrderingSerializer,
    TicketSerializer,
    TicketUpdateSerializer,
    TransitionSerializer,
    ticket_representation,
)

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; `errors` names each field."),
    403: OpenApiResponse(ErrorSerializer, description="You may see the ticket but not do this."),
    404: OpenApiResponse(ErrorSerializer, description="No such ticket, or not yours to see."),
}
CONFLICT = {409: OpenApiResponse(ErrorSerializer, description="`version` is stale: reload, nothing was changed.")}


@extend_schema_view(
    list=extend_schema(summary="The service catalog: active service items and their questions."),
    retrieve=extend_schema(summary="One service item."),
)
class ServiceItemViewSet(ApiView, viewsets.ReadOnlyModelViewSet):
    serializer_class = ServiceItemSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.active_service_items()


class TicketViewSet(ApiView, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Tickets the signed-in user may see: service admins all, agents and leads their
    teams', everybody their own requests."""

    serializer_class = TicketSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = Ticket.objects.none()  # for the schema; requests go through the selectors
    filter_backends = [TicketFilterBackend]
    filterset_class = TicketFilterSet

    # --- helpers -----------------------------------------------------------------------

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def get_ticket(self) -> Ticket:
        pk = parse_id(self.kwargs.get("pk"))
        if pk is None:
            raise NotFound()
        try:
            return selectors.api_ticket(user=self.request.user, pk=pk)
        except Ticket.DoesNotExist:
            raise NotFound() from None

    def _ticket_response(self, ticket: Ticket, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.api_ticket(user=self.request.user, pk=ticket.pk)
        return Response(TicketSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def get_cursor_ordering(self, request: Request) -> tuple[str, ...]:
        return selectors.TICKET_ORDERINGS[self._ordering]

    # --- tickets -----------------------------------------------------------------------

    @extend_schema(
        summary="List tickets",
        parameters=[TicketOrderingSerializer],
        responses={200: TicketSerializer(many=True), 400: ERRORS[400]},
        description="Filters combine with AND; `status` and `priority` take several values (repeat the "
        "parameter or separate with commas). `sla_state` is the ticket's live SLA state "
        "(README, \"SLA states\"): `breached` something overdue now (running or paused past its due time); "
        "`at_risk` a running target past its warning time and nothing overdue; `on_track`, `paused`, `done`. "
        "`ordering=due_at` sorts by the "
        "next due time of the ticket's running clocks (tickets without one last).",
    )
    def list(self, request: Request) -> Response:
        serializer = TicketOrderingSerializer(data={k: v for k, v in request.query_params.items() if k == "ordering"})
        serializer.is_valid(raise_exception=True)
        self._ordering = serializer.validated_data.get("ordering", selectors.DEFAULT_TICKET_ORDERING)
        now = self.now = timezone.now()
        # The team filter also narrows who-may-see-what to that team (a cheaper query when
        # the user works in it); an invalid value is refused by the filter set.
        team = parse_id(request.query_params.get("team"))
        qs = self.filter_queryset(tickets_visible_to(user=request.user, team_id=team))
        rows = self.paginate_queryset(selectors.api_ticket_rows(qs, ordering=self._ordering))
        selectors.api_ticket_people(rows)
        # The SLA clocks only of the tickets the user works (a requester sees none).
        sees_sla = {row["id"] for row in rows if works_for_team(user=request.user, team_id=row["team_id"])}
        clocks = selectors.api_ticket_clocks(ticket_ids=list(sees_sla)) if sees_sla else {}
        return self.get_paginated_response([
            ticket_representation(row, clocks.get(row["id"], ()), now, sees_sla=row["id"] in sees_sla)
            for row in rows
        ])

    @extend_schema(
        summary="File a request",
        request=TicketCreateSerializer,
        responses={201: TicketSerializer, 400: ERRORS[400]},
        examples=[
            OpenApiExample(
                "laptop repair",
                request_only=True,
                value={
                    "service_item": 1,
                    "title": "Laptop does not boot",
                    "description": "Black screen since this morning.",
                    "priority": "P2",
                    "fields": {"asset_tag": "LT-0042", "urgency": "one person", "count": 1, "since": "2026-09-24"},
                },
            ),
            OpenApiExample(
                "missing required field",
                response_only=True,
                status_codes=["400"],
                value={"detail": "Some service fields are not valid.",
                       "errors": {"fields.asset_tag": ["This field is required."]}},
            ),
        ],
    )
    def create(self, request: Request) -> Response:
        serializer = TicketCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ticket = services.ticket_create(
            requester=request.user,
            service_item=data["service_item"],
            title=data["title"],
            description=data.get("description", ""),
            priority=data.get("priority"),
            fields=data.get("fields") or {},
        )
        # The ticket just written is the answer: its team, service item, requester,
        # assignee and clocks are loaded, nothing is read back.
        return Response(TicketSerializer(ticket, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="One ticket", responses={200: TicketSerializer, 404: ERRORS[404]})
    def retrieve(self, request: Request, pk: str) -> Response:
        ticket = self.get_ticket()
        return Response(TicketSerializer(ticket, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Edit title, description or priority (service team)",
        request=TicketUpdateSerializer,
        responses={200: TicketSerializer, **ERRORS, **CONFLICT},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        ticket = self.get_ticket()
        serializer = TicketUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ticket = services.ticket_update(
            ticket=ticket,
            actor=request.user,
            expected_version=data["version"],
            title=data.get("title", services.UNSET),
            description=data.get("description", services.UNSET),
            priority=data.get("priority", services.UNSET),
        )
        return self._ticket_response(ticket)

    # --- lifecycle ---------------------------------------------------------------------

    @extend_schema(
        summary="Move the ticket through its lifecycle",
        request=TransitionSerializer,
        responses={200: TicketSerializer, **ERRORS, **CONFLICT},
        examples=[
            OpenApiExample("resolve", request_only=True,
                           value={"to": "resolved", "comment": "Replaced the power supply.", "version": 3}),
            OpenApiExample(
                "illegal move",
                response_only=True,
                status_codes=["400"],
                value={"detail": "A closed ticket cannot become open. Allowed: none.",
                       "errors": {"to": ["Allowed: none."]}},
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str) -> Response:
        ticket = self.get_ticket()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ticket = services.ticket_transition_with_reply(
            ticket=ticket, to=data["to"], actor=request.user, comment=data["comment"],
            expected_version=data.get("version"), resolution_summary=data["resolution_summary"],
        )
        return self._ticket_response(ticket)

    @extend_schema(
        summary="Assign to a member of the ticket's team, or unassign",
        request=AssignSerializer,
        responses={200: TicketSerializer, **ERRORS, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        ticket = self.get_ticket()
        serializer = AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assignee = None
        if data["assignee"] is not None:
            assignee = User.objects.filter(pk=data["assignee"], is_active=True).first()
            if assignee is None:
                raise ValidationError({"assignee": [_("Unknown user.")]})
        ticket = services.ticket_assign(
            ticket=ticket, assignee=assignee, actor=request.user, expected_version=data.get("version")
        )
        return self._ticket_response(ticket)

    # --- conversation and history ----------------------------------------------------

    @extend_schema(
        methods=["GET"], summary="Replies (and, for the service team, internal notes)",
        responses={200: CommentSerializer(many=True), 404: ERRORS[404]},
    )
    @extend_schema(
        methods=["POST"], summary="Reply, or write an internal note (service team)",
        request=CommentCreateSerializer, responses={201: CommentSerializer, **ERRORS, **CONFLICT},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def comments(self, request: Request, pk: str) -> Response:
        ticket = self.get_ticket()
        if request.method == "GET":
            comments = ticket_comments(ticket=ticket,
                                       include_internal=can_see_internal(user=request.user, ticket=ticket))
            return Response(CommentSerializer(comments, many=True).data)
        serializer = CommentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        comment = services.comment_create(
            ticket=ticket, author=request.user, body=data["body"], internal=data["internal"],
            expected_version=data.get("version"),
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"], summary="Files of the ticket (for requesters, not those of internal notes)",
        responses={200: AttachmentSerializer(many=True), 404: ERRORS[404]},
    )
    @extend_schema(
        methods=["POST"], summary="Attach a file",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer(many=True), **ERRORS},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None,
            parser_classes=[MultiPartParser])
    def attachments(self, request: Request, pk: str) -> Response:
        ticket = self.get_ticket()
        if request.method == "GET":
            return Response(AttachmentSerializer(selectors.ticket_attachments(ticket=ticket, user=request.user),
                                                 many=True).data)
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stored = services.attachment_add(ticket=ticket, uploads=[serializer.validated_data["file"]],
                                         actor=request.user)
        return Response(AttachmentSerializer(stored, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="History: changes, replies, SLA steps and escalations",
        responses={200: TicketEventSerializer(many=True), 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request: Request, pk: str) -> Response:
        ticket = self.get_ticket()
        return Response(TicketEventSerializer(selectors.ticket_history(ticket=ticket, user=request.user),
                                              many=True).data)
