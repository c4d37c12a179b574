"""Pages of the employee portal, the ticket page, the team queues and the agents' workspace."""

from django.urls import path

from . import views, workspace_views

urlpatterns = [
    path("", views.home, name="home"),
    path("catalog/", views.catalog_view, name="catalog"),
    path("catalog/<int:item_id>/new/", views.ticket_new, name="ticket-new"),
    path("my-requests/", views.my_requests, name="my-requests"),
    path("dashboard/", workspace_views.dashboard, name="dashboard"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket-detail"),
    path("tickets/<int:pk>/reply/", views.ticket_reply, name="ticket-reply"),
    path("tickets/<int:pk>/transition/", views.ticket_transition, name="ticket-transition"),
    path("tickets/<int:pk>/assign/", views.ticket_assign, name="ticket-assign"),
    path("tickets/<int:pk>/priority/", views.ticket_priority, name="ticket-priority"),
    path("tickets/<int:pk>/attach/", views.ticket_attach, name="ticket-attach"),
    path("tickets/<int:pk>/canned/", workspace_views.ticket_canned, name="ticket-canned"),
    path("tickets/<int:pk>/link/", workspace_views.ticket_link, name="ticket-link"),
    path("tickets/<int:pk>/merge/", workspace_views.ticket_merge, name="ticket-merge"),
    path("tickets/<int:pk>/collaborators/", workspace_views.ticket_collaborator_add, name="ticket-collaborator-add"),
    path("tickets/<int:pk>/transfer/", workspace_views.ticket_transfer, name="ticket-transfer"),
    path("markdown-preview/", workspace_views.markdown_preview, name="markdown-preview"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("queues/<slug:team_slug>/", workspace_views.team_queue, name="team-queue"),
    path("queues/<slug:team_slug>/counts/", workspace_views.team_queue_counts, name="team-queue-counts"),
    path("queues/<slug:team_slug>/bulk/", workspace_views.team_queue_bulk, name="team-queue-bulk"),
    path("queues/<slug:team_slug>/views/", workspace_views.saved_view_create, name="saved-view-create"),
    path("queues/<slug:team_slug>/views/<int:pk>/delete/", workspace_views.saved_view_delete,
         name="saved-view-delete"),
    path("queues/<slug:team_slug>/availability/", workspace_views.team_availability, name="team-availability"),
    path("queues/<slug:team_slug>/settings/", workspace_views.team_settings, name="team-settings"),
    path("queues/<slug:team_slug>/settings/canned/new/", workspace_views.canned_response_edit,
         name="canned-response-new"),
    path("queues/<slug:team_slug>/settings/canned/<int:pk>/", workspace_views.canned_response_edit,
         name="canned-response-edit"),
    path("queues/<slug:team_slug>/settings/canned/<int:pk>/delete/", workspace_views.canned_response_delete,
         name="canned-response-delete"),
]
