from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("service-items", views.ServiceItemViewSet, basename="api-service-item")
router.register("tickets", views.TicketViewSet, basename="api-ticket")

urlpatterns = router.urls
