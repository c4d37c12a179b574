"""API routes of the knowledge-base search (under /api/v1/)."""

from django.urls import path

from . import api

urlpatterns = [
    path("kb/suggest/", api.SuggestView.as_view(), name="api-kb-suggest"),
    path("kb/articles/<int:pk>/solved/", api.ArticleSolvedView.as_view(), name="api-kb-article-solved"),
]
