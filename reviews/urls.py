"""Pages of the quarterly review of the service standards, under /reviews/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.review_list, name="review-list"),
    path("open/", views.review_open, name="review-open"),
    path("<int:pk>/", views.review_detail, name="review-detail"),
    path("<int:pk>/open/", views.review_open_draft, name="review-open-draft"),
    path("<int:pk>/refresh/", views.review_refresh, name="review-refresh"),
    path("<int:pk>/close/", views.review_close, name="review-close"),
    path("<int:pk>/export.xlsx", views.review_export, name="review-export"),
    path("<int:pk>/items/<int:item_pk>/decision/", views.item_decide, name="review-item-decide"),
    path("<int:pk>/items/<int:item_pk>/apply/", views.item_apply, name="review-item-apply"),
]
