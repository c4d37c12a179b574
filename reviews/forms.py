"""The forms of the review pages: opening a quarter's review and the decision about one
standard. They parse; the services validate and write (their field errors are shown here)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from reports import definitions as d

from .models import ReviewItem


def quarter_choices(today: dt.date, taken: set[dt.date], count: int = 4) -> list[tuple[str, str]]:
    """The current quarter and the ones before it that have no review yet (or only a draft)."""
    choices = []
    quarter = d.quarter_start(today)
    for _index in range(count):
        if quarter not in taken:
            choices.append((quarter.isoformat(), f"{quarter.year} Q{(quarter.month - 1) // 3 + 1}"))
        quarter = d.quarter_start(quarter - dt.timedelta(days=1))
    return choices


class OpenReviewForm(forms.Form):
    quarter = forms.ChoiceField(label=_("Quarter"))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = choices

    def quarter_date(self) -> dt.date:
        return dt.date.fromisoformat(self.cleaned_data["quarter"])


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=ReviewItem.Decision.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    first_response_minutes = forms.CharField(label=_("New first response target (business minutes)"),
                                             required=False, widget=forms.NumberInput(attrs={"min": 1}))
    next_response_minutes = forms.CharField(label=_("New next response target (business minutes)"),
                                            required=False, widget=forms.NumberInput(attrs={"min": 1}))
    resolution_minutes = forms.CharField(label=_("New resolution target (business minutes)"),
                                         required=False, widget=forms.NumberInput(attrs={"min": 1}))

    def __init__(self, *args, item: ReviewItem, **kwargs):
        kwargs.setdefault("auto_id", f"item{item.pk}_%s")
        if not args and "initial" not in kwargs:
            kwargs["initial"] = {
                "decision": item.decision or ReviewItem.Decision.KEEP, "note": item.note,
                "first_response_minutes": item.new_first_response_minutes,
                "next_response_minutes": item.new_next_response_minutes,
                "resolution_minutes": item.new_resolution_minutes,
            }
        super().__init__(*args, **kwargs)
