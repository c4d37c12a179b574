from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("teams", views.TeamViewSet, basename="api-team")
router.register("departments", views.DepartmentViewSet, basename="api-department")

urlpatterns = [
    path("users/me/", views.MeView.as_view(), name="api-users-me"),
    *router.urls,
]
