"""The employee portal: catalog, my requests, and what every page carries."""

import pytest
from django.urls import reverse

from tests.factories import ServiceCategoryFactory, ServiceItemFactory
from tickets import services
from tickets.models import Ticket


def test_catalog_groups_items_by_category(world, client_for):
    response = client_for(world.alice).get(reverse("catalog"))
    html = response.content.decode()
    assert world.laptop.category.name in html and world.payslip.category.name in html
    assert reverse("ticket-new", args=[world.laptop.pk]) in html
    assert reverse("ticket-new", args=[world.payslip.pk]) in html


def test_catalog_search_by_name(world, client_for):
    response = client_for(world.alice).get(reverse("catalog"), {"q": "laptop"})
    html = response.content.decode()
    assert reverse("ticket-new", args=[world.laptop.pk]) in html
    assert reverse("ticket-new", args=[world.payslip.pk]) not in html


def test_catalog_search_without_match_says_so(world, client_for):
    html = client_for(world.alice).get(reverse("catalog"), {"q": "zeppelin"}).content.decode()
    assert "No service matches “zeppelin”." in html


def test_catalog_hides_inactive_items(world, client_for):
    hidden = ServiceItemFactory(name="Old fax", team=world.it, is_active=False)
    html = client_for(world.alice).get(reverse("catalog")).content.decode()
    assert reverse("ticket-new", args=[hidden.pk]) not in html


def test_catalog_shows_names_in_the_active_language(world, client_for):
    category = ServiceCategoryFactory(name="Hardware", translations={"zh-hans": {"name": "硬件"}})
    ServiceItemFactory(name="Monitor", category=category, team=world.it,
                       translations={"zh-hans": {"name": "显示器", "description": "申请显示器"}})
    client = client_for(world.alice)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    html = client.get(reverse("catalog")).content.decode()
    assert "硬件" in html and "显示器" in html and "申请显示器" in html
    assert 'lang="zh-hans"' in html


def test_new_request_form_has_real_inputs_per_field_kind(world, client_for):
    html = client_for(world.alice).get(reverse("ticket-new", args=[world.laptop.pk])).content.decode()
    assert 'name="field_asset_tag"' in html and "Asset tag" in html
    assert '<select name="field_urgency"' in html and '<option value="whole team">' in html
    assert 'type="number" name="field_count"' in html
    assert 'type="date" name="field_since"' in html
    assert 'type="file" name="attachments" multiple' in html
    assert 'enctype="multipart/form-data"' in html


def test_my_requests_lists_only_mine(world, file_ticket, client_for):
    mine = file_ticket()
    theirs = file_ticket(requester=world.bob)
    html = client_for(world.alice).get(reverse("my-requests")).content.decode()
    assert mine.reference in html
    assert theirs.reference not in html


@pytest.mark.parametrize(("status", "expected"), [("all", 2), ("open", 1), ("cancelled", 1), ("resolved", 0)])
def test_my_requests_status_filter(world, file_ticket, client_for, status, expected):
    file_ticket()
    services.ticket_transition(ticket=file_ticket(), to="cancelled", actor=world.alice)
    response = client_for(world.alice).get(reverse("my-requests"), {"status": status})
    assert len(response.context["page"].object_list) == expected


def test_my_requests_pages(world, file_ticket, client_for):
    for _ in range(23):
        file_ticket()
    client = client_for(world.alice)
    assert len(client.get(reverse("my-requests")).context["page"].object_list) == 20
    assert len(client.get(reverse("my-requests"), {"page": 2}).context["page"].object_list) == 3


@pytest.mark.parametrize("who", ["alice", "it_agent", "admin"])
def test_every_page_has_the_language_switcher_and_logout(world, client_for, who):
    html = client_for(getattr(world, who)).get(reverse("catalog")).content.decode()
    assert f'action="{reverse("set_language")}"' in html
    for code in ("en", "zh-hans", "zh-hant"):
        assert f'name="language" value="{code}"' in html
    assert f'<form method="post" action="{reverse("logout")}"' in html


def test_login_page_has_the_language_switcher(db, client_for):
    html = client_for(None).get(reverse("login")).content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="password"' in html


def test_nav_lists_the_agents_queues(world, client_for):
    html = client_for(world.it_agent).get(reverse("catalog")).content.decode()
    assert reverse("team-queue", args=["it"]) in html
    assert reverse("team-queue", args=["hr"]) not in html


def test_nav_has_no_queue_for_a_requester(world, client_for):
    html = client_for(world.alice).get(reverse("catalog")).content.decode()
    assert "/queues/" not in html


def test_bell_shows_the_unread_count(world, client_for):
    from notifications.models import Notification

    Notification.objects.create(user=world.alice, event="ticket_reply", title="New reply")
    html = client_for(world.alice).get(reverse("catalog")).content.decode()
    assert '<span class="badge-count">1</span>' in html


