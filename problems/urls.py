"""Pages of the problem library, and the links to it from the ticket page and the queue."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.problem_list, name="problem-list"),
    path("new/", views.problem_new, name="problem-new"),
    path("<int:pk>/", views.problem_detail, name="problem-detail"),
    path("<int:pk>/edit/", views.problem_edit, name="problem-edit"),
    path("<int:pk>/send-workaround/", views.problem_send_workaround, name="problem-send-workaround"),
    path("<int:pk>/resolve/", views.problem_resolve, name="problem-resolve"),
    path("<int:pk>/publish-article/", views.problem_publish_article, name="problem-publish-article"),
    path("<int:pk>/incidents/link/", views.problem_link_ticket, name="problem-link-ticket"),
    path("<int:pk>/incidents/<int:ticket_pk>/unlink/", views.problem_unlink_ticket, name="problem-unlink-ticket"),
    path("ticket/<int:pk>/link/", views.ticket_link_problem, name="ticket-link-problem"),
    path("ticket/<int:pk>/unlink/", views.ticket_unlink_problem, name="ticket-unlink-problem"),
    path("queue/<slug:team_slug>/link/", views.queue_link_problem, name="queue-link-problem"),
]
