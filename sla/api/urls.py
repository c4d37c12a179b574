from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("sla/calendars", views.CalendarViewSet, basename="api-sla-calendar")
router.register("sla/policies", views.ServiceStandardViewSet, basename="api-sla-policy")
router.register("sla/escalation-chains", views.EscalationChainViewSet, basename="api-sla-chain")
router.register("sla/outcomes", views.OutcomeViewSet, basename="api-sla-outcome")

urlpatterns = [
    path("sla/simulate/", views.SimulateView.as_view(), name="api-sla-simulate"),
    # Under the ticket, served here: the tickets' routes match no such path.
    path("tickets/<str:pk>/outcomes/", views.TicketOutcomesView.as_view(), name="api-ticket-outcomes"),
    *router.urls,
]
