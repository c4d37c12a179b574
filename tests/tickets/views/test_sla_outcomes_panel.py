"""The SLA panel of the ticket page lists the ticket's SLA outcomes for those who work it:
target, cycle, met or breached and by how much; the requester sees none of it."""

import pytest
from django.urls import reverse
from django.utils import translation

from sla.scanner import sla_scan
from tests.sla import outcome_drivers
from tests.sla.outcome_drivers import MINUTE, T0, fresh
from tickets import services
from tickets.constants import Status

# The pinned clock and IT's round-the-clock standard of the SLA outcome tests.
clock = outcome_drivers.clock
standard = outcome_drivers.standard


@pytest.fixture
def decided(world, standard, clock, file_ticket):
    """A first response breached (scanner at 61 minutes) and answered at 85 minutes, then a
    resolution met at 120 minutes, reopened and still open in cycle 2."""
    ticket = file_ticket()
    sla_scan(now=T0 + 61 * MINUTE)
    clock.set(T0 + 85 * MINUTE)
    services.comment_create(ticket=fresh(ticket), author=world.it_agent, body="Sorry for the wait")
    clock.set(T0 + 120 * MINUTE)
    services.ticket_transition(ticket=fresh(ticket), to=Status.RESOLVED, actor=world.it_agent)
    clock.set(T0 + 150 * MINUTE)
    services.ticket_transition(ticket=fresh(ticket), to=Status.OPEN, actor=world.alice)
    return ticket


def _panel(client, ticket):
    response = client.get(reverse("ticket-detail", args=[ticket.pk]))
    assert response.status_code == 200
    return response


def test_the_team_sees_each_decided_cycle_and_by_how_much(world, decided, client_for):
    response = _panel(client_for(world.it_agent), decided)

    lines = [(o.label, o.cycle, o.met, o.text) for o in response.context["outcomes"]]
    assert lines == [("first response", 1, False, "breached by 25 min"), ("resolution", 1, True, "met")]
    html = response.content.decode()
    assert "SLA outcomes" in html and "breached by 25 min" in html and "cycle 1" in html


def test_the_panel_reads_in_chinese(world, decided, client_for):
    world.it_agent.language = "zh-hans"
    world.it_agent.save(update_fields=["language"])

    with translation.override("zh-hans"):
        html = _panel(client_for(world.it_agent), decided).content.decode()

    assert "服务标准达成结果" in html and "超时 25 分钟" in html and "第 1 周期" in html


def test_a_breach_not_yet_done_says_so(world, standard, clock, file_ticket, client_for):
    ticket = file_ticket()
    sla_scan(now=T0 + 61 * MINUTE)

    html = _panel(client_for(world.it_lead), ticket).content.decode()

    assert "breached, not done in time" in html


def test_the_requester_sees_no_outcomes(world, decided, client_for):
    response = _panel(client_for(world.alice), decided)

    assert "outcomes" not in response.context
    assert "SLA outcomes" not in response.content.decode()
