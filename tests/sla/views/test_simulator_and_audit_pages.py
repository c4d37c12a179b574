import datetime as dt

from django.urls import reverse


def test_the_simulator_shows_the_due_time(admin_client, sla_objects):
    # When the admin simulates 30 minutes from Friday 17:45 on the Shanghai calendar
    response = admin_client.get(reverse("sla:simulator"), {
        "calendar": sla_objects.calendar.pk, "minutes": "30", "start": "2026-09-25T17:45"})

    # Then the page shows Monday 09:15 Shanghai time
    assert response.status_code == 200
    assert "2026-09-28T09:15+08:00" in response.content.decode()


def test_the_simulator_shows_a_standards_due_times(admin_client, sla_objects):
    # When the admin simulates the IT default standard from Friday 17:00
    response = admin_client.get(reverse("sla:simulator"), {
        "standard": sla_objects.standard.pk, "start": "2026-09-25T17:00"})

    # Then first response (1 h) is due at Friday's closing and resolution (8 h) on Monday 16:00
    content = response.content.decode()
    assert "2026-09-25T18:00+08:00" in content
    assert "2026-09-28T16:00+08:00" in content


def test_the_simulator_explains_what_is_missing(admin_client, sla_objects):
    # When only a start is given
    response = admin_client.get(reverse("sla:simulator"), {"start": "2026-09-25T17:45"})

    # Then the form says what to choose
    assert response.status_code == 200
    assert response.context["form"].errors["calendar"]


def test_the_change_log_shows_who_changed_what(admin_client, world, sla_objects):
    # When the admin opens the change log
    response = admin_client.get(reverse("sla:audit"))

    # Then the calendar, chain and standard creations are listed with their author
    entries = response.context["entries"]
    assert {e["change"].object_type for e in entries} == {"calendar", "chain", "standard"}
    assert all(e["change"].actor == world.admin for e in entries)
    assert "IT default" in response.content.decode()


def test_the_simulator_says_what_choosing_no_standard_means(admin_client, sla_objects):
    html = admin_client.get(reverse("sla:simulator")).content.decode()
    assert "---------" not in html
    assert "none: use the calendar and minutes above" in html
    assert 'type="datetime-local"' in html


def test_the_change_log_words_levels_and_weekdays_in_the_readers_language(admin_client, world, sla_objects):
    from sla.standards.calendars import calendar_save
    from sla.standards.chains import chain_save

    chain_save(actor=world.admin, chain=sla_objects.chain, name="Standard escalation", description="", levels=[
        {"order": 1, "trigger": "percent", "percent": 75, "notify_assignee": True},
        {"order": 2, "trigger": "after_breach", "applies_to": "resolution", "delay_minutes": 30,
         "notify_lead": True, "raise_priority": True},
    ])
    calendar_save(actor=world.admin, calendar=sla_objects.calendar, name="Shanghai office", timezone="Asia/Shanghai",
                  extra_day_weekday=4,
                  working_hours=[{"weekday": d, "start": dt.time(9), "end": dt.time(17)} for d in range(5)],
                  holidays=[], extra_working_days=[])

    english = admin_client.get(reverse("sla:audit")).content.decode()
    assert "2: 30 min after the breach of the resolution target → the team lead, raise the priority" in english
    assert "Friday" in english  # make-up days use Friday's hours: no raw "4"

    admin_client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    chinese = admin_client.get(reverse("sla:audit")).content.decode()
    assert "星期五" in chinese
    for english_words in ("after the breach", "the team lead", "raise the priority", "Friday", "Mon "):
        assert english_words not in chinese
