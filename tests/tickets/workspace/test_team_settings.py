"""The lead's team settings page: assignment mode, members with their load, canned
responses; 404 for everyone but the lead and service admins. And availability."""

import pytest
from django.urls import reverse

from teams import services as team_services
from tests.factories import MembershipFactory, TeamFactory
from tickets import services
from tickets.models import CannedResponse

SETTINGS = reverse("team-settings", args=["it"])


@pytest.mark.parametrize("who", ["it_agent", "hr_agent", "alice"])
def test_only_the_lead_opens_team_settings(world, client_for, who):
    assert client_for(getattr(world, who)).get(SETTINGS).status_code == 404


@pytest.mark.parametrize("who", ["it_lead", "admin"])
def test_lead_and_admin_open_team_settings(world, client_for, who):
    assert client_for(getattr(world, who)).get(SETTINGS).status_code == 200


def test_an_agent_cannot_change_the_assignment_mode(world, client_for):
    response = client_for(world.it_agent).post(SETTINGS, {"mode": "round_robin"})
    assert response.status_code == 404
    world.it.refresh_from_db()
    assert world.it.assignment_mode == "none"


def test_the_lead_changes_the_assignment_mode(world, client_for):
    response = client_for(world.it_lead).post(SETTINGS, {"mode": "least_loaded"}, follow=True)
    world.it.refresh_from_db()
    assert world.it.assignment_mode == "least_loaded"
    assert "Automatic assignment is now: least open tickets." in response.content.decode()


def test_an_unknown_mode_is_refused(world, client_for):
    response = client_for(world.it_lead).post(SETTINGS, {"mode": "random"})
    assert response.status_code == 200
    assert "mode" in response.context["mode_form"].errors
    world.it.refresh_from_db()
    assert world.it.assignment_mode == "none"


def test_members_show_role_availability_and_open_load_in_one_query(world, file_ticket, client_for,
                                                                    django_assert_num_queries):
    # given it.agent with two open tickets (one in another team) and one resolved
    other = TeamFactory(name="Facilities", slug="ops")
    MembershipFactory(user=world.it_agent, team=other)
    for _ in range(2):
        services.ticket_assign(ticket=file_ticket(), assignee=world.it_agent, actor=world.it_lead)
    done = file_ticket()
    services.ticket_assign(ticket=done, assignee=world.it_agent, actor=world.it_lead)
    services.ticket_transition(ticket=done, to="resolved", actor=world.it_agent)
    team_services.membership_set_available(user=world.it_agent, team=world.it, available=False)
    from tickets.selectors import members_with_load

    with django_assert_num_queries(1):
        members = {m.user.username: (m.role, m.is_available, m.open_load) for m in members_with_load(world.it)}
    assert members == {"it.lead": ("lead", True, 0), "it.agent": ("agent", False, 2)}
    html = client_for(world.it_lead).get(SETTINGS).content.decode()
    assert "Not available" in html and 'class="num">2</td>' in html


def test_the_lead_adds_edits_and_deletes_a_canned_response(world, client_for):
    lead = client_for(world.it_lead)
    lead.post(reverse("canned-response-new", args=["it"]), {"title": "Reboot", "body": "Hi {requester_name}"})
    canned = CannedResponse.objects.get()
    assert (canned.team, canned.title) == (world.it, "Reboot")
    lead.post(reverse("canned-response-edit", args=["it", canned.pk]), {"title": "Reboot", "body": "Hello"})
    canned.refresh_from_db()
    assert canned.body == "Hello"
    assert "Reboot" in lead.get(SETTINGS).content.decode()
    lead.post(reverse("canned-response-delete", args=["it", canned.pk]))
    assert not CannedResponse.objects.exists()


def test_a_duplicate_canned_title_is_refused_on_the_form(world, client_for):
    CannedResponse.objects.create(team=world.it, title="Reboot", body="x")
    response = client_for(world.it_lead).post(reverse("canned-response-new", args=["it"]),
                                              {"title": "Reboot", "body": "y"})
    assert response.context["form"].errors["title"] == ["Choose another title."]
    assert CannedResponse.objects.count() == 1


def test_the_canned_form_explains_the_placeholders(world, client_for):
    html = client_for(world.it_lead).get(reverse("canned-response-new", args=["it"])).content.decode()
    for placeholder in ("{requester_name}", "{reference}", "{title}"):
        assert placeholder in html


def test_an_agent_cannot_manage_canned_responses(world, client_for):
    canned = CannedResponse.objects.create(team=world.it, title="Reboot", body="x")
    agent = client_for(world.it_agent)
    assert agent.get(reverse("canned-response-new", args=["it"])).status_code == 404
    assert agent.post(reverse("canned-response-edit", args=["it", canned.pk]), {"title": "t", "body": "b"}) \
        .status_code == 404
    assert agent.post(reverse("canned-response-delete", args=["it", canned.pk])).status_code == 404
    assert CannedResponse.objects.get().body == "x"


def test_a_lead_cannot_reach_another_teams_canned_response(world, client_for):
    hr_canned = CannedResponse.objects.create(team=world.hr, title="Payslip", body="x")
    response = client_for(world.it_lead).post(reverse("canned-response-delete", args=["it", hr_canned.pk]))
    assert response.status_code == 404
    assert CannedResponse.objects.exists()


def test_an_agent_toggles_their_own_availability_on_the_queue_page(world, client_for):
    client = client_for(world.it_agent)
    assert "Pause new tickets" in client.get(reverse("team-queue", args=["it"])).content.decode()
    client.post(reverse("team-availability", args=["it"]), {"available": "0"})
    assert world.it_agent.memberships.get(team=world.it).is_available is False
    client.post(reverse("team-availability", args=["it"]), {"available": "1"})
    assert world.it_agent.memberships.get(team=world.it).is_available is True


def test_a_service_admin_outside_the_team_has_no_availability_to_toggle(world, client_for):
    response = client_for(world.admin).post(reverse("team-availability", args=["it"]), {"available": "0"})
    assert response.status_code == 403


def test_the_ticket_page_offers_canned_responses_in_the_requesters_language_first(world, client_for, file_ticket):
    world.alice.language = "zh-hant"
    world.alice.save(update_fields=["language"])
    ticket = file_ticket()
    for title, language in (("Ask for details", "en"), ("需要更多信息", "zh-hans"), ("Signature", ""),
                            ("需要更多資訊", "zh-hant")):
        client_for(world.it_lead).post(reverse("canned-response-new", args=["it"]),
                                       {"title": title, "body": "x", "language": language})
    assert CannedResponse.objects.get(title="需要更多資訊").language == "zh-hant"
    html = client_for(world.it_agent).get(reverse("ticket-detail", args=[ticket.pk])).content.decode()
    positions = [html.index(f">{title}") for title in ("需要更多資訊", "Signature", "Ask for details", "需要更多信息")]
    assert positions == sorted(positions)
    assert "需要更多資訊 · 繁體中文" in html
