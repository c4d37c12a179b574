"""Names that admins type, in the reader's language: standards, calendars and chains get
a name per language on their forms, kept across versions, shown to Chinese readers."""

from django.urls import reverse

from sla.models import BusinessCalendar, EscalationChain, ServiceStandard
from tests.sla.views.test_calendar_pages import GOOD_FORM
from tests.sla.views.test_chain_pages import _management
from tests.sla.views.test_standard_pages import _form


def _chinese(client):
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    return client


def test_a_standards_names_are_kept_across_versions_and_shown_per_language(admin_client, world, sla_objects):
    admin_client.post(reverse("sla:standard-new"), _form(sla_objects, world, name_zh_hans="IT 笔记本",
                                                         name_zh_hant="IT 筆記型電腦"))
    standard = ServiceStandard.objects.get(name="IT laptops")
    assert standard.translations == {"zh-hans": {"name": "IT 笔记本"}, "zh-hant": {"name": "IT 筆記型電腦"}}
    # a new version (another target) keeps the names; the form shows them
    admin_client.post(reverse("sla:standard-edit", args=[standard.pk]),
                      _form(sla_objects, world, resolution_minutes="6h", name_zh_hans="IT 笔记本",
                            name_zh_hant="IT 筆記型電腦"))
    current = ServiceStandard.objects.get(lineage=standard.lineage, is_current=True)
    assert current.version == 2 and current.translations == standard.translations
    form = admin_client.get(reverse("sla:standard-edit", args=[current.pk])).content.decode()
    assert 'value="IT 笔记本"' in form
    listing = _chinese(admin_client).get(reverse("sla:standards")).content.decode()
    assert "IT 笔记本</a>" in listing


def test_clearing_a_name_falls_back_to_english_and_is_in_the_change_log(admin_client, world, sla_objects):
    admin_client.post(reverse("sla:standard-new"), _form(sla_objects, world, name_zh_hans="IT 笔记本"))
    standard = ServiceStandard.objects.get(name="IT laptops")
    admin_client.post(reverse("sla:standard-edit", args=[standard.pk]), _form(sla_objects, world, name_zh_hans=""))
    current = ServiceStandard.objects.get(lineage=standard.lineage, is_current=True)
    assert current.translations == {}
    assert "IT laptops</a>" in _chinese(admin_client).get(reverse("sla:standards")).content.decode()
    audit = admin_client.get(reverse("sla:audit")).content.decode()
    assert "简体中文 IT 笔记本" in audit


def test_a_calendar_and_a_chain_take_names_per_language(admin_client, world):
    admin_client.post(reverse("sla:calendar-new"), {**GOOD_FORM, "name_zh_hans": "台北办公室",
                                                    "name_zh_hant": "台北辦公室"})
    calendar = BusinessCalendar.objects.get(name="Taipei office")
    assert calendar.translations["zh-hant"] == {"name": "台北辦公室"}
    admin_client.post(reverse("sla:chain-new"), {
        "name": "Urgent", "name_zh_hans": "紧急", "description": "", **_management(1),
        "levels-0-order": "1", "levels-0-trigger": "percent", "levels-0-percent": "75",
        "levels-0-applies_to": "both", "levels-0-notify_assignee": "on", "levels-0-reassign": ""})
    assert EscalationChain.objects.get(name="Urgent").translations == {"zh-hans": {"name": "紧急"}}
    client = _chinese(admin_client)
    assert "台北办公室" in client.get(reverse("sla:calendars")).content.decode()
    assert "紧急" in client.get(reverse("sla:chains")).content.decode()
