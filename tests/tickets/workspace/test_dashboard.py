"""The agent's dashboard: their open tickets by SLA state and this week's first responses."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tests.conftest import set_sla
from tickets import services


def test_dashboard_counts_and_lists_my_tickets_by_due(world, file_ticket, client_for):
    now = timezone.now()
    h = dt.timedelta(hours=1)
    later, risky, late = file_ticket(title="later"), file_ticket(title="risky"), file_ticket(title="late")
    for t in (later, risky, late):
        services.ticket_assign(ticket=t, assignee=world.it_agent, actor=world.it_lead)
    # a first response this week (before the SLA summary is set: replying recomputes it)
    services.comment_create(ticket=later, author=world.it_agent, body="Looking")
    set_sla(later, warn=now + h, due=now + 3 * h, assignee=world.it_agent)
    set_sla(risky, warn=now - h, due=now + h, assignee=world.it_agent)
    set_sla(late, warn=now - 3 * h, due=now - h, breached=True, assignee=world.it_agent)
    file_ticket(title="not mine")
    response = client_for(world.it_agent).get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.context["by_state"] == {"open": 3, "at_risk": 1, "breached": 1, "pending": 0}
    assert [t.title for t, _badge in response.context["rows"]] == ["late", "risky", "later"]
    assert [badge.state for _t, badge in response.context["rows"]] == ["breached", "at_risk", "on_track"]
    assert response.context["first_responses"] == 1
    assert response.context["median_first_response"] is not None
    html = response.content.decode()
    assert 'class="sla sla-breached"' in html and "overdue by" in html


def test_dashboard_is_in_the_nav_for_agents_only(world, client_for):
    assert reverse("dashboard") in client_for(world.it_agent).get(reverse("catalog")).content.decode()
    assert reverse("dashboard") not in client_for(world.alice).get(reverse("catalog")).content.decode()


def test_a_requester_has_no_dashboard(world, client_for):
    assert client_for(world.alice).get(reverse("dashboard")).status_code == 404
