"""Service standards over HTTP: business calendars, service standards (at `sla/policies/`),
escalation chains, and the simulator. Service admins read and write (through
`sla.standards`); agents and leads read their own teams' standards and the calendars and
chains those use (`sla.selectors.*_visible_to`); requesters read none of them (empty
lists, 404 for one). The simulator only takes a calendar or a standard one may read."""

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from servicedesk.api.permissions import IsServiceAdminOrReadOnly
from servicedesk.api.serializers import ErrorSerializer
from servicedesk.api.views import ApiView
from servicedesk.limits import parse_id
from sla import selectors as sla_selectors
from sla.models import BusinessCalendar, EscalationChain, SLAOutcome
from sla.standards.calendars import calendar_import_holidays, calendar_save
from sla.standards.chains import LEVEL_FIELDS, chain_save
from sla.standards.service_standards import standard_retire, standard_save
from sla.standards.simulator import simulate
from tickets.selectors import tickets_visible_to, works_for_team

from . import selectors
from .serializers import (
    CalendarSerializer,
    EscalationChainSerializer,
    HolidayImportResultSerializer,
    HolidayImportSerializer,
    OutcomeFilterSerializer,
    OutcomeSerializer,
    ServiceStandardSerializer,
    SimulateResultSerializer,
    SimulateSerializer,
)

WRITE_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; `errors` names each field."),
    403: OpenApiResponse(ErrorSerializer, description="Only service admins write."),
}


