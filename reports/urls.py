"""Report pages under /reports/ (URL names start with "report"): team and department reports, member scorecards, drill-down
lists, exports and subscriptions (each views module adds its own routes here)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
