import re

from django.urls import reverse

from sla.models import ServiceStandard


def _cells(html: str) -> list[str]:
    """The text of the table cells (whatever their attributes)."""
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]


def _form(sla_objects, world, **changes):
    data = {"name": "IT laptops", "team": world.it.pk, "category": "", "service_item": world.laptop.pk,
            "priority": "P1", "calendar": sla_objects.calendar.pk, "first_response_minutes": "30",
            "resolution_minutes": "4h", "warning_percent": "80", "pause_on_pending": "on",
            "escalation_chain": sla_objects.chain.pk}
    data.update(changes)
    return data


def test_admin_creates_a_standard_through_the_form(admin_client, world, sla_objects):
    # When the admin creates a standard with targets typed as minutes and hours
    response = admin_client.post(reverse("sla:standard-new"), _form(sla_objects, world))

    # Then it is saved with the targets in minutes
    assert response.status_code == 302
    standard = ServiceStandard.objects.get(name="IT laptops")
    assert (standard.first_response_minutes, standard.resolution_minutes, standard.priority) == (30, 240, "P1")


def test_editing_through_the_form_writes_version_two(admin_client, world, sla_objects):
    # When the admin changes the resolution target of "IT default"
    url = reverse("sla:standard-edit", args=[sla_objects.standard.pk])
    response = admin_client.post(url, _form(sla_objects, world, name="IT default", service_item="", priority="",
                                            resolution_minutes="6h"))

    # Then version 2 is current and version 1 is kept
    assert response.status_code == 302
    versions = list(ServiceStandard.objects.filter(lineage=sla_objects.standard.lineage).order_by("version")
                    .values_list("version", "is_current", "resolution_minutes"))
    assert versions == [(1, False, 480), (2, True, 360)]


def test_bad_targets_show_errors_and_save_nothing(admin_client, world, sla_objects):
    # Given the standards before
    before = ServiceStandard.objects.count()

    # When the resolution target is shorter than the first response target
    response = admin_client.post(reverse("sla:standard-new"),
                                 _form(sla_objects, world, first_response_minutes="2h", resolution_minutes="60"))

    # Then the form shows the error at the resolution target and nothing is saved
    assert response.status_code == 200
    assert response.context["form"].errors["resolution_minutes"]
    assert ServiceStandard.objects.count() == before


def test_the_list_warns_about_teams_without_a_default(admin_client, world, sla_objects):
    # Given IT has a team-wide default and HR has none
    # When the admin opens the list
    response = admin_client.get(reverse("sla:standards"))

    # Then HR is named in the warning and IT is not
    assert [team.name for team in response.context["teams_without_default"]] == ["HR Services"]


def test_the_list_takes_a_fixed_number_of_queries(admin_client, world, sla_objects, django_assert_max_num_queries):
    # Given more standards
    for index in range(5):
        admin_client.post(reverse("sla:standard-new"),
                          _form(sla_objects, world, name=f"IT {index}", priority=f"P{index % 4 + 1}",
                                service_item="" if index < 4 else world.laptop.pk))

    # When the list is shown, the query count does not grow with the standards
    with django_assert_max_num_queries(12):
        admin_client.get(reverse("sla:standards"))


def test_the_history_shows_every_version(admin_client, world, sla_objects):
    # Given version 2
    admin_client.post(reverse("sla:standard-edit", args=[sla_objects.standard.pk]),
                      _form(sla_objects, world, name="IT default", service_item="", priority="",
                            resolution_minutes="6h"))

    # When the history of version 1 is opened
    response = admin_client.get(reverse("sla:standard-history", args=[sla_objects.standard.pk]))

    # Then both versions and the change are listed
    assert [row["standard"].version for row in response.context["rows"]] == [2, 1]
    assert any(row["old"] == "480" and row["new"] == "360"
               for entry in response.context["entries"] for row in entry["rows"])


def test_retiring_through_the_page(admin_client, sla_objects):
    # When the admin retires the standard
    response = admin_client.post(reverse("sla:standard-retire", args=[sla_objects.standard.pk]))

    # Then it is no longer current
    assert response.status_code == 302
    sla_objects.standard.refresh_from_db()
    assert not sla_objects.standard.is_current


def test_the_standards_list_writes_every_target_in_one_format(admin_client, world, sla_objects):
    admin_client.post(reverse("sla:standard-new"), _form(sla_objects, world, resolution_minutes="1h 30"))
    html = admin_client.get(reverse("sla:standards")).content.decode()
    # IT default: 60 and 480 minutes; IT laptops: 30 and 90 minutes.
    cells = _cells(html)
    for cell in ("1 h", "8 h", "30 min", "1 h 30 min"):
        assert cell in cells
    assert "30" not in cells and "8h" not in cells
    assert '<td class="actions">' not in html  # a flex box as a table cell misaligns the borders


def test_the_standards_list_writes_targets_in_chinese(admin_client, world, sla_objects):
    admin_client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    html = admin_client.get(reverse("sla:standards")).content.decode()
    assert {"1 小时", "8 小时"} <= set(_cells(html))


def test_catalog_names_on_the_standard_pages_follow_the_readers_language(admin_client, world, sla_objects):
    world.laptop.translations = {"zh-hans": {"name": "笔记本电脑维修"}}
    world.laptop.save()
    admin_client.post(reverse("sla:standard-new"), _form(sla_objects, world))
    admin_client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    listing = admin_client.get(reverse("sla:standards")).content.decode()
    assert "笔记本电脑维修" in _cells(listing)
    form = admin_client.get(reverse("sla:standard-new")).content.decode()
    assert f'<option value="{world.laptop.pk}">笔记本电脑维修</option>' in form
