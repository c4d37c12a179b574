"""The ticket filters, defined once: the team queue page and the API's ticket list parse
their query through `TicketFilterSet`, so that the same parameters select the same
tickets and a bad value gets the same message on both (the API answers 400 with it; the
page shows it on the filter and drops that one filter).

Parameters: `status` and `priority` (several values, repeated or comma-separated),
`service_item`, `team`, `requester`, `department` (the requester's), `assignee` (a user
id, `none` or `me`), `sla_state` (sla.states.TicketState), `created_from` and
`created_to` (dates in the viewer's time zone, both included) and `search` (reference,
title, description and replies; internal notes only for those who see them).
"""

import datetime as dt

import django_filters as df
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend

from servicedesk import search as text_search
from servicedesk.limits import BIGINT_MAX
from sla.states import TicketState, ticket_state_q
from teams.models import User
from teams.selectors import user_team_ids

from .constants import Priority, Status
from .forms import QueueControlsForm
from .models import Comment, Ticket
from .selectors import ticket_search_q

# The queue page's "All" status: every status, not only open work.
ALL_STATUSES = "all"
FINISHED_STATUSES = {Status.RESOLVED, Status.CLOSED, Status.CANCELLED}


class ListChoiceField(forms.MultipleChoiceField):
    """Several choices, from repeated parameters or one comma-separated value (or one
    value of a single select on the page)."""

    def to_python(self, value):
        if value in self.empty_values:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            raise forms.ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        return [part for item in value for part in str(item).split(",") if part]


class ListChoiceFilter(df.MultipleChoiceFilter):
    field_class = ListChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)  # a ticket's own column: no join can repeat a row
        super().__init__(*args, **kwargs)


class IdField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid": _("Enter a valid id."), "min_value": _("Enter a valid id."),
                                             "max_value": _("Enter a valid id.")})
        super().__init__(min_value=1, max_value=BIGINT_MAX, **kwargs)


class IdFilter(df.Filter):
    field_class = IdField


class AssigneeField(forms.RegexField):
    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid": _("Enter a user id, “none” or “me”.")})
        super().__init__(r"^(none|me|[0-9]{1,18})$", **kwargs)


class AssigneeFilter(df.CharFilter):
    field_class = AssigneeField


