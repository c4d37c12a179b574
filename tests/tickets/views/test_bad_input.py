"""Bad input through the pages: each shows a clear error on the right field and stores
nothing (no ticket, no comment, no file)."""

import pytest
from django.urls import reverse

from tests.tickets.views.conftest import upload
from tickets.models import Attachment, Comment, Ticket


def file_form(world, **overrides):
    data = {"title": "Laptop does not boot", "description": "Black screen.", "priority": "",
            "field_asset_tag": "LT-1", "field_urgency": "one person", "field_count": "1",
            "field_since": "2025-01-06"}
    data.update(overrides)
    return data


def post_new(client, world, **overrides):
    return client.post(reverse("ticket-new", args=[world.laptop.pk]), file_form(world, **overrides))


def assert_nothing_stored():
    assert Ticket.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_valid_request_is_filed_and_opens_the_ticket_page(world, client_for):
    # when alice files a complete request
    response = post_new(client_for(world.alice), world)
    # then it is stored with its answers, and she lands on its page with a message
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ticket-detail", args=[ticket.pk])
    assert ticket.fields == {"asset_tag": "LT-1", "urgency": "one person", "count": 1, "since": "2025-01-06"}
    assert ticket.requester == world.alice


def test_success_message_names_the_reference(world, client_for):
    response = client_for(world.alice).post(
        reverse("ticket-new", args=[world.laptop.pk]), file_form(world), follow=True
    )
    ticket = Ticket.objects.get()
    assert f"Your request {ticket.reference} was filed" in response.content.decode()


def test_empty_title_is_refused_on_the_title_field(world, client_for):
    response = post_new(client_for(world.alice), world, title="   ")
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == ["This field is required."]
    assert "Give the request a title." in response.content.decode()
    assert_nothing_stored()


def test_missing_required_item_field_is_refused_on_that_field(world, client_for):
    response = post_new(client_for(world.alice), world, field_asset_tag="")
    assert response.context["form"].errors["field_asset_tag"] == ["This field is required."]
    assert_nothing_stored()


def test_wrong_choice_value_is_refused_on_that_field(world, client_for):
    response = post_new(client_for(world.alice), world, field_urgency="the whole company")
    errors = response.context["form"].errors["field_urgency"]
    assert errors == ["Choose one of: one person, whole team."]
    assert_nothing_stored()


def test_number_field_refuses_text(world, client_for):
    response = post_new(client_for(world.alice), world, field_count="many")
    assert response.context["form"].errors["field_count"] == ["Enter a number."]
    assert_nothing_stored()


def test_unknown_priority_is_refused(world, client_for):
    response = post_new(client_for(world.alice), world, priority="P9")
    assert "priority" in response.context["form"].errors
    assert_nothing_stored()


def test_errors_keep_what_was_typed(world, client_for):
    response = post_new(client_for(world.alice), world, title="", description="Keep me please")
    assert "Keep me please" in response.content.decode()


