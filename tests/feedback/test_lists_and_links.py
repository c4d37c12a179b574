"""The feedback lists tell one piece from another (the start of its text, escaped), the
lead's filters name kinds and statuses as the table does, and a lead reaches the team's
Satisfaction and feedback pages from the queue."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_my_feedback_shows_the_start_of_each_text_escaped(world, send):
    send(world.bob, world.hr, text="Payslips arrive late every month. " + "x" * 200)
    send(world.bob, world.hr, text="<b>Onboarding</b> took three weeks.")

    page = signed_in(world.bob).get(reverse("feedback-mine")).content.decode()

    assert "Payslips arrive late every month." in page
    assert "x" * 200 not in page
    assert "&lt;b&gt;Onboarding&lt;/b&gt; took three weeks." in page and "<b>Onboarding" not in page


def test_the_leads_filters_name_kinds_and_statuses_as_the_table_does(world, send, hr_lead):
    send(world.bob, world.hr, kind="suggestion")

    page = signed_in(hr_lead).get(reverse("team-feedback", args=[world.hr.slug])).content.decode()

    assert '<option value="suggestion">Suggestion</option>' in page
    assert '<option value="acted_on">Acted on</option>' in page
    assert ">suggestion<" not in page and ">acted on<" not in page


def test_a_lead_reaches_satisfaction_and_feedback_from_the_queue(world):
    queue = reverse("team-queue", args=[world.it.slug])
    satisfaction = reverse("survey-satisfaction", args=[world.it.slug])
    feedback = reverse("team-feedback", args=[world.it.slug])

    for lead in (world.it_lead, world.admin):
        page = signed_in(lead).get(queue).content.decode()
        assert f'href="{satisfaction}"' in page and f'href="{feedback}"' in page
        assert signed_in(lead).get(satisfaction).status_code == 200
        assert signed_in(lead).get(feedback).status_code == 200
    agent_page = signed_in(world.it_agent).get(queue).content.decode()
    assert satisfaction not in agent_page and feedback not in agent_page
