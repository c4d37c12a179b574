import datetime as dt

import pytest
from django.urls import reverse

from sla import clocks
from sla.models import BusinessCalendar, ExtraWorkingDay, Holiday, StandardChange, WorkingHours

GOOD_FORM = {
    "name": "Taipei office",
    "timezone": "Asia/Taipei",
    "hours_0": "09:00-12:00, 13:30-18:00",
    "hours_1": "09:00-18:00",
    "hours_2": "09:00-18:00",
    "hours_3": "09:00-18:00",
    "hours_4": "09:00-18:00",
    "hours_5": "",
    "hours_6": "",
    "holidays": "2026-10-01..2026-10-07 National Day\n2026-05-01 Labour Day\n",
    "extra_working_days": "2026-10-10 National Day make-up",
    "extra_day_weekday": "0",
}


def _rows():
    return [model.objects.count() for model in (BusinessCalendar, WorkingHours, Holiday, ExtraWorkingDay,
                                                  StandardChange)]


def test_admin_creates_a_calendar_through_the_form(admin_client, world):
    # When the admin fills in the calendar form
    response = admin_client.post(reverse("sla:calendar-new"), GOOD_FORM)

    # Then the calendar is saved with its hours, holidays and make-up day, and the list is shown
    assert response.status_code == 302
    assert response["Location"] == reverse("sla:calendars")
    calendar = BusinessCalendar.objects.get(name="Taipei office")
    value = clocks.calendar_value(calendar)
    assert value.timezone == "Asia/Taipei"
    assert value.weekly[0] == ((540, 720), (810, 1080))
    assert value.weekly[5] == ()
    assert dt.date(2026, 10, 7) in value.holidays
    assert dt.date(2026, 10, 10) in value.extra_working_days
    assert StandardChange.objects.get(object_type="calendar").actor == world.admin


def test_the_edit_form_shows_the_calendar_as_text(admin_client, sla_objects):
    # When the admin opens a calendar
    response = admin_client.get(reverse("sla:calendar-edit", args=[sla_objects.calendar.pk]))

    # Then hours, holidays and make-up days are shown in the format the form reads
    assert response.context["form"].initial["hours_0"] == "09:00-18:00"
    assert "2026-10-01..2026-10-07 National Day" in response.content.decode()
    assert "2026-10-10 National Day make-up" in response.content.decode()


BAD_FORMS = {
    "unknown time zone": ({"timezone": "Mars/Olympus"}, "timezone"),
    "end before start": ({"hours_1": "18:00-09:00"}, "hours_1"),
    "overlapping intervals": ({"hours_2": "09:00-13:00, 12:00-18:00"}, "hours_2"),
    "not a time range": ({"hours_3": "nine to six"}, "hours_3"),
    "holiday ends before it starts": ({"holidays": "2026-10-07..2026-10-01 National Day"}, "holidays"),
    "holiday line without a date": ({"holidays": "National Day"}, "holidays"),
    "make-up day that is a holiday": ({"extra_working_days": "2026-10-03 oops"}, "extra_working_days"),
    "no working hours at all": ({f"hours_{d}": "" for d in range(7)}, None),
}


@pytest.mark.parametrize(("changes", "field"), BAD_FORMS.values(), ids=BAD_FORMS.keys())
def test_bad_calendar_input_shows_errors_and_saves_nothing(admin_client, world, changes, field):
    # Given the rows before
    before = _rows()

    # When the form is sent with one bad input
    response = admin_client.post(reverse("sla:calendar-new"), {**GOOD_FORM, **changes})

    # Then the form comes back with the error next to that input, and nothing was saved
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors.get(field or "__all__")
    assert 'class="error"' in response.content.decode() or "form-errors" in response.content.decode()
    assert _rows() == before


def test_a_bad_edit_leaves_the_calendar_as_it_was(admin_client, sla_objects):
    # Given the calendar's rows
    before = _rows()

    # When an edit has overlapping hours
    response = admin_client.post(reverse("sla:calendar-edit", args=[sla_objects.calendar.pk]),
                                 {**GOOD_FORM, "hours_0": "09:00-13:00, 12:00-18:00"})

    # Then nothing changed
    assert response.status_code == 200
    assert _rows() == before
    assert BusinessCalendar.objects.get(pk=sla_objects.calendar.pk).name == "Shanghai office"


def test_admin_imports_public_holidays(admin_client, sla_objects):
    # When the admin imports China's 2026 holidays
    response = admin_client.post(reverse("sla:calendar-import", args=[sla_objects.calendar.pk]),
                                 {"import-country": "CN", "import-year": "2026", "import-subdiv": ""})

    # Then the Spring Festival is in the calendar
    assert response.status_code == 302
    assert sla_objects.calendar.holidays.filter(date=dt.date(2026, 2, 16), end_date=dt.date(2026, 2, 23)).exists()


def test_an_unknown_country_is_shown_on_the_import_form(admin_client, sla_objects):
    # Given the rows before
    before = _rows()

    # When the admin asks for country "XX"
    response = admin_client.post(reverse("sla:calendar-import", args=[sla_objects.calendar.pk]),
                                 {"import-country": "XX", "import-year": "2026"})

    # Then the import form shows the error and nothing is added
    assert response.status_code == 200
    assert response.context["import_form"].errors["country"]
    assert _rows() == before
