"""Pages of the employee portal, the ticket page and the team queues."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("catalog/", views.catalog_view, name="catalog"),
    path("catalog/<int:item_id>/new/", views.ticket_new, name="ticket-new"),
    path("my-requests/", views.my_requests, name="my-requests"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket-detail"),
    path("tickets/<int:pk>/reply/", views.ticket_reply, name="ticket-reply"),
    path("tickets/<int:pk>/transition/", views.ticket_transition, name="ticket-transition"),
    path("tickets/<int:pk>/assign/", views.ticket_assign, name="ticket-assign"),
    path("tickets/<int:pk>/priority/", views.ticket_priority, name="ticket-priority"),
    path("tickets/<int:pk>/attach/", views.ticket_attach, name="ticket-attach"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("queues/<slug:team_slug>/", views.team_queue_view, name="team-queue"),
]
