"""Report endpoints under /api/v1/reports/."""

from django.urls import path

from .api.members import MemberScorecardsView
from .api.summary import ReportSummaryView, ReportTrendView

urlpatterns: list = [
    path("summary/", ReportSummaryView.as_view(), name="api-report-summary"),
    path("trend/", ReportTrendView.as_view(), name="api-report-trend"),
    path("members/", MemberScorecardsView.as_view(), name="api-report-members"),
]
