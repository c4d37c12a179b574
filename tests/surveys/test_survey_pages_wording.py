"""What the requester reads around a survey: times in their own zone on the signed-out
page, the in-app notification's own wording (it has no score links), and the ticket page
asking its question once."""

import zoneinfo

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from notifications.models import OutboxMessage
from surveys.models import SurveyResponse
from surveys.selectors import invite_token

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _local(at) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") + " (UTC+0800)"


def test_the_signed_out_survey_page_shows_times_in_the_requesters_zone(world, sent_invite, clock):
    world.alice.timezone = "Asia/Shanghai"
    world.alice.save(update_fields=["timezone"])
    token = invite_token(sent_invite)

    open_page = Client().get(f"/surveys/s/{token}/").content.decode()
    Client().post(f"/surveys/s/{token}/4/")
    answered = Client().get(f"/surveys/s/{token}/").content.decode()

    response = SurveyResponse.objects.get(invite=sent_invite)
    sent_invite.refresh_from_db()
    assert f"This survey is open until {_local(sent_invite.expires_at)}." in open_page
    assert f"You can add or change your comment until {_local(response.editable_until)}." in answered


def test_the_in_app_survey_notification_does_not_promise_score_links(world, sent_invite, clock):
    rows = {row.channel: row.body for row in OutboxMessage.objects.filter(event="survey_invite",
                                                                          recipient=world.alice)}

    assert "One click on a score below" in rows["email"]
    assert "One click" not in rows["in_app"]
    assert "Open the survey to give a score and a comment." in rows["in_app"]


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_the_ticket_page_asks_the_survey_question_once(world, sent_invite, clock, language):
    client = Client()
    client.force_login(world.alice)
    client.cookies["django_language"] = language
    page = client.get(f"/tickets/{sent_invite.ticket_id}/").content.decode()

    with translation.override(language):
        questions = [gettext("How satisfied are you with how this request was handled?"),
                     gettext("How satisfied are you with how your request was handled?")]
    assert 'class="radio-list survey-scores"' in page
    assert sum(page.count(question) for question in questions) == 1
