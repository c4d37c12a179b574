"""Pages of the suggestions while filing."""

from django.urls import path

from . import views

urlpatterns = [
    path("suggest/", views.suggestions, name="kb-suggestions"),
    path("articles/<int:pk>/deflect/", views.article_solved, name="kb-article-deflect"),
]
