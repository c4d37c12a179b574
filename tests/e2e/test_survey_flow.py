"""The satisfaction survey end to end in a real browser: the requester clicks a score in
the mail (read from the mail backend), adds a comment and a reason, and the IT lead sees
the follow-up on the team's Satisfaction page and marks it done with a note."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from notifications import services as notify
from surveys.models import SurveyFollowUp, SurveyResponse
from tests.factories import survey_defaults_row
from tickets import services
from tickets.constants import Status

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_requester_scores_from_the_mail_and_the_lead_follows_up(world, file_ticket, open_page):
    # Given surveys at once after resolution, and alice's laptop ticket resolved by it.agent
    survey_defaults_row(delay_minutes=0, low_score=2)
    ticket = file_ticket(title="Laptop does not boot")
    services.ticket_transition(ticket=ticket, to=Status.RESOLVED, actor=world.it_agent)
    notify.deliver_outbox(batch_size=100)
    survey_mail = next(m for m in mail.outbox if m.to == [world.alice.email] and "How did we do?" in m.subject)
    links = re.findall(r'href="([^"]+/surveys/s/[^"]+/)([1-5])/"', survey_mail.alternatives[0][0])
    assert [score for _base, score in links] == ["1", "2", "3", "4", "5"]

    # When alice, not signed in, clicks "2" in the mail …
    alice = open_page(None)
    alice.goto(urlsplit(links[1][0]).path + "2/")
    alice.get_by_text("Your score: 2 of 5").wait_for()
    assert SurveyResponse.objects.get(ticket=ticket).score == 2
    # … and adds the reason and comment the low score asks for
    alice.select_option("#id_reason", "slow")
    alice.fill("#id_comment", "Three days without a laptop.")
    alice.get_by_role("button", name="Save my comment").click()
    alice.get_by_text("Thank you: your comment is saved.").wait_for()

    # Then the IT lead finds the follow-up on IT's Satisfaction page and marks it done
    lead = open_page(world.it_lead)
    lead.goto("/surveys/teams/it/")
    follow_up = lead.locator(".survey-follow-up").filter(has_text=ticket.reference)
    follow_up.get_by_text("Three days without a laptop.").wait_for()
    assert lead.locator("#survey-n").inner_text() == "1"
    follow_up.get_by_label("What was done").fill("Called alice; a loan laptop is on her desk.")
    follow_up.get_by_role("button", name="Mark done").click()
    lead.get_by_text("The follow-up is done.").wait_for()
    assert SurveyFollowUp.objects.get(ticket=ticket).state == "done"
    assert lead.locator("#survey-follow-ups").inner_text() == "0 / 1"

    # and the ticket's page shows the follow-up and its note to the team
    lead.goto(f"/tickets/{ticket.pk}/")
    lead.locator(".survey-panel").get_by_text("Called alice; a loan laptop is on her desk.").wait_for()