def test_notification_list_shows_entries(world, client_for):
    from notifications.models import Notification

    Notification.objects.create(user=world.alice, event="ticket_reply", title="New reply on SD-1", url="/tickets/1/")
    html = client_for(world.alice).get(reverse("notifications")).content.decode()
    assert "New reply on SD-1" in html
    assert 'href="/tickets/1/"' in html


def test_login_then_lands_on_home(world, client_for):
    response = client_for(None).post(reverse("login"), {"username": "alice", "password": "servicedesk"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_login_with_wrong_password_says_so(world, client_for):
    response = client_for(None).post(reverse("login"), {"username": "alice", "password": "nope"})
    assert "did not match" in response.content.decode()


@pytest.mark.parametrize(("who", "shown"), [("admin", True), ("alice", False), ("it_lead", False)])
def test_service_standards_link_is_for_service_admins_only(world, client_for, who, shown):
    html = client_for(getattr(world, who)).get(reverse("catalog")).content.decode()
    assert (f'href="{reverse("sla:standards")}"' in html) is shown


@pytest.mark.parametrize("query", ["笔记本", "筆記本", "闪烁", "閃爍", "LAPTOP", "Flicker"])
def test_catalog_search_finds_either_chinese_script_and_any_case(world, client_for, query):
    """Stored in simplified (name) and traditional (description): each script finds both."""
    item = ServiceItemFactory(
        name="Laptop screen", description="Flickering display", team=world.it,
        translations={"zh-hans": {"name": "笔记本电脑屏幕维修"}, "zh-hant": {"description": "螢幕閃爍"}},
    )
    html = client_for(world.alice).get(reverse("catalog"), {"q": query}).content.decode()
    assert reverse("ticket-new", args=[item.pk]) in html
    assert reverse("ticket-new", args=[world.payslip.pk]) not in html


def test_catalog_search_follows_an_edited_translation(world, client_for):
    item = ServiceItemFactory(name="Monitor", team=world.it, translations={"zh-hans": {"name": "显示器"}})
    item.translations = {"zh-hans": {"name": "投影仪"}}
    item.save(update_fields=["translations"])
    client = client_for(world.alice)
    assert reverse("ticket-new", args=[item.pk]) in client.get(reverse("catalog"), {"q": "投影"}).content.decode()
    assert reverse("ticket-new", args=[item.pk]) not in client.get(reverse("catalog"), {"q": "显示"}).content.decode()


def test_choice_options_are_shown_in_the_readers_language_and_stored_as_entered(world, client_for):
    impact = world.laptop.fields.get(key="urgency")
    impact.translations = {"zh-hans": {"label": "影响范围", "choices": ["只有我", "整个团队"]}}
    impact.save()
    client = client_for(world.alice)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    html = client.get(reverse("ticket-new", args=[world.laptop.pk])).content.decode()
    assert '<option value="one person">只有我</option>' in html and '<option value="whole team">整个团队</option>' in html

    response = client.post(reverse("ticket-new", args=[world.laptop.pk]), {
        "title": "Fan", "description": "", "field_asset_tag": "LT-9", "field_urgency": "whole team"})
    ticket = Ticket.objects.get(title="Fan")
    assert response.status_code == 302 and ticket.fields["urgency"] == "whole team"
    assert "整个团队" in client.get(reverse("ticket-detail", args=[ticket.pk])).content.decode()
    english = client_for(world.it_agent).get(reverse("ticket-detail", args=[ticket.pk])).content.decode()
    assert "整个团队" not in english and "whole team" in english


def test_choice_labels_that_do_not_match_the_choices_fall_back_to_the_values(world, client_for):
    impact = world.laptop.fields.get(key="urgency")
    impact.translations = {"zh-hans": {"choices": ["只有我"]}}  # one label for two choices
    impact.save()
    client = client_for(world.alice)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    html = client.get(reverse("ticket-new", args=[world.laptop.pk])).content.decode()
    assert '<option value="one person">one person</option>' in html


def test_every_error_of_a_request_is_shown_at_once(world, client_for):
    response = client_for(world.alice).post(reverse("ticket-new", args=[world.laptop.pk]), {
        "title": "", "description": "", "field_asset_tag": "", "field_count": "many"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"title", "field_asset_tag", "field_count"}
    assert not Ticket.objects.exists()


def test_the_api_names_every_field_at_fault_at_once(world):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.alice).key}")
    response = client.post("/api/v1/tickets/", {"service_item": world.laptop.pk, "title": " ",
                                                 "fields": {"count": "many"}}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) >= {"title", "fields.asset_tag", "fields.count"}
