from django.urls import reverse

from sla.models import EscalationChain
from sla.standards.chains import chain_save


def _management(total, initial=0):
    return {"levels-TOTAL_FORMS": str(total), "levels-INITIAL_FORMS": str(initial),
            "levels-MIN_NUM_FORMS": "0", "levels-MAX_NUM_FORMS": "1000"}


def test_admin_creates_a_chain_with_levels(admin_client, world):
    # When the admin fills in two levels and leaves the third row empty
    data = {"name": "Urgent", "description": "", **_management(3),
            "levels-0-order": "1", "levels-0-trigger": "percent", "levels-0-percent": "75",
            "levels-0-applies_to": "both", "levels-0-notify_assignee": "on", "levels-0-reassign": "",
            "levels-1-order": "", "levels-1-trigger": "after_breach", "levels-1-delay_minutes": "1h",
            "levels-1-applies_to": "resolution", "levels-1-notify_users": [world.it_lead.pk],
            "levels-1-reassign": "team", "levels-1-reassign_team": world.hr.pk,
            "levels-2-trigger": "after_breach", "levels-2-applies_to": "both", "levels-2-reassign": ""}
    response = admin_client.post(reverse("sla:chain-new"), data)

    # Then the chain has both levels, the second numbered 2
    assert response.status_code == 302
    chain = EscalationChain.objects.get(name="Urgent")
    assert list(chain.levels.values_list("order", "trigger", "percent", "delay_minutes", "reassign_team")) == [
        (1, "percent", 75, 0, None), (2, "after_breach", None, 60, world.hr.pk)]


def test_levels_out_of_order_show_errors_and_save_nothing(admin_client):
    # When a percentage level comes after a breach level
    data = {"name": "Wrong", "description": "", **_management(2),
            "levels-0-order": "1", "levels-0-trigger": "after_breach", "levels-0-applies_to": "both",
            "levels-0-notify_lead": "on", "levels-0-reassign": "",
            "levels-1-order": "2", "levels-1-trigger": "percent", "levels-1-percent": "80",
            "levels-1-applies_to": "both", "levels-1-notify_lead": "on", "levels-1-reassign": ""}
    response = admin_client.post(reverse("sla:chain-new"), data)

    # Then the page shows the problem and nothing is saved
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not EscalationChain.objects.filter(name="Wrong").exists()


def test_the_chains_list_writes_a_delay_in_the_targets_format(admin_client, world):
    chain_save(actor=world.admin, name="Late", description="", levels=[
        {"order": 1, "trigger": "after_breach", "delay_minutes": 90, "notify_lead": True}])
    html = admin_client.get(reverse("sla:chains")).content.decode()
    assert "1 h 30 min of business time after the breach" in html
