"""Forms of the problem pages; the rules (who may, what is valid, which moves) are
`problems.services`', whose ApplicationError is put back on these forms' fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from servicedesk.forms import MultiLineField
from tickets.constants import RESOLUTION_SUMMARY_MAX, Priority
from tickets.forms import ServiceErrorsMixin, VersionedForm

from .models import PROBLEM_TRANSITIONS, Problem, ProblemStatus


class ProblemForm(ServiceErrorsMixin, forms.Form):
    """Raise a problem (with its team) or edit one (with its status and version)."""

    team = forms.TypedChoiceField(label=_("Service team"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    symptoms = MultiLineField(label=_("Symptoms"), required=False, strip=False,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("What the requesters see. Markdown is supported."))
    root_cause = MultiLineField(label=_("Root cause"), required=False, strip=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    workaround = MultiLineField(label=_("Workaround"), required=False, strip=False,
                                widget=forms.Textarea(attrs={"rows": 4}),
                                help_text=_("What helps until the root cause is fixed; it can be sent to every "
                                            "open incident at once."))
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.P3)
    status = forms.ChoiceField(label=_("Status"), choices=ProblemStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    ticket = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, teams=(), problem: Problem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.problem = problem
        if problem is None:
            self.fields["team"].choices = [(t.pk, t.tr("name")) for t in teams]
            del self.fields["status"]
            del self.fields["version"]
        else:
            del self.fields["team"]
            del self.fields["ticket"]
            allowed = {problem.status, *PROBLEM_TRANSITIONS[problem.status]}
            self.fields["status"].choices = [(s.value, s.label) for s in ProblemStatus if s in allowed]
            self.fields["version"].required = True


class TicketProblemForm(VersionedForm):
    """The ticket page's "link to a problem": one of the open problems of the ticket's team."""

    problem = forms.TypedChoiceField(label=_("Link to a problem"), coerce=int)

    def __init__(self, *args, problems=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].choices = [(p.pk, f"{p.reference} {p.title}") for p in problems]


class ResolveIncidentsForm(forms.Form):
    """"Resolve with the problem": the summary each incident is resolved with, and the
    version of each incident the page showed (a ticket changed since is refused)."""

    summary = MultiLineField(label=_("Resolution summary for the incidents"), required=False, strip=False,
                             max_length=RESOLUTION_SUMMARY_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("The requesters read it. Empty: the root cause."))

    def versions(self, data) -> dict[int, int]:
        """The versions the page showed, from its `seen_<ticket id>` fields."""
        seen = {}
        for key, value in data.items():
            if key.startswith("seen_") and key[5:].isdigit() and str(value).isdigit():
                seen[int(key[5:])] = int(value)
        return seen
