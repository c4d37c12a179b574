"""The sweep sends the due invites (mail with a link per score and an in-app
notification, in the requester's language), once, and expires the unanswered ones."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client

from notifications import services as notify
from notifications.models import Notification, OutboxMessage
from surveys.models import SurveyInvite
from surveys.selectors import invite_token
from surveys.services import surveys_sweep
from tests.threads import run_together
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled(world, file_ticket, clock, survey_defaults, resolve):
    """Alice's ticket resolved with a one-hour delay: its invite is scheduled."""
    survey_defaults(delay_minutes=60, expiry_days=7)
    ticket = file_ticket()
    resolve(ticket)
    return SurveyInvite.objects.get(ticket=ticket)


def test_the_sweep_sends_only_the_invites_that_are_due(world, scheduled, clock):
    assert surveys_sweep(now=clock.advance(minutes=59)) == {"sent": 0, "expired": 0}

    result = surveys_sweep(now=clock.advance(minutes=1))

    invite = SurveyInvite.objects.get(pk=scheduled.pk)
    assert result == {"sent": 1, "expired": 0}
    assert (invite.state, invite.sent_at, invite.expires_at) == ("sent", clock.at, clock.at + dt.timedelta(days=7))
    rows = OutboxMessage.objects.filter(event="survey_invite")
    assert {(r.recipient_id, r.channel) for r in rows} == {(world.alice.pk, "email"), (world.alice.pk, "in_app")}
    assert {r.url for r in rows} == {f"/surveys/s/{invite_token(invite)}/"}


def test_sweeping_twice_sends_once(world, scheduled, clock):
    clock.advance(hours=2)
    surveys_sweep(now=clock.at)

    again = surveys_sweep(now=clock.at)

    assert again["sent"] == 0
    assert OutboxMessage.objects.filter(event="survey_invite").count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_send_each_invite_once(world, file_ticket, clock, survey_defaults, resolve):
    survey_defaults(delay_minutes=60)
    for n in range(6):
        resolve(file_ticket(title=f"T{n}"))
    now = clock.advance(hours=2)

    results = run_together(lambda: surveys_sweep(now=now, batch_size=2), 2)

    assert sum(r["sent"] for r in results) == 6
    assert SurveyInvite.objects.filter(state="sent").count() == 6
    assert OutboxMessage.objects.filter(event="survey_invite", channel="email").count() == 6


def test_an_invite_whose_ticket_moved_on_is_cancelled_not_sent(world, scheduled, clock):
    # The ticket is in another cycle by the time the sweep runs (reopened behind the
    # bookkeeping's back): nothing about the old resolution is asked.
    Ticket.objects.filter(pk=scheduled.ticket_id).update(status="open", resolution_cycle=2)

    surveys_sweep(now=clock.advance(hours=2))

    assert SurveyInvite.objects.get(pk=scheduled.pk).state == "cancelled"
    assert not OutboxMessage.objects.filter(event="survey_invite").exists()


def test_an_unanswered_invite_expires_after_its_days(world, scheduled, clock):
    surveys_sweep(now=clock.advance(hours=1))

    assert surveys_sweep(now=clock.advance(days=7) - dt.timedelta(seconds=1))["expired"] == 0
    assert surveys_sweep(now=clock.advance(seconds=1))["expired"] == 1
    assert SurveyInvite.objects.get(pk=scheduled.pk).state == "expired"


def test_the_requester_gets_an_in_app_notification_linking_the_survey(world, scheduled, clock):
    surveys_sweep(now=clock.advance(hours=1))

    notify.deliver_outbox(now=clock.at, batch_size=100)

    notification = Notification.objects.get(user=world.alice, event="survey_invite")
    assert notification.url == f"/surveys/s/{invite_token(scheduled)}/"


@pytest.mark.parametrize(("language", "subject_words", "page_words"), [
    ("zh-hans", "服务怎么样", "满意度调查"),
    ("zh-hant", "服務怎麼樣", "滿意度調查"),
])
def test_the_mail_and_its_link_speak_the_recipients_language(world, scheduled, clock, language, subject_words,
                                                             page_words):
    # Given alice reads Chinese
    world.alice.language = language
    world.alice.save()
    surveys_sweep(now=clock.advance(hours=1))

    # When the mail is delivered
    notify.deliver_outbox(now=clock.at, batch_size=100)

    # Then its subject and text are in her language, with one link per score
    sent = mail.outbox[-1]
    assert subject_words in sent.subject
    html = sent.alternatives[0][0]
    links = re.findall(r'href="(http[^"]+/surveys/s/[^"]+/)(\d)/"', html)
    assert [score for _base, score in links] == ["1", "2", "3", "4", "5"]
    assert all(f"/{n}/" in sent.body for n in "12345")
    # and the page a score link opens (signed out) is in her language too
    page = Client().post(urlsplit(links[3][0]).path + "4/", follow=True)  # the page sends the score
    assert page.status_code == 200
    assert page_words in page.content.decode() and "4" in page.content.decode()
    assert SurveyInvite.objects.get(pk=scheduled.pk).response.score == 4
