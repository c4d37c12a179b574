from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("feedback", views.FeedbackViewSet, basename="api-feedback")

urlpatterns = router.urls
