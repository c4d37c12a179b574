"""Report pages under /reports/ (URL names start with "report"): team and department reports, member scorecards, drill-down
lists, exports and subscriptions (each views module adds its own routes here)."""

from django.urls import path

from .views import exports, members, subscriptions, team

urlpatterns: list = [
    # The pages engineer's: the index, the team and department reports, the drill-down list.
    path("", team.report_index, name="report-index"),
    path("teams/<slug:team_slug>/", team.report_team, name="report-team"),
    path("departments/<slug:department_code>/", team.report_department, name="report-department"),
    path("list/", team.report_list, name="report-list"),
    path("teams/<slug:team_slug>/members/", members.report_members, name="report-members"),
    path("teams/<slug:team_slug>/members/<str:username>/", members.report_member, name="report-member"),
    # exports and subscriptions (reports.views.exports, reports.views.subscriptions)
    path("export/<slug:table>.<slug:fmt>", exports.report_export, name="report-export"),
    path("exports/<int:pk>/", exports.report_export_job, name="report-export-job"),
    path("exports/<int:pk>/download/", exports.report_export_download, name="report-export-download"),
    path("subscriptions/", subscriptions.report_subscriptions, name="report-subscriptions"),
    path("subscriptions/<int:pk>/stop/", subscriptions.report_subscription_stop, name="report-subscription-stop"),
]
