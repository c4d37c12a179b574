"""Forms of the profile page: the user's own time zone, language and notifications."""

import zoneinfo
from functools import lru_cache

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notifications.models import Preference
from notifications.services import (
    EVENT_LABELS,
    FEEDBACK_ANSWERED,
    FEEDBACK_RECEIVED,
    FEEDBACK_STATUS,
    KB_OUTDATED,
    KB_REVIEW_DUE,
    LEAD_DIGEST,
    PROBLEM_FLAGGED,
    REQUESTER_REPLY,
    SLA_ESCALATION,
    SLA_WARNING,
    SURVEY_INVITE,
    SURVEY_LOW_SCORE,
    TICKET_ASSIGNED,
    TICKET_CREATED,
    TICKET_REPLY,
    TICKET_STATUS,
)
from sla.models import EscalationLevel

from .models import Membership


def notification_events_for(user) -> list[str]:
    """The kinds of event that can reach `user`, in EVENT_LABELS' order: everyone files
    requests and sends feedback; a team's agents and leads hear of its queue; leads get the
    digest and the team's feedback; an escalation reaches the ticket's agents and lead and
    whoever a chain names."""
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    events = {TICKET_STATUS, TICKET_REPLY, SURVEY_INVITE, FEEDBACK_ANSWERED, FEEDBACK_STATUS}
    if roles:
        events |= {TICKET_CREATED, TICKET_ASSIGNED, REQUESTER_REPLY, SLA_WARNING, SLA_ESCALATION,
                   KB_OUTDATED, KB_REVIEW_DUE}
    if Membership.Role.LEAD in roles:
        events |= {LEAD_DIGEST, SURVEY_LOW_SCORE, FEEDBACK_RECEIVED}
    if user.is_admin_role:
        events |= {PROBLEM_FLAGGED, FEEDBACK_RECEIVED}  # the feedback of a team without a lead
    if SLA_ESCALATION not in events and EscalationLevel.notify_users.through.objects.filter(user=user).exists():
        events.add(SLA_ESCALATION)
    return [event for event in EVENT_LABELS if event in events]


@lru_cache(maxsize=1)
def timezone_choices() -> list[tuple[str, str]]:
    """Every IANA time zone this machine knows, by name."""
    names = sorted(n for n in zoneinfo.available_timezones() if "/" in n or n == "UTC")
    return [(name, name.replace("_", " ")) for name in names]


class ProfileForm(forms.Form):
    timezone = forms.ChoiceField(label=_("Time zone"), help_text=_("Times on every page are shown in this zone."))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES,
                                 help_text=_("For the pages and for the emails you receive."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = timezone_choices()

    def clean_timezone(self) -> str:
        name = self.cleaned_data["timezone"]
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(gettext("Unknown time zone.")) from None
        return name


def event_field_name(event: str) -> str:
    return f"event_{event}"


def default_delivery(event: str) -> str:
    """What a user gets with no preference row: everything, except the leads' digest."""
    return Preference.Delivery.NONE if event == LEAD_DIGEST else Preference.Delivery.BOTH


class NotificationPreferencesForm(forms.Form):
    """One choice per kind of event: email, in the app, both or neither."""

    def __init__(self, *args, events: list[str], current: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.events = events
        for event in events:
            self.fields[event_field_name(event)] = forms.ChoiceField(
                label=gettext(EVENT_LABELS[event]), choices=Preference.Delivery.choices,
                initial=current.get(event, default_delivery(event)),
            )

    def deliveries(self) -> dict[str, str]:
        """The choices for the events shown; the others' stored choices are left alone."""
        return {event: self.cleaned_data[event_field_name(event)] for event in self.events}