class _AdminWriteViewSet(ApiView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsServiceAdminOrReadOnly]
    pagination_class = None

    def _validated(self, *, partial: bool, instance=None) -> dict[str, Any]:
        serializer = self.get_serializer(instance, data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _reloaded(self, obj, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(fresh).data, status=code)


# --- calendars ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Business calendars"),
    retrieve=extend_schema(summary="One business calendar"),
    create=extend_schema(summary="Create a business calendar (service admins)",
                         responses={201: CalendarSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(summary="Change a business calendar (service admins); lists given are replaced",
                                 responses={200: CalendarSerializer, **WRITE_ERRORS}),
)
class CalendarViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, _AdminWriteViewSet):
    serializer_class = CalendarSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return sla_selectors.calendars_visible_to(sla_selectors.calendars(), user=self.request.user)

    @staticmethod
    def _rows(values: dict[str, Any], calendar: BusinessCalendar | None) -> dict[str, Any]:
        current = CalendarSerializer(calendar).data if calendar is not None else {}
        merged = {key: values.get(key, current.get(key)) for key in
                  ("name", "timezone", "working_hours", "holidays", "extra_working_days", "extra_day_weekday")}
        merged["holidays"] = merged["holidays"] or []
        merged["extra_working_days"] = merged["extra_working_days"] or []
        merged["extra_day_weekday"] = merged["extra_day_weekday"] or 0
        return merged

    def create(self, request: Request) -> Response:
        values = self._rows(self._validated(partial=False), None)
        calendar = calendar_save(actor=request.user, **values)
        return self._reloaded(calendar, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        calendar = self.get_object()
        values = self._rows(self._validated(partial=True, instance=calendar), calendar)
        calendar = calendar_save(actor=request.user, calendar=calendar, **values)
        return self._reloaded(calendar)

    @extend_schema(
        summary="Import a country's public holidays of one year (service admins)",
        request=HolidayImportSerializer,
        responses={200: HolidayImportResultSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="import-holidays", serializer_class=HolidayImportSerializer)
    def import_holidays(self, request: Request, pk: str) -> Response:
        calendar = self.get_object()
        serializer = HolidayImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        added = calendar_import_holidays(
            actor=request.user, calendar=calendar, country=data["country"], year=data["year"],
            subdiv=data["subdiv"] or None,
        )
        fresh = self.get_queryset().get(pk=calendar.pk)
        return Response({"added": added, "calendar": CalendarSerializer(fresh).data})


# --- service standards (at `sla/policies/`) ---------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Current service standards"),
    retrieve=extend_schema(summary="One version of a service standard"),
    create=extend_schema(summary="Create a service standard (service admins)",
                         responses={201: ServiceStandardSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(
        summary="Edit a service standard (service admins): writes its next version",
        description="The answer is the new version, with a new `id`; running tickets keep the old one.",
        responses={200: ServiceStandardSerializer, **WRITE_ERRORS,
                   409: OpenApiResponse(ErrorSerializer, description="Not the current version.")},
    ),
    destroy=extend_schema(
        summary="Retire a service standard (service admins): it matches no new ticket",
        responses={204: None, 403: WRITE_ERRORS[403],
                   409: OpenApiResponse(ErrorSerializer, description="Already retired.")},
    ),
)
class ServiceStandardViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin,
                             _AdminWriteViewSet):
    serializer_class = ServiceStandardSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        qs = sla_selectors.current_standards() if self.action == "list" else selectors.standard_versions()
        return sla_selectors.standards_visible_to(qs, user=self.request.user)

    def create(self, request: Request) -> Response:
        standard = standard_save(actor=request.user, **self._validated(partial=False))
        return self._reloaded(standard, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        standard = self.get_object()
        values = self._validated(partial=True, instance=standard)
        standard = standard_save(actor=request.user, standard=standard, **values)
        return self._reloaded(standard)

    def destroy(self, request: Request, pk: str) -> Response:
        standard_retire(actor=request.user, standard=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- escalation chains ------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Escalation chains with their levels"),
    retrieve=extend_schema(summary="One escalation chain"),
    create=extend_schema(summary="Create an escalation chain (service admins)",
                         responses={201: EscalationChainSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(summary="Change an escalation chain (service admins); `levels` replaces all",
                                 responses={200: EscalationChainSerializer, **WRITE_ERRORS}),
)
class EscalationChainViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, _AdminWriteViewSet):
    serializer_class = EscalationChainSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return sla_selectors.chains_visible_to(sla_selectors.chains(), user=self.request.user)

    def create(self, request: Request) -> Response:
        values = self._validated(partial=False)
        chain = chain_save(actor=request.user, name=values["name"],
                           description=values.get("description", ""), levels=values["levels"])
        return self._reloaded(chain, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        chain: EscalationChain = self.get_object()
        values = self._validated(partial=True, instance=chain)
        levels = values.get("levels")
        if levels is None:
            levels = [
                {**{f: getattr(level, f) for f in LEVEL_FIELDS if f != "notify_users"},
                 "notify_users": list(level.notify_users.all())}
                for level in chain.levels.all()
            ]
        chain = chain_save(actor=request.user, chain=chain, name=values.get("name", chain.name),
                           description=values.get("description", chain.description), levels=levels)
        return self._reloaded(chain)


# --- simulator ----------------------------------------------------------------------------------


class SimulateView(ApiView, APIView):
    @extend_schema(
        operation_id="sla_simulate",
        tags=["sla"],
        summary="Due times a calendar or a service standard gives for a start time",
        description="With `calendar` and `minutes`: `due_at`. With `policy`, a service standard's id (and "
        "optionally `priority`): the first response and resolution due times, their warnings and escalation "
        "levels (and `due_at` too when `minutes` is given). Every time is in the calendar's zone. Writes nothing.",
        request=SimulateSerializer,
        responses={200: SimulateResultSerializer, 400: WRITE_ERRORS[400]},
        examples=[
            OpenApiExample(
                "calendar: Friday evening + 30 business minutes",
                request_only=True,
                value={"calendar": 1, "start": "2026-09-25T17:45:00+08:00", "minutes": 30},
            ),
            OpenApiExample(
                "calendar: answer",
                response_only=True,
                value={"timezone": "Asia/Shanghai", "start": "2026-09-25T17:45:00+08:00",
                       "due_at": "2026-09-28T09:15:00+08:00"},
            ),
            OpenApiExample(
                "service standard",
                request_only=True,
                value={"policy": 3, "priority": "P2", "start": "2026-09-25T17:45:00+08:00"},
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = SimulateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # `policy` is the API's name for the service standard.
        result = simulate(
            calendar=data.get("calendar"), standard=data.get("policy"), start=data["start"],
            minutes=data.get("minutes"), priority=data.get("priority"),
        )
        body: dict[str, Any] = {"timezone": result["timezone"], "start": result["start"]}
        for key in ("due_at", "first_response_due", "resolution_due", "first_response_warning_at",
                    "next_response_due"):
            if key in result:
                body[key] = result[key]
        if "warning_at" in result:
            body["resolution_warning_at"] = result["warning_at"]
        if "escalations" in result:
            body["escalations"] = [{"order": e["order"], "kind": e["kind"], "at": e["at"]}
                                   for e in result["escalations"]]
        return Response(SimulateResultSerializer(body).data)



# --- SLA outcomes -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="SLA outcomes: what each decided cycle of each target came to",
        parameters=[OutcomeFilterSerializer],
        responses={200: OutcomeSerializer(many=True), 400: WRITE_ERRORS[400]},
        description="Newest decision first, in cursor pages. Service admins read every team's; agents and "
        "leads their teams' (the team that had the ticket when the cycle was decided); others none. "
        "`from` and `to` bound `decided_at` (from included, to excluded).",
    ),
)
class OutcomeViewSet(ApiView, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = OutcomeSerializer
    queryset = SLAOutcome.objects.none()  # for the schema; requests go through the selectors
    cursor_ordering = ("-decided_at", "-id")

    def get_queryset(self):
        filters = OutcomeFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        qs = sla_selectors.outcomes_visible_to(user=self.request.user)
        if "team" in values:
            qs = qs.filter(team_id=values["team"])
        if "kind" in values:
            qs = qs.filter(kind=values["kind"])
        if values.get("met") is not None:
            qs = qs.filter(met=values["met"])
        if "from" in values:
            qs = qs.filter(decided_at__gte=values["from"])
        if "to" in values:
            qs = qs.filter(decided_at__lt=values["to"])
        return qs


class TicketOutcomesView(ApiView, APIView):
    """The SLA outcomes of one ticket, for the agents of its team and service admins: a 404
    for everyone else, its requester and collaborators included (they see no SLA either)."""

    pagination_class = None

    @extend_schema(summary="One ticket's SLA outcomes, by target and cycle",
                   responses={200: OutcomeSerializer(many=True),
                              404: OpenApiResponse(ErrorSerializer, description="No such ticket, or not yours "
                                                   "to work.")})
    def get(self, request: Request, pk: str) -> Response:
        ticket_id = parse_id(pk)
        ticket = tickets_visible_to(user=request.user).filter(pk=ticket_id).only("pk", "team_id").first() \
            if ticket_id is not None else None
        if ticket is None or not works_for_team(user=request.user, team_id=ticket.team_id):
            raise NotFound()
        return Response(OutcomeSerializer(sla_selectors.ticket_outcomes(ticket=ticket), many=True).data)
