"""Report pages under /reports/ (URL names start with "report"): team and department reports, member scorecards, drill-down
lists, exports and subscriptions (each views module adds its own routes here)."""

from django.urls import path

from .views import members

urlpatterns: list = [
    path("teams/<slug:team_slug>/members/", members.report_members, name="report-members"),
    path("teams/<slug:team_slug>/members/<str:username>/", members.report_member, name="report-member"),
]
