"""`GET /api/v1/reports/members/?team=&from=&to=`: member scorecards as JSON, with the same
reach as the pages (reports.access): the team's lead and service admins get every member's
scorecard, a member only their own (a list of one), anyone else a 404. Bad parameters are a
400 naming each (reports.member_forms.MemberReportForm)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reports import definitions as d
from reports.access import scorecard_members
from reports.member_forms import MemberReportForm
from reports.rollup import report_zone
from reports.scorecards import team_scorecards
from servicedesk.api.serializers import ErrorSerializer
from servicedesk.api.views import ApiView


class ScorecardTargetSerializer(serializers.Serializer):
    met = serializers.IntegerField()
    decided = serializers.IntegerField()
    compliance = serializers.FloatField(allow_null=True, help_text="met ÷ decided; null when nothing was decided.")
    timed = serializers.IntegerField(help_text="Cycles whose duration is known (the p50 counts these).")
    p50_business_seconds = serializers.IntegerField(allow_null=True)


class ScorecardTargetsSerializer(serializers.Serializer):
    first_response = ScorecardTargetSerializer()
    next_response = ScorecardTargetSerializer()
    resolution = ScorecardTargetSerializer()


class ScorecardSatisfactionSerializer(serializers.Serializer):
    responses = serializers.IntegerField()
    positive = serializers.IntegerField(help_text="Responses scoring 4 or 5.")
    positive_share = serializers.FloatField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)


class MemberFirstContactSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="count ÷ resolved.")


class KnowledgeHelpfulSerializer(serializers.Serializer):
    helpful = serializers.IntegerField()
    answers = serializers.IntegerField(help_text="Helpful and not-helpful answers given in the period.")
    share = serializers.FloatField(allow_null=True)


class KnowledgeFiguresSerializer(serializers.Serializer):
    """The knowledge-base figures of some articles over a period (reports.knowledge)."""

    written = serializers.IntegerField()
    published = serializers.IntegerField(help_text="Articles first published in the period.")
    views = serializers.IntegerField(help_text="Views opened from a ticket in the period (the only dated views).")
    views_all_time = serializers.IntegerField(help_text="The articles' view counters: every view, undated.")
    helpful = KnowledgeHelpfulSerializer()
    deflections = serializers.IntegerField()
    solved = serializers.IntegerField(help_text="Tickets an article solved (requester's word) in the period.")
    used_in_reply = serializers.IntegerField()


class ScorecardFiguresSerializer(serializers.Serializer):
    load = serializers.IntegerField(help_text="Open tickets now: the member's assigned ones, or all the team's.")
    resolved = serializers.IntegerField()
    reopened = serializers.IntegerField()
    reopen_rate = serializers.FloatField(allow_null=True, help_text="reopened ÷ resolved.")
    first_contact = MemberFirstContactSerializer()
    sla = ScorecardTargetsSerializer()
    first_response_p50_business_seconds = serializers.IntegerField(allow_null=True)
    satisfaction = ScorecardSatisfactionSerializer()
    knowledge = KnowledgeFiguresSerializer()
    few_cases = serializers.ListField(
        child=serializers.CharField(),
        help_text="Figures counted over fewer than `small_n` cases: read with care.")


class ScorecardMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


class ScorecardTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class ScorecardPeriodSerializer(serializers.Serializer):
    # `from` is a Python keyword: the field is declared below under its JSON name.
    to = serializers.DateField()
    time_zone = serializers.CharField()

    def get_fields(self):
        fields = super().get_fields()
        return {"from": serializers.DateField(), **fields}


class ScorecardSerializer(serializers.Serializer):
    member = ScorecardMemberSerializer()
    team = ScorecardTeamSerializer()
    period = ScorecardPeriodSerializer()
    as_of = serializers.DateTimeField(allow_null=True, help_text="The time the rollups are complete to.")
    small_n = serializers.IntegerField(help_text="Below this many cases a figure is listed in `few_cases`.")
    figures = ScorecardFiguresSerializer(help_text="The member's figures.")
    team_figures = ScorecardFiguresSerializer(help_text="The whole team's figures, to read beside them.")


def _form_errors(form: MemberReportForm) -> dict[str, list[str]]:
    """A form's errors under the parameters' names."""
    return {("from" if name == "from_" else "non_field_errors" if name == "__all__" else name): list(messages)
            for name, messages in form.errors.items()}


class MemberScorecardsView(ApiView, APIView):
    @extend_schema(
        summary="Member scorecards of a team over a period, each beside the team's figures",
        description="The team's lead and service admins get every member's scorecard; a member gets only their "
                    "own (a list of one); anyone else a 404. Days are inclusive, in the report time zone; the "
                    "period defaults to last week (Monday to Sunday).",
        parameters=[
            OpenApiParameter("team", OpenApiTypes.INT, required=True, description="The service team's id."),
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day (inclusive)."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (inclusive)."),
        ],
        responses={200: ScorecardSerializer(many=True),
                   400: OpenApiResponse(ErrorSerializer, description="Invalid parameters; `errors` names each."),
                   404: OpenApiResponse(ErrorSerializer, description="No such team, or no scorecard of it yours to see.")},
    )
    def get(self, request: Request) -> Response:
        form = MemberReportForm(request.query_params, user=request.user)
        valid = form.is_valid()
        if form.out_of_reach:
            raise NotFound(_("No such service team."))
        if not valid:
            raise ValidationError(_form_errors(form))
        team = form.chosen_team()
        members = list(scorecard_members(user=request.user, team=team).filter(is_active=True))
        period = form.period()
        cards = team_scorecards(team=team, members=members, period=period, now=timezone.now())
        team_ref = {"id": team.pk, "slug": team.slug, "name": team.tr("name")}
        period_ref = {"from": period.first, "to": period.last, "time_zone": str(report_zone())}
        data = [{"member": {"id": member.pk, "username": member.username, "name": member.display_name},
                 "team": team_ref, "period": period_ref, "as_of": cards.as_of, "small_n": d.SMALL_N,
                 "figures": card, "team_figures": cards.team}
                for member, card in cards.members]
        return Response(ScorecardSerializer(data, many=True).data)
