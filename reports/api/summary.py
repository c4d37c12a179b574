"""The report figures over HTTP: `GET /api/v1/reports/summary/` (every figure of one scope
and period, with its counts) and `GET /api/v1/reports/trend/` (weekly or quarterly points).

The parameters are the report pages' (reports.forms.ReportFilterForm): a bad value is a 400
naming the field; a team, department or assignee out of the caller's reach is a 404, and so
is the whole endpoint for a caller who may see no team or department report. The reads run
inside `reports_reading()`: with a replica configured they go there.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reports import definitions as d
from reports.access import report_departments, report_teams
from reports.forms import ReportFilterForm
from reports.rollup import report_zone, rollup_as_of
from reports.selectors import report_quarters, report_summary, report_trend
from servicedesk.api.serializers import ErrorSerializer
from servicedesk.api.views import ApiView
from servicedesk.db_router import reports_reading
from tickets.constants import Priority

MAX_WEEKS = 104
MAX_QUARTERS = 12

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="A parameter is not valid; `errors` names each one."),
    404: OpenApiResponse(ErrorSerializer, description="The team, department or assignee is out of your reach, "
                                                      "or you may see no report."),
}

FILTERS = [
    OpenApiParameter("team", OpenApiTypes.INT, description="One service team (id). Leads: one of their teams."),
    OpenApiParameter("department", OpenApiTypes.INT,
                     description="The requesters' department (id): the service its employees received."),
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day, inclusive, in the report time zone "
                                                            "(default: Monday of last week)."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, inclusive (default: six days after `from`, "
                                                          "or Sunday of last week)."),
    OpenApiParameter("service_item", OpenApiTypes.INT, description="One service (id)."),
    OpenApiParameter("category", OpenApiTypes.INT, description="One service category (id)."),
    OpenApiParameter("priority", OpenApiTypes.STR, enum=Priority.values),
    OpenApiParameter("assignee", OpenApiTypes.INT,
                     description="One assignee (user id): service admins, or the lead with `team`."),
]


class PeriodSerializer(serializers.Serializer):
    """The days counted, inclusive, and the time zone they are cut in."""

    def get_fields(self):
        return {"from": serializers.DateField(), "to": serializers.DateField(), "time_zone": serializers.CharField()}


class SlaEntrySerializer(serializers.Serializer):
    met = serializers.IntegerField(help_text="Cycles met on time.")
    decided = serializers.IntegerField(help_text="Cycles decided in the period (met, or past their due time).")
    compliance = serializers.FloatField(allow_null=True, help_text="met / decided; null when nothing was decided.")
    timed = serializers.IntegerField(help_text="Decided cycles whose duration is known (the percentiles' n).")
    p50_business_seconds = serializers.IntegerField(allow_null=True)
    p90_business_seconds = serializers.IntegerField(allow_null=True)
    p50_wall_seconds = serializers.IntegerField(allow_null=True)
    p90_wall_seconds = serializers.IntegerField(allow_null=True)


class SlaSerializer(serializers.Serializer):
    first_response = SlaEntrySerializer()
    next_response = SlaEntrySerializer()
    resolution = SlaEntrySerializer()


class SatisfactionSerializer(serializers.Serializer):
    sent = serializers.IntegerField(help_text="Surveys sent in the period.")
    responses = serializers.IntegerField(help_text="Responses answered in the period.")
    positive = serializers.IntegerField(help_text=f"Responses scoring {d.POSITIVE_SCORE} or 5.")
    positive_share = serializers.FloatField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    response_rate = serializers.FloatField(allow_null=True, help_text="responses / sent.")


class FirstContactSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Resolutions with at most one public reply, never reopened.")
    resolved = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class BacklogSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Tickets open now (new, open, waiting on the requester).")
    age = serializers.DictField(child=serializers.IntegerField(),
                                help_text="By whole days since filing: " + ", ".join(k for k, _, _ in d.AGE_BUCKETS))


class FeedbackCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    kind = serializers.DictField(child=serializers.IntegerField())
    status = serializers.DictField(child=serializers.IntegerField())


class ReportSummarySerializer(serializers.Serializer):
    """Every figure of one scope and period (see the README, "Reports", for what each counts).
    Keys not listed here that the reports add later are passed through as they are."""

    period = PeriodSerializer()
    as_of = serializers.DateTimeField(allow_null=True, help_text="The rollups are complete up to this time.")
    created = serializers.IntegerField()
    resolved = serializers.IntegerField()
    reopened = serializers.IntegerField()
    first_contact = FirstContactSerializer()
    sla = SlaSerializer()
    satisfaction = SatisfactionSerializer()
    backlog = BacklogSerializer()
    feedback = FeedbackCountsSerializer(allow_null=True,
                                        help_text="Feedback sent to the teams; null for a narrower scope.")


class TrendSlaEntrySerializer(serializers.Serializer):
    met = serializers.IntegerField()
    decided = serializers.IntegerField()
    compliance = serializers.FloatField(allow_null=True)


class TrendSlaSerializer(serializers.Serializer):
    first_response = TrendSlaEntrySerializer()
    next_response = TrendSlaEntrySerializer()
    resolution = TrendSlaEntrySerializer()


class TrendSatisfactionSerializer(serializers.Serializer):
    responses = serializers.IntegerField()
    positive = serializers.IntegerField()
    positive_share = serializers.FloatField(allow_null=True)


class TrendPointSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First day of the week (Monday) or quarter.")
    created = serializers.IntegerField()
    resolved = serializers.IntegerField()
    sla = TrendSlaSerializer()
    satisfaction = TrendSatisfactionSerializer()


class ReportTrendSerializer(serializers.Serializer):
    unit = serializers.ChoiceField(choices=["week", "quarter"])
    time_zone = serializers.CharField()
    as_of = serializers.DateTimeField(allow_null=True)
    points = TrendPointSerializer(many=True)


SUMMARY_EXAMPLE = {
    "period": {"from": "2026-09-21", "to": "2026-09-27", "time_zone": "Asia/Shanghai"},
    "as_of": "2026-09-28T10:00:00+08:00",
    "created": 6, "resolved": 5, "reopened": 1,
    "first_contact": {"count": 1, "resolved": 5, "rate": 0.2},
    "sla": {
        "first_response": {"met": 5, "decided": 5, "compliance": 1.0, "timed": 5, "p50_business_seconds": 600,
                           "p90_business_seconds": 1200, "p50_wall_seconds": 600, "p90_wall_seconds": 1200},
        "next_response": {"met": 1, "decided": 2, "compliance": 0.5, "timed": 2, "p50_business_seconds": 1200,
                          "p90_business_seconds": 9960, "p50_wall_seconds": 1200, "p90_wall_seconds": 9960},
        "resolution": {"met": 5, "decided": 5, "compliance": 1.0, "timed": 5, "p50_business_seconds": 4500,
                       "p90_business_seconds": 12540, "p50_wall_seconds": 3600, "p90_wall_seconds": 12540},
    },
    "satisfaction": {"sent": 5, "responses": 3, "positive": 2, "positive_share": 0.667, "mean": 4.0,
                     "response_rate": 0.6},
    "backlog": {"total": 2, "age": {"0-1": 1, "2-3": 0, "4-7": 1, "8-14": 0, "15-30": 0, "30+": 0}},
    "feedback": {"total": 2, "kind": {"suggestion": 1, "complaint": 1, "praise": 0},
                 "status": {"new": 2, "acknowledged": 0, "acted_on": 0, "declined": 0}},
}


def parsed_filters(request: Request) -> ReportFilterForm:
    """The report filters of a request, checked: a 404 for anything out of reach (or a
    caller who may see no report), a 400 naming each bad parameter."""
    user = request.user
    leads = report_teams(user=user).exists()
    if not (user.is_admin_role or leads or report_departments(user=user).exists()):
        raise NotFound(_("No report is in your reach."))
    # A lead who names no team gets the teams they lead; a department head names theirs.
    form = ReportFilterForm(request.query_params, user=user, need_scope=not leads)
    valid = form.is_valid()
    if form.out_of_reach:
        raise NotFound(_("This report is out of your reach."))
    if not valid:
        names = {"from_": "from", "__all__": "non_field_errors"}
        raise ValidationError({names.get(name, name): list(messages) for name, messages in form.errors.items()})
    return form


class ReportSummaryView(ApiView, APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = None

    @extend_schema(
        summary="The report figures of a team, department or service for a period, each with its counts",
        parameters=FILTERS,
        responses={200: ReportSummarySerializer, **ERRORS},
        examples=[OpenApiExample("IT Support, one week", value=SUMMARY_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        form = parsed_filters(request)
        with reports_reading():
            summary = report_summary(scope=form.scope(), period=form.period())
        body = {key: value for key, value in summary.items() if key not in ReportSummarySerializer().fields}
        body.update(ReportSummarySerializer(summary).data)
        return Response(body)


class ReportTrendView(ApiView, APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = None

    @extend_schema(
        summary="Weekly (Monday–Sunday) or quarterly figures ending with the period's last day",
        parameters=[*FILTERS,
                    OpenApiParameter("weeks", OpenApiTypes.INT, description=f"1–{MAX_WEEKS} weeks (default 12)."),
                    OpenApiParameter("quarters", OpenApiTypes.INT,
                                     description=f"1–{MAX_QUARTERS} calendar quarters, instead of weeks.")],
        responses={200: ReportTrendSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        errors = {}
        if "weeks" in params and "quarters" in params:
            errors["quarters"] = [_("Ask for weeks or quarters, not both.")]
        unit, count = ("quarter", _count(params, "quarters", 4, MAX_QUARTERS, errors)) if "quarters" in params else (
            "week", _count(params, "weeks", 12, MAX_WEEKS, errors))
        form = parsed_filters(request)
        if errors:
            raise ValidationError(errors)
        last = form.period().last
        with reports_reading():
            if unit == "quarter":
                points = report_quarters(scope=form.scope(), last=last, quarters=count)
            else:
                points = report_trend(scope=form.scope(), last=last, weeks=count)
            as_of = rollup_as_of()
        return Response(ReportTrendSerializer({"unit": unit, "time_zone": str(report_zone()), "as_of": as_of,
                                               "points": points}).data)


def _count(params, name: str, default: int, most: int, errors: dict) -> int:
    raw = params.get(name, "")
    if name not in params:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        errors[name] = [_("Enter a whole number from 1 to %(most)d.") % {"most": most}]
        return default
    return int(raw)
