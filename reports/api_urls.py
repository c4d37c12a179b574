"""Report endpoints under /api/v1/reports/."""

from django.urls import path

from .api.members import MemberScorecardsView

urlpatterns: list = [
    path("members/", MemberScorecardsView.as_view(), name="api-report-members"),
]
