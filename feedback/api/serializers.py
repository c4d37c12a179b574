"""The feedback channel over HTTP: what a piece of feedback reads as (the sender only for
those who may know them, `feedback.selectors.sender_visible_to`), and what a client sends."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from feedback.models import Feedback, FeedbackEvent
from feedback.selectors import sender_visible_to
from feedback.services import ANSWER_MAX, NOTE_MAX, TEXT_MAX
from servicedesk.api import fields as strict
from teams.api.serializers import UserSummarySerializer
from teams.models import Team


class FeedbackAttachmentSerializer(serializers.Serializer):
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()
    content_type = serializers.CharField()


class FeedbackEventSerializer(serializers.ModelSerializer):
    actor = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = FeedbackEvent
        fields = ["id", "kind", "actor", "old_value", "new_value", "note", "created_at"]
        read_only_fields = fields


class FeedbackSerializer(serializers.ModelSerializer):
    """One piece of feedback; `sender` is null when it is anonymous to the team and the
    reader is not its sender or a service admin."""

    team_name = serializers.SerializerMethodField()
    sender = serializers.SerializerMethodField()
    answered_by = UserSummarySerializer(read_only=True, allow_null=True)
    attachment = serializers.SerializerMethodField()

    class Meta:
        model = Feedback
        fields = ["id", "team", "team_name", "kind", "text", "anonymous", "sender", "status", "answer",
                  "answered_by", "answered_at", "attachment", "created_at", "updated_at"]
        read_only_fields = fields

    def get_team_name(self, feedback: Feedback) -> str:
        return feedback.team.tr("name")

    @extend_schema_field(UserSummarySerializer(allow_null=True))
    def get_sender(self, feedback: Feedback) -> dict | None:
        if not sender_visible_to(user=self.context["request"].user, feedback=feedback):
            return None
        return UserSummarySerializer(feedback.sender).data

    @extend_schema_field(FeedbackAttachmentSerializer(allow_null=True))
    def get_attachment(self, feedback: Feedback) -> dict | None:
        attachment = getattr(feedback, "attachment", None)
        return FeedbackAttachmentSerializer(attachment).data if attachment is not None else None


class FeedbackDetailSerializer(FeedbackSerializer):
    """One piece of feedback with its history (answers and status moves, old → new)."""

    history = FeedbackEventSerializer(many=True, read_only=True, source="events")

    class Meta(FeedbackSerializer.Meta):
        fields = [*FeedbackSerializer.Meta.fields, "history"]
        read_only_fields = fields


class FeedbackCreateSerializer(serializers.Serializer):
    team = strict.id_field(help_text="Id of an active service team (see teams/).")
    kind = strict.ChoiceField(choices=Feedback.Kind.choices)
    # Blank passes here: the service refuses it together with every other field at fault.
    text = strict.TextField(allow_blank=True, max_length=TEXT_MAX)
    anonymous = strict.BooleanField(required=False, default=False,
                                    help_text="Hide your name from the team and its lead (service admins still see it).")

    def validate_team(self, value: int) -> Team:
        team = Team.objects.filter(pk=value, is_active=True).first()
        if team is None:
            raise serializers.ValidationError(_("Unknown service team."))
        return team


class FeedbackAnswerSerializer(serializers.Serializer):
    answer = strict.TextField(required=False, allow_blank=True, max_length=ANSWER_MAX,
                              help_text="The answer the sender reads (replaces an earlier one).")
    status = strict.ChoiceField(choices=Feedback.Status.choices, required=False,
                                help_text="new → acknowledged → acted_on / declined; needs a `note`.")
    note = strict.TextField(required=False, allow_blank=True, default="", max_length=NOTE_MAX,
                            help_text="Why the status changed; the sender reads it.")
