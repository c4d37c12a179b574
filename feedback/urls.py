"""Pages of the feedback channel (under /feedback/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.feedback_mine, name="feedback-mine"),
    path("new/", views.feedback_new, name="feedback-new"),
    path("<int:pk>/", views.feedback_detail, name="feedback-detail"),
    path("<int:pk>/answer/", views.feedback_answer, name="feedback-answer"),
    path("<int:pk>/attachment/", views.feedback_attachment, name="feedback-attachment"),
    path("teams/<slug:team_slug>/", views.team_feedback, name="team-feedback"),
]