def test_attachment_too_large_is_refused(world, client_for, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    response = post_new(client_for(world.alice), world, attachments=[upload(content=b"x" * 11)])
    assert response.context["form"].errors["attachments"] == ["File too large."]
    assert "is too large" in response.content.decode()
    assert_nothing_stored()


def test_refused_file_type_is_refused(world, client_for):
    response = post_new(client_for(world.alice), world,
                        attachments=[upload("setup.exe", b"MZ...", "application/octet-stream")])
    assert response.context["form"].errors["attachments"] == ["File type not allowed."]
    assert "are not accepted" in response.content.decode()
    assert_nothing_stored()


def test_one_bad_file_among_good_ones_stores_none(world, client_for):
    response = post_new(client_for(world.alice), world,
                        attachments=[upload("fine.png"), upload("setup.exe", b"MZ", "application/octet-stream")])
    assert "attachments" in response.context["form"].errors
    assert_nothing_stored()


def test_valid_request_stores_every_attachment(world, client_for):
    post_new(client_for(world.alice), world, attachments=[upload("a.png"), upload("b.txt", b"log", "text/plain")])
    assert sorted(Attachment.objects.values_list("original_name", flat=True)) == ["a.png", "b.txt"]


def test_unknown_service_item_is_404(world, client_for):
    client = client_for(world.alice)
    assert client.get(reverse("ticket-new", args=[999_999])).status_code == 404
    assert client.post(reverse("ticket-new", args=[999_999]), file_form(world)).status_code == 404
    assert_nothing_stored()


def test_inactive_service_item_is_404(world, client_for):
    world.laptop.is_active = False
    world.laptop.save()
    response = post_new(client_for(world.alice), world)
    assert response.status_code == 404
    assert_nothing_stored()


@pytest.mark.parametrize("name", ["ticket-detail", "attachment-download"])
def test_unknown_ticket_or_file_is_404(world, client_for, name):
    assert client_for(world.admin).get(reverse(name, args=[999_999])).status_code == 404


@pytest.mark.parametrize("name", ["ticket-reply", "ticket-transition", "ticket-assign", "ticket-priority",
                                  "ticket-attach"])
def test_changes_to_an_unknown_ticket_are_404(world, client_for, name):
    response = client_for(world.admin).post(reverse(name, args=[999_999]), {"version": 1, "body": "x"})
    assert response.status_code == 404
    assert Comment.objects.count() == 0


def test_empty_reply_is_refused_on_the_message_field(world, ticket, client_for):
    response = client_for(world.alice).post(
        reverse("ticket-reply", args=[ticket.pk]), {"body": "  ", "version": ticket.version}
    )
    assert response.status_code == 200
    assert response.context["reply_form"].errors["body"] == ["This field is required."]
    assert "Write a message." in response.content.decode()
    assert Comment.objects.count() == 0


def test_reply_with_refused_file_stores_nothing(world, ticket, client_for):
    response = client_for(world.alice).post(reverse("ticket-reply", args=[ticket.pk]), {
        "body": "See attached", "version": ticket.version,
        "attachments": [upload("virus.exe", b"MZ", "application/octet-stream")],
    })
    assert response.context["reply_form"].errors["attachments"] == ["File type not allowed."]
    assert Comment.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_reply_without_version_is_refused_with_a_reload_hint(world, ticket, client_for):
    response = client_for(world.alice).post(reverse("ticket-reply", args=[ticket.pk]), {"body": "Hi"})
    assert "This page is out of date" in response.content.decode()
    assert Comment.objects.count() == 0


def test_attach_without_files_asks_for_one(world, ticket, client_for):
    response = client_for(world.alice).post(reverse("ticket-attach", args=[ticket.pk]), {"version": ticket.version})
    assert response.context["attach_form"].errors["attachments"] == ["Choose at least one file."]
    assert Attachment.objects.count() == 0


def test_assign_to_someone_outside_the_team_is_refused(world, ticket, client_for):
    response = client_for(world.it_lead).post(
        reverse("ticket-assign", args=[ticket.pk]), {"assignee": world.hr_agent.pk, "version": ticket.version}
    )
    assert response.status_code == 200
    assert "assignee" in response.context["assign_form"].errors
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_reply_to_a_closed_ticket_is_refused(world, ticket, client_for):
    from tickets import services

    ticket = services.ticket_transition(ticket=ticket, to="cancelled", actor=world.alice)
    response = client_for(world.alice).post(
        reverse("ticket-reply", args=[ticket.pk]), {"body": "One more thing", "version": ticket.version}
    )
    assert "please file a new request" in response.content.decode()
    assert Comment.objects.count() == 0


def test_a_title_with_line_breaks_is_filed_on_one_line_and_the_description_keeps_its_lines(world, client_for):
    # the page and the API apply the same rule (servicedesk.text), in the service
    post_new(client_for(world.alice), world, title="Laptop\r\ndoes not\tboot", description="One\r\nTwo\x00")
    ticket = Ticket.objects.get()
    assert ticket.title == "Laptop does not boot"
    assert ticket.description == "One\nTwo"


def test_a_title_with_a_control_character_is_refused_on_the_title_field(world, client_for):
    response = post_new(client_for(world.alice), world, title="Laptop \x1b[31mdoes not boot")
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [
        "Remove the control character U+001B: this field takes one line of plain text."]
    assert_nothing_stored()


def test_a_page_body_over_the_upload_limit_is_a_400_page(world, client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_new(client_for(world.alice), world, description="x" * 2000)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "The request could not be read" in response.content.decode()
    assert_nothing_stored()
