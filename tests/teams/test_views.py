"""The profile page: time zone, language, notification preferences, API token and
availability, each the user's own."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from notifications.models import Preference
from notifications.services import EVENT_LABELS
from sla.standards.chains import chain_save

PROFILE = reverse("profile")


@pytest.fixture
def alice(world):
    client = Client()
    client.force_login(world.alice)
    return client


def test_profile_is_linked_in_the_header(world, alice):
    assert f'href="{PROFILE}"' in alice.get(reverse("catalog")).content.decode()


def test_profile_needs_a_login(db):
    assert Client().get(PROFILE).status_code == 302


def test_time_zone_and_language_are_saved(world, alice):
    response = alice.post(PROFILE, {"timezone": "Europe/Berlin", "language": "zh-hans"})
    assert response.status_code == 302
    world.alice.refresh_from_db()
    assert (world.alice.timezone, world.alice.language) == ("Europe/Berlin", "zh-hans")
    # the pages switch to the chosen language
    assert response.cookies["django_language"].value == "zh-hans"


@pytest.mark.parametrize("bad", ["Mars/Olympus", "../../etc/passwd", ""])
def test_an_unknown_time_zone_is_refused(world, alice, bad):
    response = alice.post(PROFILE, {"timezone": bad, "language": "en"})
    assert response.status_code == 200
    assert "timezone" in response.context["profile_form"].errors
    world.alice.refresh_from_db()
    assert world.alice.timezone == "Asia/Shanghai"


REQUESTER_EVENTS = ["ticket_status", "ticket_reply"]
AGENT_EVENTS = ["ticket_created", "ticket_status", "ticket_assigned", "ticket_reply", "requester_reply",
                "sla_warning", "sla_escalation", "kb_outdated", "kb_review_due"]


def _profile_events(world, user):
    client = Client()
    client.force_login(user)
    form = client.get(PROFILE).context["notifications_form"]
    return [name.removeprefix("event_") for name in form.fields]


def test_each_person_is_offered_the_events_that_can_reach_them(world):
    assert list(EVENT_LABELS)[-1] == "lead_digest"
    assert _profile_events(world, world.alice) == REQUESTER_EVENTS
    assert _profile_events(world, world.it_agent) == AGENT_EVENTS
    assert _profile_events(world, world.it_lead) == [*AGENT_EVENTS, "lead_digest"]


def test_someone_an_escalation_chain_names_is_offered_escalations(world):
    chain_save(actor=world.admin, name="To the CFO", description="", levels=[
        {"order": 1, "trigger": "after_breach", "delay_minutes": 0, "notify_users": [world.bob]}])
    assert _profile_events(world, world.bob) == [*REQUESTER_EVENTS, "sla_escalation"]


def test_the_preference_selects_show_the_current_choice(world):
    Preference.objects.create(user=world.it_lead, event="ticket_reply", delivery="email")
    client = Client()
    client.force_login(world.it_lead)
    form = client.get(PROFILE).context["notifications_form"]
    assert form["event_ticket_reply"].value() == "email"
    assert form["event_lead_digest"].value() == "none"  # leads opt in to the digest


def test_notification_preferences_are_saved(world, alice):
    Preference.objects.create(user=world.alice, event="sla_warning", delivery="none")  # from when she was an agent
    data = {f"event_{event}": "both" for event in REQUESTER_EVENTS}
    data.update(event_ticket_status="in_app", event_ticket_reply="none")
    response = alice.post(reverse("profile-notifications"), data)
    assert response.status_code == 302
    prefs = dict(Preference.objects.filter(user=world.alice).values_list("event", "delivery"))
    assert prefs == {"ticket_status": "in_app", "ticket_reply": "none", "sla_warning": "none"}


def test_an_unknown_delivery_is_refused(world, alice):
    data = {f"event_{event}": "both" for event in REQUESTER_EVENTS}
    data["event_ticket_status"] = "carrier-pigeon"
    response = alice.post(reverse("profile-notifications"), data)
    assert response.status_code == 200
    assert "event_ticket_status" in response.context["notifications_form"].errors
    assert not Preference.objects.exists()


def test_token_is_shown_once_after_create(world, alice):
    alice.post(reverse("profile-token"), {"action": "create"})
    token = Token.objects.get(user=world.alice)
    assert token.key in alice.get(PROFILE).content.decode()
    # the next visit shows only its start
    html = alice.get(PROFILE).content.decode()
    assert token.key not in html
    assert token.key[:6] in html


def test_regenerate_replaces_the_token(world, alice):
    alice.post(reverse("profile-token"), {"action": "create"})
    old = Token.objects.get(user=world.alice).key
    alice.post(reverse("profile-token"), {"action": "regenerate"})
    new = Token.objects.get(user=world.alice).key
    assert new != old
    assert new in alice.get(PROFILE).content.decode()


def test_revoke_deletes_the_token(world, alice):
    alice.post(reverse("profile-token"), {"action": "create"})
    alice.post(reverse("profile-token"), {"action": "revoke"})
    assert not Token.objects.filter(user=world.alice).exists()
    assert "You have no API token." in alice.get(PROFILE).content.decode()


def test_token_actions_need_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    assert client.post(reverse("profile-token"), {"action": "create"}).status_code == 403
    assert not Token.objects.exists()


def test_availability_per_team_on_the_profile(world):
    client = Client()
    client.force_login(world.it_agent)
    assert "IT Support" in client.get(PROFILE).content.decode()
    client.post(reverse("profile-availability"), {"team": world.it.pk, "available": "0"})
    assert world.it_agent.memberships.get(team=world.it).is_available is False


def test_availability_of_a_team_one_is_not_in_changes_nothing(world):
    client = Client()
    client.force_login(world.it_agent)
    client.post(reverse("profile-availability"), {"team": world.hr.pk, "available": "0"})
    assert world.hr_agent.memberships.get(team=world.hr).is_available is True


def test_every_page_names_its_icon_so_browsers_do_not_ask_for_a_missing_favicon(db):
    from django.contrib.staticfiles import finders

    html = Client().get("/accounts/login/").content.decode()

    assert '<link rel="icon" href="/static/img/favicon.svg"' in html
    assert finders.find("img/favicon.svg")


def test_the_header_language_switch_keeps_the_choice_for_notifications(world, alice, file_ticket):
    from notifications.models import OutboxMessage
    from tickets import services as tickets

    response = alice.post(reverse("set_language"), {"language": "zh-hant", "next": "/catalog/"})
    assert response.status_code == 302 and response.url == "/catalog/"
    assert response.cookies["django_language"].value == "zh-hant"
    world.alice.refresh_from_db()
    assert world.alice.language == "zh-hant"
    ticket = file_ticket()
    tickets.comment_create(ticket=ticket, author=world.it_agent, body="Hello")
    subject = OutboxMessage.objects.filter(recipient=world.alice, event="ticket_reply").first().subject
    assert subject == f"[{ticket.reference}] 新回覆：{ticket.title}"


def test_an_unknown_language_changes_nothing(world, alice):
    alice.post(reverse("set_language"), {"language": "klingon", "next": "/"})
    world.alice.refresh_from_db()
    assert world.alice.language == "en"


def test_the_switch_works_signed_out(db):
    response = Client().post(reverse("set_language"), {"language": "zh-hans", "next": "/accounts/login/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "zh-hans"
