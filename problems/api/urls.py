from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("problems", views.ProblemViewSet, basename="api-problem")

urlpatterns = router.urls
