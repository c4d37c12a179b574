"""Pages of the suggestions while filing."""

from django.urls import path

from . import views

urlpatterns = [
    path("suggest/", views.suggestions, name="kb-suggestions"),
    path("articles/<int:pk>/solved/", views.article_solved, name="kb-article-solved"),
]
