"""Forms of the feedback pages. They shape what the browser sends; the rules (text, kind,
team, the attachment's type and size, status moves) are `feedback.services`', whose
ApplicationError is put back on these forms' fields."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from servicedesk.forms import MultiLineField
from tickets.forms import ServiceErrorsMixin

from .models import Feedback
from .selectors import feedback_teams
from .services import ANSWER_MAX, NOTE_MAX, TEXT_MAX


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.tr("name")


class FeedbackForm(ServiceErrorsMixin, forms.Form):
    """Feedback on a service team, from any employee."""

    team = TeamChoiceField(label=_("Service team"), queryset=feedback_teams(), required=False,
                           empty_label=_("Choose a team"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Feedback.Kind.choices, required=False,
                             widget=forms.RadioSelect)
    text = MultiLineField(
        label=_("Your feedback"), required=False, strip=False, max_length=TEXT_MAX,
        help_text=_("What works, what does not, what you would change. Markdown is supported."),
        widget=forms.Textarea(attrs={"rows": 7, "required": True}),
    )
    attachment = forms.FileField(label=_("Attachment (optional)"), required=False)
    anonymous = forms.BooleanField(
        label=_("Anonymous to the team"), required=False,
        help_text=_("The team and its lead will not see your name. Service admins can still see who sent it, "
                    "and you will see the answer under My feedback."),
    )


class FeedbackAnswerForm(ServiceErrorsMixin, forms.Form):
    """The lead's answer and status move; the status offered are those the feedback may take."""

    answer = MultiLineField(label=_("Answer to the sender"), required=False, strip=False, max_length=ANSWER_MAX,
                            widget=forms.Textarea(attrs={"rows": 5}))
    status = forms.ChoiceField(label=_("New status"), required=False)
    note = MultiLineField(label=_("Note on the status change"), required=False, strip=False, max_length=NOTE_MAX,
                          help_text=_("Required with a new status; the sender reads it."),
                          widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, allowed_statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Keep the status"))] + [
            (value, capfirst(Feedback.Status(value).label)) for value in allowed_statuses]


class TeamFeedbackFilterForm(forms.Form):
    # Capitalised as the table and the counts show them.
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds"))] + [(v, capfirst(label)) for v, label in Feedback.Kind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))]
                               + [(v, capfirst(label)) for v, label in Feedback.Status.choices])
