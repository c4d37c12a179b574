"""Forms of the knowledge base pages: they shape what the browser sends; the rules (who may
write or publish, lengths, languages) are `knowledge.services`'s."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from servicedesk.forms import MultiLineField
from teams.models import Team, User
from tickets.forms import ServiceErrorsMixin
from tickets.models import ServiceCategory, ServiceItem

from .models import Visibility
from .selectors import writable_teams


class ArticleForm(ServiceErrorsMixin, forms.Form):
    """Write or edit an article: its text in one language and who may read it."""

    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            widget=forms.TextInput(attrs={"required": True}))
    body = MultiLineField(label=_("Text"), required=False, strip=False,
                          help_text=_("Markdown is supported: **bold**, lists, `code`, links."),
                          widget=forms.Textarea(attrs={"rows": 14}))
    team = forms.ModelChoiceField(label=_("Service team"), queryset=Team.objects.none())
    visibility = forms.ChoiceField(label=_("Who may read it"), choices=Visibility.choices)
    category = forms.ModelChoiceField(label=_("Service category"), queryset=ServiceCategory.objects.all(),
                                      required=False)
    service_items = forms.ModelMultipleChoiceField(
        label=_("Related services"), queryset=ServiceItem.objects.filter(is_active=True), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}))
    tags = forms.CharField(label=_("Tags"), required=False, max_length=500,
                           help_text=_("Separated by commas."))
    review_by = forms.DateField(label=_("Review by"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    source_ticket = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = writable_teams(user=user)

    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in (self.cleaned_data.get("tags") or "").split(",") if tag.strip()]

    def article_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "language": data["language"], "title": data["title"], "body": data["body"], "team": data["team"],
            "visibility": data["visibility"], "category": data["category"],
            "service_items": list(data["service_items"]), "tags": self.tag_list(), "review_by": data["review_by"],
        }


class ReviewNoteForm(forms.Form):
    note = MultiLineField(label=_("What should change"), required=False, max_length=4000,
                          widget=forms.Textarea(attrs={"rows": 3}))


class FeedbackForm(forms.Form):
    """A reader's vote (`helpful` yes/no) or report (`outdated`) on the revision they read."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    helpful = forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No")), ("outdated", _("Out of date"))])
    comment = MultiLineField(label=_("Comment (optional)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
