from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/notifications/", views.profile_notifications, name="profile-notifications"),
    path("profile/token/", views.profile_token, name="profile-token"),
    path("profile/availability/", views.profile_availability, name="profile-availability"),
]
