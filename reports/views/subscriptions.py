"""Report subscriptions: the user's own, a form to subscribe to a weekly or monthly summary
mail of a report they may see (reports.access), and the page the mail's link to stop it
opens. A subscription is its subscriber's only (404 for anyone else)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicedesk.exceptions import ApplicationError

from ..access import report_departments, report_teams
from ..models import ReportSubscription
from ..subscriptions import subscription_create, subscription_stop


class SubscriptionForm(forms.Form):
    report = forms.ChoiceField(label=gettext_lazy("Report"))
    frequency = forms.ChoiceField(label=gettext_lazy("How often"), choices=ReportSubscription.Frequency.choices,
                                  widget=forms.RadioSelect, initial=ReportSubscription.Frequency.WEEKLY)

    def __init__(self, *args, teams, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = {str(t.pk): t for t in teams}
        self.departments = {str(dep.pk): dep for dep in departments}
        choices = []
        if self.teams:
            choices.append((_("Service teams"), [(f"team:{pk}", t.tr("name")) for pk, t in self.teams.items()]))
        if self.departments:
            choices.append((_("Departments"), [(f"department:{pk}", dep.tr("name"))
                                               for pk, dep in self.departments.items()]))
        self.fields["report"].choices = choices

    def target(self) -> dict:
        kind, _sep, pk = self.cleaned_data["report"].partition(":")
        return {"team": self.teams[pk]} if kind == "team" else {"department": self.departments[pk]}


def _own(request: HttpRequest):
    return (ReportSubscription.objects.filter(user=request.user, active=True)
            .select_related("team", "department").order_by("team__name", "department__name", "frequency"))


@login_required
def report_subscriptions(request: HttpRequest) -> HttpResponse:
    teams, departments = report_teams(user=request.user), report_departments(user=request.user)
    own = list(_own(request))
    if not own and not teams.exists() and not departments.exists():
        raise Http404(_("No reports to subscribe to."))
    form = SubscriptionForm(request.POST or None, teams=teams, departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            subscription_create(user=request.user, frequency=form.cleaned_data["frequency"], **form.target())
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Subscribed. The summary comes by mail after each period ends."))
            return redirect("report-subscriptions")
    return render(request, "reports/subscriptions.html", {"form": form, "subscriptions": own})


@login_required
def report_subscription_stop(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop a subscription (the mail's link lands here: a page that asks, then a POST)."""
    subscription = _own(request).filter(pk=pk).first()
    if subscription is None:
        raise Http404(_("No such subscription."))
    if request.method == "POST":
        subscription_stop(subscription=subscription)
        messages.success(request, _("Subscription stopped. No more mails of this report."))
        return redirect("report-subscriptions")
    return render(request, "reports/subscription_stop.html", {"subscription": subscription})
