from django.urls import path

from . import views

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("read/", views.notification_mark_read, name="notifications-read"),
]
