"""The report filters, parsed once for the pages, the API and the exports: a Django form
whose choices are what the viewer may see (reports.access). A team or department out of
reach is not a form error but `out_of_reach` (the caller answers 404)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.models import Department, Team, User
from teams.selectors import led_team_ids
from tickets.constants import Priority
from tickets.models import ServiceCategory, ServiceItem

from . import definitions as d
from .access import report_departments, report_teams
from .rollup import report_zone
from .selectors import ReportScope

# The longest period one report covers.
MAX_PERIOD_DAYS = 3 * 366
# The days a report may name: the arithmetic around them (a default end a week later, the
# instant a day ends) stays within Python's dates, so a date like 9999-12-31 is a 400, not a 500.
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2999, 12, 31)


class ReportFilterForm(forms.Form):
    team = forms.IntegerField(label=_("Service team"), required=False, min_value=1)
    department = forms.IntegerField(label=_("Department"), required=False, min_value=1)
    service_item = forms.ModelChoiceField(label=_("Service"), queryset=ServiceItem.objects.all(), required=False)
    category = forms.ModelChoiceField(label=_("Service category"), queryset=ServiceCategory.objects.all(),
                                      required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=[("", _("Any priority")), *Priority.choices],
                                 required=False)
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=User.objects.all(), required=False)
    # `from` is a Python keyword: the field is `from_`, the parameter `from` (see add_prefix).
    from_ = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data=None, *, user: User, need_scope: bool = True, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        self.need_scope = need_scope
        self.out_of_reach = False
        self.teams = report_teams(user=user)
        self.departments = report_departments(user=user)

    def add_prefix(self, field_name: str) -> str:
        return "from" if field_name == "from_" else super().add_prefix(field_name)

    def clean_team(self) -> Team | None:
        pk = self.cleaned_data.get("team")
        if pk is None:
            return None
        team = self.teams.filter(pk=pk).first()
        if team is None:
            self.out_of_reach = True
        return team

    def clean_department(self) -> Department | None:
        pk = self.cleaned_data.get("department")
        if pk is None:
            return None
        department = self.departments.filter(pk=pk).first()
        if department is None:
            self.out_of_reach = True
        return department

    def _clean_day(self, name: str) -> dt.date | None:
        day = self.cleaned_data.get(name)
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise forms.ValidationError(_("Choose a day from %(first)s to %(last)s.")
                                        % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
                                        code="out_of_range")
        return day

    def clean_from_(self) -> dt.date | None:
        return self._clean_day("from_")

    def clean_to(self) -> dt.date | None:
        return self._clean_day("to")

    def clean(self):
        data = super().clean()
        if self.out_of_reach:
            return data
        if data.get("assignee") and not self.user.is_admin_role and (
            not data.get("team") or data["team"].pk not in led_team_ids(user=self.user)
        ):
            # One person's figures are their scorecard's: only their team's lead (or an admin).
            self.out_of_reach = True
            return data
        if self.need_scope and not data.get("team") and not data.get("department") and not self.user.is_admin_role:
            raise forms.ValidationError(_("Choose a service team or a department."), code="scope")
        first, last = data.get("from_"), data.get("to")
        default = d.last_week(d.local_day(timezone.now(), report_zone()))
        first = first or (last - dt.timedelta(days=6) if last else default.first)
        last = last or (first + dt.timedelta(days=6) if data.get("from_") else default.last)
        if last < first:
            self.add_error("to", _("The period ends before it starts."))
        elif (last - first).days + 1 > MAX_PERIOD_DAYS:
            self.add_error("to", _("A report covers at most %(days)d days.") % {"days": MAX_PERIOD_DAYS})
        data["from_"], data["to"] = first, last
        return data

    def period(self) -> d.Period:
        return d.Period(self.cleaned_data["from_"], self.cleaned_data["to"])

    def scope(self) -> ReportScope:
        """The scope asked for, within what the viewer may see: an admin without a team or
        department sees every team."""
        data = self.cleaned_data
        team, department = data.get("team"), data.get("department")
        if team is not None:
            team_ids = (team.pk,)
        elif department is not None or self.user.is_admin_role:
            team_ids = None
        else:
            team_ids = tuple(self.teams.values_list("pk", flat=True))
        return ReportScope(
            team_ids=team_ids, department_id=department.pk if department else None,
            service_item_id=data["service_item"].pk if data.get("service_item") else None,
            category_id=data["category"].pk if data.get("category") else None,
            priority=data.get("priority") or None,
            assignee_id=data["assignee"].pk if data.get("assignee") else None,
        )
