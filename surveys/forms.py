"""Forms of the survey pages; the rules (required comment and reason for a low score, the
edit window, who may answer) are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from servicedesk.forms import MultiLineField

from .models import SCORE_MAX, SCORE_MIN, SurveyReason, SurveySettings

SCORE_LABELS = {
    1: _("1 · very dissatisfied"),
    2: _("2 · dissatisfied"),
    3: _("3 · neither"),
    4: _("4 · satisfied"),
    5: _("5 · very satisfied"),
}


def reason_choices(reasons: list[SurveyReason]) -> list[tuple[str, str]]:
    return [("", _("— choose a reason —")), *((r.key, r.tr("name")) for r in reasons)]


class AnswerForm(forms.Form):
    """The score (when not given yet), the comment and the reason."""

    score = forms.TypedChoiceField(label=_("Score"), coerce=int, widget=forms.RadioSelect,
                                   choices=[(n, SCORE_LABELS[n]) for n in range(SCORE_MIN, SCORE_MAX + 1)])
    comment = MultiLineField(label=_("Comment"), required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 4}))
    reason = forms.ChoiceField(label=_("Reason"), required=False)

    def __init__(self, *args, reasons: list[SurveyReason], with_score: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = reason_choices(reasons)
        if not with_score:
            del self.fields["score"]


class FollowUpDoneForm(forms.Form):
    note = MultiLineField(label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class SurveySettingsForm(forms.ModelForm):
    reasons = MultiLineField(
        label=_("Reasons to choose from"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One a line: key | English | 简体中文 | 繁體中文. Empty: the defaults' reasons."))

    class Meta:
        model = SurveySettings
        fields = ["enabled", "delay_minutes", "sample_percent", "cooldown_days", "expiry_days", "low_score",
                  "anonymous"]
