from rest_framework import serializers

from servicedesk.api import fields as strict
from surveys.models import SCORE_MAX, SCORE_MIN, SurveyInvite, SurveyResponse


class SurveyResponseSerializer(serializers.ModelSerializer):
    reason = serializers.SerializerMethodField()
    reason_name = serializers.SerializerMethodField()
    sla = serializers.SerializerMethodField()
    follow_up = serializers.SerializerMethodField()

    class Meta:
        model = SurveyResponse
        fields = ["id", "ticket", "cycle", "score", "comment", "reason", "reason_name", "channel", "answered_at",
                  "editable_until", "respondent", "team", "assignee", "service_item", "priority", "sla", "follow_up"]
        read_only_fields = fields

    def get_reason(self, response: SurveyResponse) -> str | None:
        return response.reason.key if response.reason_id else None

    def get_reason_name(self, response: SurveyResponse) -> str | None:
        return response.reason.tr("name") if response.reason_id else None

    def get_sla(self, response: SurveyResponse) -> dict[str, bool | None]:
        return {"first_response": response.first_response_met, "resolution": response.resolution_met,
                "next_response": response.next_response_met}

    def get_follow_up(self, response: SurveyResponse) -> dict | None:
        follow_up = getattr(response, "follow_up", None)
        if follow_up is None:
            return None
        return {"state": follow_up.state, "done_at": follow_up.done_at, "note": follow_up.note}


class SurveyInviteSerializer(serializers.ModelSerializer):
    token = serializers.SerializerMethodField()
    response = serializers.SerializerMethodField()

    class Meta:
        model = SurveyInvite
        fields = ["token", "state", "cycle", "send_at", "sent_at", "expires_at", "response"]
        read_only_fields = fields

    def get_token(self, invite: SurveyInvite) -> str:
        return self.context["token"]

    def get_response(self, invite: SurveyInvite) -> dict | None:
        response = getattr(invite, "response", None)
        return SurveyResponseSerializer(response).data if response is not None else None


class SurveyAnswerSerializer(serializers.Serializer):
    score = strict.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
    comment = strict.TextField(required=False, allow_blank=True, max_length=4000, default="")
    reason = strict.LineField(required=False, allow_blank=True, max_length=40, default="")
