"""The Django admin pages of the catalog, tickets (read-only) and notifications open."""

import pytest
from django.urls import reverse

from tickets.models import CannedResponse


@pytest.mark.parametrize("model", [
    "tickets/servicecategory", "tickets/serviceitem", "tickets/ticket", "tickets/comment",
    "tickets/cannedresponse", "tickets/savedview", "tickets/ticketlink", "tickets/collaborator",
    "notifications/outboxmessage", "notifications/notification", "notifications/preference",
])
def test_admin_lists_open(admin_client, world, file_ticket, model):
    file_ticket()
    app, name = model.split("/")
    assert admin_client.get(reverse(f"admin:{app}_{name}_changelist")).status_code == 200


def test_service_item_page_edits_its_fields_inline(admin_client, world):
    html = admin_client.get(reverse("admin:tickets_serviceitem_change", args=[world.laptop.pk])).content.decode()
    assert "Asset tag" in html


def test_tickets_are_read_only_in_the_admin(admin_client, world, file_ticket):
    ticket = file_ticket()
    assert admin_client.get(reverse("admin:tickets_ticket_add")).status_code == 403
    response = admin_client.post(reverse("admin:tickets_ticket_change", args=[ticket.pk]), {"title": "Changed"})
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.title == "Laptop does not boot"


def test_canned_responses_are_added_in_the_admin(admin_client, world):
    response = admin_client.post(reverse("admin:tickets_cannedresponse_add"),
                                 {"team": world.it.pk, "title": "Reboot", "body": "Hi {requester_name}"})
    assert response.status_code == 302
    assert CannedResponse.objects.get().team == world.it
