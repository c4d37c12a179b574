"""Report pages under /reports/ (URL names start with "report"): team and department reports, member scorecards, drill-down
lists, exports and subscriptions (each views module adds its own routes here)."""

from django.urls import path

from .views import team

urlpatterns: list = [
    # The pages engineer's: the index, the team and department reports, the drill-down list.
    path("", team.report_index, name="report-index"),
    path("teams/<slug:team_slug>/", team.report_team, name="report-team"),
    path("departments/<slug:department_code>/", team.report_department, name="report-department"),
    path("list/", team.report_list, name="report-list"),
]
