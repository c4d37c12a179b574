"""Saved views: each user's own, plus those the lead shared with the team."""

from django.contrib.messages import get_messages
from django.urls import reverse

from tickets.models import SavedView


def save(client, name, query="view=mine&sla_state=at_risk", shared=False):
    data = {"name": name, "query": query}
    if shared:
        data["shared"] = "on"
    return client.post(reverse("saved-view-create", args=["it"]), data)


def listed(client):
    response = client.get(reverse("team-queue", args=["it"]))
    return sorted(view.name for view in response.context["saved_views"])


def test_an_agent_saves_a_private_view_seen_only_by_them(world, client_for):
    agent, lead = client_for(world.it_agent), client_for(world.it_lead)
    response = save(agent, "My risky ones", query="view=mine&sla_state=at_risk&after=abc&evil=1")
    # saved without the cursor or unknown keys, and the queue opens on it
    view = SavedView.objects.get()
    assert (view.query, view.shared) == ("view=mine&sla_state=at_risk", False)
    assert response.url.endswith("?view=mine&sla_state=at_risk")
    assert listed(agent) == ["My risky ones"]
    assert listed(lead) == []


def test_an_agent_cannot_share_a_view(world, client_for):
    response = save(client_for(world.it_agent), "Everyone's", shared=True)
    assert "Only the team lead can share a view." in [str(m) for m in get_messages(response.wsgi_request)]
    assert not SavedView.objects.exists()


def test_the_lead_shares_a_view_with_the_team_only(world, client_for):
    save(client_for(world.it_lead), "Breached", query="view=breached", shared=True)
    assert listed(client_for(world.it_agent)) == ["Breached"]
    html = client_for(world.it_agent).get(reverse("team-queue", args=["it"])).content.decode()
    assert 'href="?view=breached"' in html
    # another team's queue does not show it
    hr = client_for(world.hr_agent).get(reverse("team-queue", args=["hr"]))
    assert hr.context["saved_views"] == []


def test_only_the_lead_sees_the_share_box(world, client_for):
    assert 'name="shared"' in client_for(world.it_lead).get(reverse("team-queue", args=["it"])).content.decode()
    assert 'name="shared"' not in client_for(world.it_agent).get(reverse("team-queue", args=["it"])).content.decode()


def test_a_shared_view_is_only_deleted_by_its_owner(world, client_for):
    save(client_for(world.it_lead), "Breached", query="view=breached", shared=True)
    view = SavedView.objects.get()
    url = reverse("saved-view-delete", args=["it", view.pk])
    assert client_for(world.it_agent).post(url).status_code == 404
    assert client_for(world.it_lead).post(url).status_code == 302
    assert not SavedView.objects.exists()


def test_saving_in_another_teams_queue_is_404(world, client_for):
    response = client_for(world.hr_agent).post(reverse("saved-view-create", args=["it"]), {"name": "x"})
    assert response.status_code == 404
