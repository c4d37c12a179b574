from django.urls import path

from . import views

urlpatterns = [
    path("s/<str:token>/", views.survey_token, name="survey-token"),
    path("s/<str:token>/<int:score>/", views.survey_score, name="survey-score"),
    path("tickets/<int:pk>/answer/", views.ticket_survey_answer, name="survey-ticket-answer"),
    path("teams/<slug:team_slug>/", views.team_satisfaction, name="survey-satisfaction"),
    path("teams/<slug:team_slug>/settings/", views.survey_settings, name="survey-team-settings"),
    path("settings/", views.survey_settings, name="survey-settings"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="survey-follow-up-done"),
]
