"""Pages of the service standards (service admins only), under /service-standards/."""

from django.urls import path

from . import views

app_name = "sla"
urlpatterns = [
    path("", views.standard_list, name="standards"),
    path("new/", views.standard_edit, name="standard-new"),
    path("<int:pk>/edit/", views.standard_edit, name="standard-edit"),
    path("<int:pk>/history/", views.standard_history, name="standard-history"),
    path("<int:pk>/retire/", views.standard_retire, name="standard-retire"),
    path("calendars/", views.calendar_list, name="calendars"),
    path("calendars/new/", views.calendar_edit, name="calendar-new"),
    path("calendars/<int:pk>/edit/", views.calendar_edit, name="calendar-edit"),
    path("calendars/<int:pk>/import/", views.calendar_import, name="calendar-import"),
    path("chains/", views.chain_list, name="chains"),
    path("chains/new/", views.chain_edit, name="chain-new"),
    path("chains/<int:pk>/edit/", views.chain_edit, name="chain-edit"),
    path("simulator/", views.simulator, name="simulator"),
    path("changes/", views.audit, name="audit"),
]
