"""Problems over HTTP: the shapes of a problem, its incidents, and the per-ticket report
of the bulk actions. Request fields are the strict ones (`servicedesk.api.fields`)."""

from rest_framework import serializers

from servicedesk.api import fields as strict
from tickets.constants import RESOLUTION_SUMMARY_MAX, Priority

from ..models import Problem, ProblemIncident, ProblemStatus
from ..services import TEXT_MAX, TITLE_MAX

VERSION_HELP = "The problem's `version` as you read it; a stale one is refused with 409 and nothing changes."


class ProblemSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)
    raised_by = serializers.CharField(source="raised_by.username", read_only=True, default=None)
    incident_count = serializers.IntegerField(read_only=True, default=None)
    flagged = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = Problem
        fields = ["id", "reference", "team", "team_name", "title", "symptoms", "root_cause", "workaround", "status",
                  "priority", "raised_by", "created_at", "updated_at", "resolved_at", "closed_at", "version",
                  "incident_count", "flagged"]
        read_only_fields = fields


class ProblemCreateSerializer(serializers.Serializer):
    team = strict.id_field(help_text="The service team that owns the problem (one you work in).")
    title = strict.LineField(max_length=TITLE_MAX)
    symptoms = strict.TextField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)
    root_cause = strict.TextField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)
    workaround = strict.TextField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)
    priority = strict.ChoiceField(choices=Priority.choices, required=False, default=Priority.P3)
    ticket = strict.id_field(required=False, help_text="Raise it from this incident ticket (linked at once).")


class ProblemUpdateSerializer(serializers.Serializer):
    title = strict.LineField(max_length=TITLE_MAX, required=False)
    symptoms = strict.TextField(required=False, allow_blank=True, max_length=TEXT_MAX)
    root_cause = strict.TextField(required=False, allow_blank=True, max_length=TEXT_MAX)
    workaround = strict.TextField(required=False, allow_blank=True, max_length=TEXT_MAX)
    priority = strict.ChoiceField(choices=Priority.choices, required=False)
    status = strict.ChoiceField(choices=ProblemStatus.choices, required=False,
                                help_text="investigating → known_error → resolved → closed; back: known_error → "
                                          "investigating, resolved → investigating. Closed is final.")
    version = strict.IntegerField(min_value=1, max_value=2**31 - 1, help_text=VERSION_HELP)


class IncidentSerializer(serializers.ModelSerializer):
    ticket = serializers.IntegerField(source="ticket_id", read_only=True)
    reference = serializers.CharField(source="ticket.reference", read_only=True)
    title = serializers.CharField(source="ticket.title", read_only=True)
    status = serializers.CharField(source="ticket.status", read_only=True)
    version = serializers.IntegerField(source="ticket.version", read_only=True)
    workaround_sent = serializers.SerializerMethodField()

    class Meta:
        model = ProblemIncident
        fields = ["ticket", "reference", "title", "status", "version", "linked_at", "workaround_sent",
                  "workaround_sent_at"]

    def get_workaround_sent(self, link: ProblemIncident) -> bool:
        """Whether the current workaround was posted to this incident."""
        return bool(link.workaround_sent) and link.workaround_sent == link.problem.workaround


class IncidentLinkSerializer(serializers.Serializer):
    ticket = strict.id_field(help_text="An incident ticket of the problem's team.")
    version = strict.IntegerField(min_value=1, max_value=2**31 - 1, required=False,
                                  help_text="The ticket's `version` as you read it (optional).")


class SeenVersionSerializer(serializers.Serializer):
    ticket = strict.id_field()
    version = strict.IntegerField(min_value=1, max_value=2**31 - 1)


class ResolveSerializer(serializers.Serializer):
    summary = strict.TextField(required=False, allow_blank=True, default="", max_length=RESOLUTION_SUMMARY_MAX,
                               help_text="The resolution summary of each incident; empty: the root cause.")
    versions = SeenVersionSerializer(many=True, required=False, default=list,
                                     help_text="The versions of the incidents as you read them: one changed since "
                                               "is refused (reported), the others go on.")


class IncidentOutcomeSerializer(serializers.Serializer):
    ticket = serializers.IntegerField(source="ticket_id")
    reference = serializers.CharField()
    title = serializers.CharField()
    outcome = serializers.ChoiceField(choices=["sent", "already_sent", "not_open", "resolved", "already_resolved",
                                               "linked", "refused"])
    message = serializers.CharField(help_text="Why it was refused, in the caller's language.")


class SendWorkaroundSerializer(serializers.Serializer):
    version = strict.IntegerField(min_value=1, max_value=2**31 - 1, required=False,
                                  help_text="The problem's `version` as you read it: the workaround you read is the "
                                            "one sent, or 409 and nothing is sent. Left out: the workaround as it is.")
