"""The two flows of the issues, end to end in a real browser."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tickets.models import Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_request_filed_from_the_catalog_is_answered_by_the_it_agent(world, login_as):
    # alice files a laptop repair from the catalog, answering the required extra question
    alice = login_as(world.alice)
    alice.goto("/catalog/")
    alice.get_by_role("link", name=re.compile("Laptop repair")).first.click()
    alice.fill("#id_title", "Laptop does not boot")
    alice.fill("#id_description", "Black screen after the update.")
    alice.fill("#id_field_asset_tag", "LT-0042")
    alice.get_by_role("button", name=re.compile("Submit|File|Send")).click()
    alice.wait_for_url(re.compile(r"/tickets/\d+/$"))
    ticket = Ticket.objects.get(title="Laptop does not boot")
    assert ticket.fields == {"asset_tag": "LT-0042"}

    # it.agent finds it in the IT queue and replies
    agent = login_as(world.it_agent)
    agent.goto("/queues/it/")
    agent.get_by_role("link", name=ticket.reference).click()
    agent.fill("#id_body", "Please bring it to desk 4 this afternoon.")
    agent.get_by_role("button", name="Send").click()
    agent.get_by_text("Your reply was sent.").wait_for()

    # alice sees the reply on her request
    alice.reload()
    alice.get_by_text("Please bring it to desk 4 this afternoon.").wait_for()
    assert alice.locator(".comment").count() == 1


def test_lead_bulk_assigns_the_at_risk_tickets_to_an_agent(world, file_ticket, login_as):
    # given three at-risk tickets and one on track in the IT queue
    now = timezone.now()
    h = dt.timedelta(hours=1)
    risky = [file_ticket(title=f"Risky {i}") for i in range(3)]
    calm = file_ticket(title="Calm")
    Ticket.objects.filter(pk__in=[t.pk for t in risky]).update(sla_warn_at=now - h, sla_due_at=now + h)
    Ticket.objects.filter(pk=calm.pk).update(sla_warn_at=now + h, sla_due_at=now + 2 * h)

    # the lead filters the queue to "at risk", selects all and assigns them to it.agent
    lead = login_as(world.it_lead)
    lead.goto("/queues/it/")
    lead.select_option("#id_sla_state", "at_risk")
    lead.wait_for_url(re.compile(r"sla_state=at_risk"))
    rows = lead.locator("#workspace tbody tr")
    rows.filter(has_text="Calm").wait_for(state="detached")
    assert rows.count() == 3
    lead.locator(".select-all").check()
    assert lead.locator("input[name=ticket]:checked").count() == 3
    lead.select_option("#bulk_assignee", str(world.it_agent.pk))
    lead.get_by_role("button", name="Assign", exact=True).click()
    lead.get_by_text("3 changed, 0 refused.").wait_for()
    assert set(Ticket.objects.filter(assignee=world.it_agent).values_list("title", flat=True)) == {
        "Risky 0", "Risky 1", "Risky 2"}

    # it.agent sees them under "Mine"
    agent = login_as(world.it_agent)
    agent.goto("/queues/it/")
    agent.locator("a.tab-mine").click()
    agent.wait_for_url(re.compile(r"view=mine"))
    titles = agent.locator("#workspace tbody .title-cell > a").all_inner_texts()
    assert sorted(titles) == ["Risky 0", "Risky 1", "Risky 2"]
    # the tab's count says so too
    assert agent.locator("a.tab-mine .tab-count").inner_text() == "3"
