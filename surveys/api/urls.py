from django.urls import path

from . import views

urlpatterns = [
    path("tickets/<int:pk>/survey/", views.TicketSurveyView.as_view(), name="api-ticket-survey"),
    path("surveys/responses/", views.SurveyResponseListView.as_view(), name="api-survey-responses"),
    path("surveys/<str:token>/", views.SurveyAnswerView.as_view(), name="api-survey-answer"),
]
