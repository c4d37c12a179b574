"""Pages of the employee portal, the ticket page, the team queues and the agents' workspace."""

from django.urls import path

from .views import portal, queue, team_settings, ticket_actions, ticket_page

urlpatterns = [
    path("", portal.home, name="home"),
    path("catalog/", portal.catalog_view, name="catalog"),
    path("catalog/<int:item_id>/new/", portal.ticket_new, name="ticket-new"),
    path("my-requests/", portal.my_requests, name="my-requests"),
    path("search/", portal.ticket_search, name="ticket-search"),
    path("dashboard/", queue.dashboard, name="dashboard"),
    path("tickets/<int:pk>/", ticket_page.ticket_detail, name="ticket-detail"),
    path("tickets/<int:pk>/reply/", ticket_actions.ticket_reply, name="ticket-reply"),
    path("tickets/<int:pk>/transition/", ticket_actions.ticket_transition, name="ticket-transition"),
    path("tickets/<int:pk>/assign/", ticket_actions.ticket_assign, name="ticket-assign"),
    path("tickets/<int:pk>/priority/", ticket_actions.ticket_priority, name="ticket-priority"),
    path("tickets/<int:pk>/attach/", ticket_actions.ticket_attach, name="ticket-attach"),
    path("tickets/<int:pk>/canned/", ticket_actions.ticket_canned, name="ticket-canned"),
    path("tickets/<int:pk>/link/", ticket_actions.ticket_link, name="ticket-link"),
    path("tickets/<int:pk>/merge/", ticket_actions.ticket_merge, name="ticket-merge"),
    path("tickets/<int:pk>/collaborators/", ticket_actions.ticket_collaborator_add, name="ticket-collaborator-add"),
    path("tickets/<int:pk>/transfer/", ticket_actions.ticket_transfer, name="ticket-transfer"),
    path("markdown-preview/", ticket_actions.markdown_preview, name="markdown-preview"),
    path("attachments/<int:pk>/", portal.attachment_download, name="attachment-download"),
    path("queues/<slug:team_slug>/", queue.team_queue, name="team-queue"),
    path("queues/<slug:team_slug>/counts/", queue.team_queue_counts, name="team-queue-counts"),
    path("queues/<slug:team_slug>/bulk/", queue.team_queue_bulk, name="team-queue-bulk"),
    path("queues/<slug:team_slug>/views/", queue.saved_view_create, name="saved-view-create"),
    path("queues/<slug:team_slug>/views/<int:pk>/delete/", queue.saved_view_delete,
         name="saved-view-delete"),
    path("queues/<slug:team_slug>/availability/", team_settings.team_availability, name="team-availability"),
    path("queues/<slug:team_slug>/settings/", team_settings.team_settings, name="team-settings"),
    path("queues/<slug:team_slug>/settings/canned/new/", team_settings.canned_response_edit,
         name="canned-response-new"),
    path("queues/<slug:team_slug>/settings/canned/<int:pk>/", team_settings.canned_response_edit,
         name="canned-response-edit"),
    path("queues/<slug:team_slug>/settings/canned/<int:pk>/delete/", team_settings.canned_response_delete,
         name="canned-response-delete"),
]
