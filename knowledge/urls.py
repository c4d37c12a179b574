"""Pages of the knowledge base (知识库)."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.kb_home, name="kb-home"),
    path("search/", views.kb_search, name="kb-search"),
    path("review/", views.kb_review_queue, name="kb-review-queue"),
    path("reply-picker/", views.kb_reply_picker, name="kb-reply-picker"),
    path("articles/new/", views.kb_article_new, name="kb-article-new"),
    path("articles/<int:pk>/", views.kb_article, name="kb-article"),
    path("articles/<int:pk>/edit/", views.kb_article_edit, name="kb-article-edit"),
    path("articles/<int:pk>/solved/", views.kb_article_solved, name="kb-article-solved"),
    path("articles/<int:pk>/feedback/", views.kb_article_feedback, name="kb-article-feedback"),
    path("articles/<int:pk>/history/", views.kb_article_history, name="kb-article-history"),
    path("articles/<int:pk>/diff/", views.kb_article_diff, name="kb-article-diff"),
    re_path(r"^articles/(?P<pk>[0-9]+)/(?P<action>submit|publish|archive|request-changes)/$", views.kb_article_lifecycle,
            name="kb-article-lifecycle"),
]
