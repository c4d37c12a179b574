"""The quarterly review over HTTP: a review, its items with their stored figures, and the
bodies of opening a quarter and of a decision (strict fields: servicedesk.api.fields)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from servicedesk.api import fields as strict

from ..models import ReviewItem, StandardReview
from ..services import NOTE_MAX


class ReviewSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text="The quarter, e.g. \"2026 Q4\".")
    opened_by = serializers.CharField(source="opened_by.username", read_only=True, default=None, allow_null=True)
    closed_by = serializers.CharField(source="closed_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = StandardReview
        fields = ["id", "quarter", "label", "state", "opened_by", "opened_at", "closed_by", "closed_at",
                  "computed_at"]
        read_only_fields = fields


class FiguresSerializer(serializers.Serializer):
    """The figures as stored when the review was opened or refreshed (reviews.figures)."""

    period = serializers.DictField(help_text="{from, to, time_zone}: the quarter's days.")
    tickets = serializers.IntegerField(help_text="Distinct tickets with outcomes under this version.")
    sla = serializers.DictField(help_text="Per target kind: {met, decided, compliance, timed, "
                                          "p90_business_seconds, target_minutes, p90_target_share, small_n}.")
    previous = serializers.DictField(help_text="The previous quarter, every version of the same lineage: "
                                               "{period, tickets, sla}.")
    satisfaction = serializers.DictField(help_text="The team's: {sent, responses, positive, positive_share, "
                                                   "mean, response_rate}.")
    feedback = serializers.DictField(allow_null=True, help_text="Feedback about the team: {total, kind, status}.")
    flags = serializers.ListField(child=serializers.DictField(),
                                  help_text="[{code: too_tight|too_easy, kind, value, threshold, n}].")
    thresholds = serializers.DictField(help_text="{miss_rate, easy_fraction, min_n} the flags were judged by.")


class ReviewItemSerializer(serializers.ModelSerializer):
    standard_name = serializers.CharField(source="standard.name", read_only=True)
    version = serializers.IntegerField(source="standard.version", read_only=True)
    priority = serializers.CharField(source="standard.priority", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)
    figures = FiguresSerializer(read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None, allow_null=True)
    applied_version = serializers.IntegerField(source="applied_standard.version", read_only=True, default=None,
                                               allow_null=True)
    applied_by = serializers.CharField(source="applied_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = ReviewItem
        fields = ["id", "standard", "standard_name", "version", "lineage", "priority", "team", "team_name",
                  "first_response_minutes", "next_response_minutes", "resolution_minutes", "figures",
                  "decision", "note", "new_first_response_minutes", "new_next_response_minutes",
                  "new_resolution_minutes", "decided_by", "decided_at", "applied_standard", "applied_version",
                  "applied_change", "applied_by", "applied_at"]
        read_only_fields = fields


class ReviewDetailSerializer(ReviewSerializer):
    items = serializers.SerializerMethodField()

    class Meta(ReviewSerializer.Meta):
        fields = [*ReviewSerializer.Meta.fields, "items"]
        read_only_fields = fields

    @extend_schema_field(ReviewItemSerializer(many=True))
    def get_items(self, review) -> list[dict]:
        """The items the viewer may see (the view passes them)."""
        return ReviewItemSerializer(self.context["items"], many=True).data


class ReviewOpenSerializer(serializers.Serializer):
    quarter = serializers.DateField(help_text="The quarter's first day, e.g. 2026-10-01; one that has started.")


class ConfirmSerializer(serializers.Serializer):
    """The body of apply and close: nothing is needed (an empty object); a note is kept in the
    review's log."""

    note = strict.TextField(required=False, allow_blank=True, default="", max_length=NOTE_MAX)


class DecisionSerializer(serializers.Serializer):
    decision = strict.ChoiceField(choices=ReviewItem.Decision.choices)
    note = strict.TextField(required=False, allow_blank=True, default="", max_length=NOTE_MAX)
    first_response_minutes = strict.IntegerField(required=False, allow_null=True, min_value=1, max_value=10**7,
                                                 help_text="Tighten/loosen: the new target in business minutes.")
    next_response_minutes = strict.IntegerField(required=False, allow_null=True, min_value=1, max_value=10**7)
    resolution_minutes = strict.IntegerField(required=False, allow_null=True, min_value=1, max_value=10**7)