class TicketFilterSet(df.FilterSet):
    """Filters on tickets a user may already see (the caller's queryset decides that).
    `user` resolves `assignee=me` and what `search` may read; `now` is the instant the SLA
    states are judged at."""

    search = df.CharFilter(label=_("Search"), method="filter_search", max_length=200)
    status = ListChoiceFilter(label=_("Status"), choices=Status.choices, method="filter_status")
    priority = ListChoiceFilter(label=_("Priority"), choices=Priority.choices)
    service_item = IdFilter(label=_("Service"), field_name="service_item_id")
    team = IdFilter(label=_("Service team"), field_name="team_id")
    requester = IdFilter(label=_("Requester"), field_name="requester_id")
    department = IdFilter(label=_("Department"), field_name="requester_department_id")
    assignee = AssigneeFilter(label=_("Assignee"), method="filter_assignee")
    sla_state = df.ChoiceFilter(label=_("SLA state"), choices=TicketState.choices, method="filter_sla_state")
    created_from = df.DateFilter(label=_("Created from"), method="filter_created_from",
                                 widget=forms.DateInput(attrs={"type": "date"}))
    created_to = df.DateFilter(label=_("Created until"), method="filter_created_to",
                               widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Ticket
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, user: User, now: dt.datetime, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user, self.now = user, now
        self._rebuild_kwargs = {"user": user, "now": now, **kwargs}

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Only the filters: the page's form also carries its view tab and sort.
        for name, filter_ in self.filters.items():
            queryset = filter_.filter(queryset, self.form.cleaned_data.get(name))
        return queryset

    def filter_status(self, qs: QuerySet, name: str, value: list[str]) -> QuerySet:
        wanted = [v for v in value if v != ALL_STATUSES]
        return qs.filter(status__in=wanted) if wanted else qs

    def filter_search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        if not text:
            return qs
        comments = Comment.objects.filter(text_search.search_q(("body",), text), ticket=OuterRef("pk"))
        if not self.user.is_admin_role:
            # Internal notes only on tickets of one's own teams: a requester must not learn
            # what a note says by searching for it.
            comments = comments.filter(Q(is_internal=False) | Q(ticket__team_id__in=user_team_ids(user=self.user)))
        return qs.filter(ticket_search_q(text) | Q(Exists(comments)))

    def filter_assignee(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == "none":
            return qs.filter(assignee__isnull=True)
        if value == "me":
            return qs.filter(assignee_id=self.user.pk)
        return qs.filter(assignee_id=int(value))

    def filter_sla_state(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if not self.user.is_admin_role:
            # Only tickets of one's own teams: a requester does not see SLA clocks, so she
            # must not learn them by filtering either.
            return qs.filter(ticket_state_q(value, self.now), team_id__in=user_team_ids(user=self.user))
        return qs.filter(ticket_state_q(value, self.now))

    def filter_created_from(self, qs: QuerySet, name: str, value: dt.date) -> QuerySet:
        return qs.filter(created_at__gte=_local_day_start(value))

    def filter_created_to(self, qs: QuerySet, name: str, value: dt.date) -> QuerySet:
        return qs.filter(created_at__lt=_local_day_start(value + dt.timedelta(days=1)))

    def valid_only(self) -> "TicketFilterSet":
        """This filter set without the parameters it refused (the page applies the others)."""
        if self.is_bound and not self.is_valid():
            data = self.data.copy()
            for name in self.errors:
                data.pop(name, None)
            return type(self)(data, self.queryset, **self._rebuild_kwargs)
        return self


def _local_day_start(day: dt.date) -> dt.datetime:
    """Midnight of `day` in the viewer's time zone (the one the dates were typed in)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


class QueueFilterSet(TicketFilterSet):
    """The team queue page's filters: the same parameters and parsing, shown as select
    lists of the team's members, services and departments, beside the view tab and sort
    (`QueueControlsForm`); no team or requester filter (the page is one team's queue)."""

    class Meta(TicketFilterSet.Meta):
        form = QueueControlsForm

    def __init__(self, data=None, queryset=None, *, members=(), items=(), departments=(), **kwargs):
        super().__init__(data, queryset, **kwargs)
        self._rebuild_kwargs.update(members=members, items=items, departments=departments)
        for name in ("team", "requester"):
            self.filters.pop(name)
        fields = self.form.fields
        fields["search"].widget = forms.SearchInput(attrs={"placeholder": _("Reference, title, description or replies")})
        fields["status"].choices = [("", _("Open work")), (ALL_STATUSES, _("All")), *Status.choices]
        fields["status"].widget = forms.Select(choices=fields["status"].choices)
        selects = {
            "priority": [("", _("Any priority")), *Priority.choices],
            "service_item": [("", _("Any service")), *((i.pk, i.tr("name")) for i in items)],
            "assignee": [("", _("Anyone")), ("none", _("Unassigned")), ("me", _("Me")),
                         *((str(m.pk), m.display_name) for m in members)],
            "sla_state": [("", _("Any SLA state")), *TicketState.choices],
            "department": [("", _("Any department")), *((d.pk, d.name) for d in departments)],
        }
        for name, choices in selects.items():
            fields[name].widget = forms.Select(choices=choices)
        self.form.order_fields(["search", "status", "priority", "service_item", "assignee", "sla_state",
                                "department", "created_from", "created_to", "sort", "view"])

    def value(self, name: str):
        """A filter's valid value (None when empty or refused)."""
        if not self.is_valid() and name in self.errors:
            return None
        return self.form.cleaned_data.get(name) or None

    @property
    def wants_finished(self) -> bool:
        """Whether the status filter asks for finished tickets (or all): the queue's views
        otherwise work on open tickets only."""
        statuses = set(self.value("status") or ())
        return ALL_STATUSES in statuses or bool(statuses & FINISHED_STATUSES)


class TicketFilterBackend(DjangoFilterBackend):
    """DRF's side of the filter set: the request's user, and the view's `now`. Bad values
    are a 400 with a message per parameter."""

    def get_filterset_kwargs(self, request, queryset, view):
        return {**super().get_filterset_kwargs(request, queryset, view), "user": request.user, "now": view.now}
