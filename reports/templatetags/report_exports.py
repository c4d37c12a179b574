"""{% export_url table "csv" %}: the export of a report table with the report page's filters.

The filters are the page's query string, plus what the page's path says: the team of
/reports/teams/<team_slug>/…, the department of /reports/departments/<department_code>/, the
member of …/members/<username>/ (the export reads them as `team`, `department`, `assignee`,
as reports.forms.ReportFilterForm does)."""

from django import template
from django.urls import reverse

from teams.models import Department, Team, User

register = template.Library()

# URL keyword → (query parameter, model, field the keyword names)
_PATH_FILTERS = {
    "team_slug": ("team", Team, "slug"),
    "department_code": ("department", Department, "code"),
    "username": ("assignee", User, "username"),
}


def _page_query(request):
    """The page's filters as a QueryDict, read once per request."""
    cached = getattr(request, "report_export_query", None)
    if cached is not None:
        return cached
    query = request.GET.copy()
    kwargs = request.resolver_match.kwargs if request.resolver_match else {}
    for keyword, (parameter, model, field) in _PATH_FILTERS.items():
        if keyword in kwargs and parameter not in query:
            pk = model.objects.filter(**{field: kwargs[keyword]}).values_list("pk", flat=True).first()
            if pk is not None:
                query[parameter] = str(pk)
    request.report_export_query = query
    return query


@register.simple_tag(takes_context=True)
def export_url(context, table, fmt: str) -> str:
    """The URL of `table` (a reports.tables.Table, the dict a report page renders of one, or
    its key) as `fmt` with the page's filters."""
    key = table.get("key") if isinstance(table, dict) else getattr(table, "key", table)
    url = reverse("report-export", kwargs={"table": key, "fmt": fmt})
    request = context.get("request")
    query = _page_query(request) if request is not None else None
    return f"{url}?{query.urlencode()}" if query else url
