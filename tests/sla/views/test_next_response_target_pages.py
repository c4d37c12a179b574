"""The next-response target on the admin pages: the standard's form, the list and its
versions (one duration format), the change log, the simulator, and chain levels that
apply to the next response."""

import re

from django.urls import reverse

from sla.models import EscalationChain, ServiceStandard


def _cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]


def _form(sla_objects, world, **changes):
    data = {"name": "IT laptops", "team": world.it.pk, "category": "", "service_item": world.laptop.pk,
            "priority": "P1", "calendar": sla_objects.calendar.pk, "first_response_minutes": "30",
            "next_response_minutes": "1h 30", "resolution_minutes": "4h", "warning_percent": "80",
            "pause_on_pending": "on", "escalation_chain": sla_objects.chain.pk}
    data.update(changes)
    return data


def test_the_form_saves_the_next_response_target_typed_as_hours(admin_client, world, sla_objects):
    response = admin_client.post(reverse("sla:standard-new"), _form(sla_objects, world))

    assert response.status_code == 302
    assert ServiceStandard.objects.get(name="IT laptops").next_response_minutes == 90


def test_an_empty_next_response_target_is_not_tracked(admin_client, world, sla_objects):
    admin_client.post(reverse("sla:standard-new"), _form(sla_objects, world, next_response_minutes=""))

    assert ServiceStandard.objects.get(name="IT laptops").next_response_minutes is None


def test_a_target_longer_than_the_resolution_shows_the_error_and_saves_nothing(admin_client, world, sla_objects):
    response = admin_client.post(reverse("sla:standard-new"),
                                 _form(sla_objects, world, next_response_minutes="5h"))

    assert response.status_code == 200
    assert "cannot be longer than the resolution target" in str(response.context["form"].errors)
    assert not ServiceStandard.objects.filter(name="IT laptops").exists()


def test_the_edit_form_shows_the_current_target(admin_client, world, sla_objects):
    admin_client.post(reverse("sla:standard-new"), _form(sla_objects, world))
    standard = ServiceStandard.objects.get(name="IT laptops")

    html = admin_client.get(reverse("sla:standard-edit", args=[standard.pk])).content.decode()

    assert re.search(r'name="next_response_minutes"[^>]*value="1h 30"', html)


def test_the_list_and_the_versions_show_it_in_one_duration_format(admin_client, world, sla_objects):
    admin_client.post(reverse("sla:standard-new"), _form(sla_objects, world))
    standard = ServiceStandard.objects.get(name="IT laptops")

    listed = _cells(admin_client.get(reverse("sla:standards")).content.decode())
    versions = _cells(admin_client.get(reverse("sla:standard-history", args=[standard.pk])).content.decode())

    assert "1 h 30 min" in listed and "not tracked" in listed  # IT laptops; IT default tracks none
    assert "1 h 30 min" in versions


def test_the_change_log_names_the_next_response_target(admin_client, world, sla_objects):
    admin_client.post(reverse("sla:standard-new"), _form(sla_objects, world))

    cells = _cells(admin_client.get(reverse("sla:audit")).content.decode())

    at = cells.index("Next response target (business minutes)")
    assert cells[at + 1:at + 3] == ["—", "90"]


def test_the_simulator_shows_the_next_response_due_time(admin_client, world, sla_objects):
    admin_client.post(reverse("sla:standard-new"), _form(sla_objects, world))
    standard = ServiceStandard.objects.get(name="IT laptops")

    # From Friday 25 September 17:00 Shanghai: 60 minutes on Friday, 30 on Monday
    response = admin_client.get(reverse("sla:simulator"), {"standard": standard.pk, "start": "2026-09-25T17:00",
                                                           "priority": "P1"})

    rows = {row["label"]: row["iso"] for row in response.context["rows"]}
    assert rows["next response due (if the requester replies at the start)"] == "2026-09-28T09:30+08:00"


def _management(total):
    return {"levels-TOTAL_FORMS": str(total), "levels-INITIAL_FORMS": "0", "levels-MIN_NUM_FORMS": "0",
            "levels-MAX_NUM_FORMS": "1000"}


def test_a_chain_level_can_apply_to_the_next_response_only(admin_client, world):
    data = {"name": "Replies", "description": "", **_management(1),
            "levels-0-order": "1", "levels-0-trigger": "after_breach", "levels-0-applies_to": "next_response",
            "levels-0-notify_lead": "on", "levels-0-reassign": ""}

    response = admin_client.post(reverse("sla:chain-new"), data)

    assert response.status_code == 302
    assert EscalationChain.objects.get(name="Replies").levels.get().applies_to == "next_response"
    form = admin_client.get(reverse("sla:chain-new")).content.decode()
    assert '<option value="both" selected>every target</option>' in form
