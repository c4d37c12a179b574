"""Answering a survey: the signed single-use token, expiry, tampering, the comment window,
the low score that tells the lead and opens a follow-up, the snapshot, and who may answer."""

import datetime as dt

import pytest
from django.test import Client

from notifications.models import OutboxMessage
from sla.scanner import sla_scan
from surveys import services
from surveys.models import SurveyFollowUp, SurveyInvite, SurveyResponse
from surveys.selectors import invite_for_token, invite_token
from surveys.tokens import token_hash
from tests.factories import ServiceStandardFactory
from tickets import services as ticket_services
from tickets.constants import Status
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- the token -----------------------------------------------------------------------------


def test_only_a_hash_of_the_token_is_stored(sent_invite):
    token = invite_token(sent_invite)

    row = SurveyInvite.objects.filter(pk=sent_invite.pk).values().get()

    assert row["token_hash"] == token_hash(token)
    assert token not in str(row)


def test_a_tampered_token_opens_nothing(sent_invite):
    token = invite_token(sent_invite)
    head, signature = token.split(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    other_invite = f"{int(head) + 1}.{signature}"

    for bad in (f"{head}.{flipped}", other_invite, "garbage", f"{head}.", "99999999999999999999.x"):
        assert invite_for_token(bad) is None, bad
        page = _client().get(f"/surveys/s/{bad}/")
        assert page.status_code == 404 and b"not valid" in page.content
        assert _client().get(f"/surveys/s/{bad}/4/").status_code == 404
    assert not SurveyResponse.objects.exists()


def test_opening_a_score_link_records_nothing_until_the_page_sends_it(world, sent_invite, clock):
    # A mail scanner or link preview fetches every link of the mail: that must not answer
    token = invite_token(sent_invite)

    opened = _client().get(f"/surveys/s/{token}/1/")
    _client().head(f"/surveys/s/{token}/2/")

    assert not SurveyResponse.objects.exists()
    assert SurveyInvite.objects.get(pk=sent_invite.pk).state == "sent"
    # the page a person's browser opens sends the score at once (static/js/app.js)
    assert opened.status_code == 200
    assert f'action="/surveys/s/{token}/1/" data-autosubmit'.encode() in opened.content


def test_one_click_on_a_score_records_it_without_signing_in(world, sent_invite, clock):
    token = invite_token(sent_invite)

    page = _client().post(f"/surveys/s/{token}/4/", follow=True)

    response = SurveyResponse.objects.get(invite=sent_invite)
    assert (response.score, response.channel, response.respondent_id) == (4, "email", world.alice.pk)
    assert SurveyInvite.objects.get(pk=sent_invite.pk).state == "answered"
    assert b"Your score: 4 of 5" in page.content and b"survey-comment-form" in page.content


def test_the_token_is_single_use(world, sent_invite, clock):
    token = invite_token(sent_invite)
    _client().post(f"/surveys/s/{token}/5/")

    # A second click, even on another score, changes nothing
    page = _client().post(f"/surveys/s/{token}/1/", follow=True)

    assert SurveyResponse.objects.get(invite=sent_invite).score == 5
    assert SurveyResponse.objects.count() == 1
    assert b"Your score: 5 of 5" in page.content


def test_the_comment_can_be_added_for_a_day_then_the_link_says_so(world, sent_invite, clock):
    token = invite_token(sent_invite)
    _client().post(f"/surveys/s/{token}/4/")

    clock.advance(hours=23)
    saved = _client().post(f"/surveys/s/{token}/", {"comment": "Quick and kind.", "reason": ""}, follow=True)
    assert SurveyResponse.objects.get(invite=sent_invite).comment == "Quick and kind."
    assert b"your comment is saved" in saved.content

    clock.advance(hours=2)
    late = _client().post(f"/surveys/s/{token}/", {"comment": "Changed my mind", "reason": ""})
    assert SurveyResponse.objects.get(invite=sent_invite).comment == "Quick and kind."
    assert b"can no longer be changed" in late.content


def test_an_expired_link_says_so_politely_and_records_nothing(world, sent_invite, clock):
    token = invite_token(sent_invite)
    clock.advance(days=7, seconds=1)

    click = _client().post(f"/surveys/s/{token}/5/", follow=True)

    assert click.status_code == 200 and b"this survey has expired" in click.content.lower()
    assert not SurveyResponse.objects.exists()


def test_a_low_score_click_asks_for_the_reason_and_comment_on_the_page(world, sent_invite, clock):
    token = invite_token(sent_invite)

    page = _client().post(f"/surveys/s/{token}/1/", follow=True)
    without = _client().post(f"/surveys/s/{token}/", {"comment": "", "reason": ""})
    with_both = _client().post(f"/surveys/s/{token}/", {"comment": "Took a week.", "reason": "slow"})

    assert b"Please tell us why" in page.content
    assert b"Required for this score." in without.content
    assert with_both.status_code == 302
    response = SurveyResponse.objects.get(invite=sent_invite)
    assert (response.score, response.reason.key, response.comment) == (1, "slow", "Took a week.")


# --- a low score -------------------------------------------------------------------------


def test_a_low_score_tells_the_lead_in_their_language_and_opens_a_follow_up(world, sent_invite, clock):
    world.it_lead.language = "zh-hans"
    world.it_lead.save()

    response = services.survey_answer(invite=sent_invite, score=2, comment="Slow.", reason="slow")

    follow_up = SurveyFollowUp.objects.get(response=response)
    assert (follow_up.state, follow_up.team_id, follow_up.ticket_id) == ("open", world.it.pk, sent_invite.ticket_id)
    told = OutboxMessage.objects.filter(event="survey_low_score")
    assert {m.recipient_id for m in told} == {world.it_lead.pk}
    assert all("满意度低分" in m.subject for m in told)


def test_a_good_score_opens_no_follow_up_and_tells_nobody(world, sent_invite, clock):
    services.survey_answer(invite=sent_invite, score=3)

    assert not SurveyFollowUp.objects.exists()
    assert not OutboxMessage.objects.filter(event="survey_low_score").exists()


def test_a_low_score_never_reopens_the_ticket_and_the_requester_still_can(world, sent_invite, clock):
    services.survey_answer(invite=sent_invite, score=1, comment="Bad.", reason="not-solved")
    assert Ticket.objects.get(pk=sent_invite.ticket_id).status == Status.RESOLVED

    ticket_services.ticket_transition(ticket=sent_invite.ticket, to=Status.OPEN, actor=world.alice)

    assert Ticket.objects.get(pk=sent_invite.ticket_id).status == Status.OPEN


def test_the_lead_marks_the_follow_up_done_with_a_note(world, sent_invite, clock):
    response = services.survey_answer(invite=sent_invite, score=1, comment="Bad.", reason="slow")
    follow_up = response.follow_up

    with pytest.raises(services.ApplicationError) as agent_tried:
        services.survey_follow_up_done(follow_up=follow_up, actor=world.it_agent, note="Called her.")
    with pytest.raises(services.ApplicationError):
        services.survey_follow_up_done(follow_up=follow_up, actor=world.it_lead, note="  ")
    done = services.survey_follow_up_done(follow_up=follow_up, actor=world.it_lead, note="Called her; new SSD.")

    assert agent_tried.value.code == "permission_denied"
    assert (done.state, done.done_by_id, done.note) == ("done", world.it_lead.pk, "Called her; new SSD.")


def test_the_follow_up_shows_in_the_ticket_history_for_staff_and_not_to_the_requester(world, sent_invite, clock):
    response = services.survey_answer(invite=sent_invite, score=1, comment="Bad.", reason="slow")
    services.survey_follow_up_done(follow_up=response.follow_up, actor=world.it_lead, note="Called her; new SSD.")
    path = f"/tickets/{sent_invite.ticket_id}/"

    staff = _client(world.it_agent).get(path).content.decode()
    requester = _client(world.alice).get(path).content.decode()

    assert "Called her; new SSD." in staff and "Follow-up" in staff
    assert "Called her; new SSD." not in requester and "Follow-up" not in requester
    assert "Your score: 1 of 5" in requester


# --- the snapshot --------------------------------------------------------------------------


def test_the_response_keeps_a_snapshot_of_the_cycle(world, file_ticket, clock, survey_defaults, resolve):
    # Given a standard whose first response is met and whose resolution is breached
    survey_defaults()
    ServiceStandardFactory(team=world.it, first_response_minutes=60, resolution_minutes=120)
    ticket = file_ticket(priority="P2")
    ticket_services.ticket_assign(ticket=ticket, assignee=world.it_agent, actor=world.it_lead)
    clock.advance(minutes=10)
    ticket_services.comment_create(ticket=Ticket.objects.get(pk=ticket.pk), author=world.it_agent, body="On it.")
    clock.advance(hours=3)
    sla_scan(now=clock.at)
    resolve(ticket)

    response = services.survey_answer(invite=SurveyInvite.objects.get(ticket=ticket), score=4)

    assert (response.team_id, response.assignee_id, response.service_item_id, response.priority) == (
        world.it.pk, world.it_agent.pk, world.laptop.pk, "P2")
    assert (response.first_response_met, response.resolution_met, response.next_response_met) == (True, False, None)


def test_the_snapshot_reads_the_outcomes_in_force_including_next_responses(world, file_ticket, clock,
                                                                          survey_defaults, resolve):
    # Given a breached resolution later corrected to met, and a next response met in the cycle
    from sla.models import SLAOutcome
    from sla.outcomes import sla_outcome_correct

    survey_defaults()
    ServiceStandardFactory(team=world.it, first_response_minutes=60, next_response_minutes=60,
                           resolution_minutes=120)
    ticket = file_ticket()
    clock.advance(minutes=10)
    ticket_services.comment_create(ticket=Ticket.objects.get(pk=ticket.pk), author=world.it_agent, body="On it.")
    clock.advance(minutes=5)
    ticket_services.comment_create(ticket=Ticket.objects.get(pk=ticket.pk), author=world.alice, body="Still off.")
    clock.advance(minutes=5)
    ticket_services.comment_create(ticket=Ticket.objects.get(pk=ticket.pk), author=world.it_agent, body="Disk swap.")
    clock.advance(hours=3)
    resolve(ticket)
    breached = SLAOutcome.objects.get(ticket=ticket, kind="resolution")
    assert breached.met is False
    sla_outcome_correct(outcome=breached, actor=world.admin, reason="clock ran on a holiday", met=True,
                        breached_by_seconds=0)

    response = services.survey_answer(invite=SurveyInvite.objects.get(ticket=ticket), score=5)

    assert (response.first_response_met, response.resolution_met, response.next_response_met) == (True, True, True)


# --- who may answer ------------------------------------------------------------------------


def test_an_agent_cannot_answer_a_survey_of_their_teams_ticket(world, sent_invite, clock):
    token = invite_token(sent_invite)

    page = _client(world.it_agent).post(f"/surveys/s/{token}/5/")
    with pytest.raises(services.ApplicationError) as refused:
        services.survey_answer(invite=sent_invite, score=5, actor=world.it_agent)

    assert page.status_code == 403
    assert refused.value.code == "permission_denied"
    assert not SurveyResponse.objects.exists()


def test_the_requester_answers_from_the_ticket_page(world, sent_invite, clock):
    path = f"/tickets/{sent_invite.ticket_id}/"
    prompt = _client(world.alice).get(path).content.decode()
    assert prompt.count("How satisfied are you with how") == 1

    _client(world.alice).post(f"/surveys/tickets/{sent_invite.ticket_id}/answer/",
                              {"score": "5", "comment": "Great", "reason": ""})

    response = SurveyResponse.objects.get(invite=sent_invite)
    assert (response.score, response.channel) == (5, "page")


def test_another_requester_cannot_answer_from_the_ticket_page(world, sent_invite, clock):
    answer = _client(world.bob).post(f"/surveys/tickets/{sent_invite.ticket_id}/answer/", {"score": "5"})

    assert answer.status_code == 404
    assert not SurveyResponse.objects.exists()


def test_an_anonymous_team_hides_the_score_from_agents_not_from_the_lead(world, sent_invite, clock,
                                                                        survey_defaults):
    survey_defaults(anonymous=True)
    services.survey_answer(invite=sent_invite, score=3, comment="So-so, said alice.")
    path = f"/tickets/{sent_invite.ticket_id}/"

    agent = _client(world.it_agent).get(path).content.decode()
    lead = _client(world.it_lead).get(path).content.decode()

    assert "anonymous to agents" in agent and "So-so, said alice." not in agent
    assert "Score 3 of 5" in lead and "So-so, said alice." in lead


def test_nobody_can_delete_a_response(world, sent_invite, clock):
    from django.contrib import admin

    from surveys.models import SurveyFollowUp as FollowUp
    services.survey_answer(invite=sent_invite, score=1, comment="x", reason="slow")

    for model in (SurveyResponse, SurveyInvite, FollowUp):
        assert admin.site._registry[model].has_delete_permission(None) is False
    superuser = _client(world.admin)
    world.admin.is_superuser = world.admin.is_staff = True
    world.admin.save()
    response = SurveyResponse.objects.get()
    page = superuser.post(f"/admin/surveys/surveyresponse/{response.pk}/delete/", {"post": "yes"})
    assert page.status_code == 403
    assert SurveyResponse.objects.filter(pk=response.pk).exists()


def test_expiry_is_counted_from_sending(world, sent_invite, clock):
    assert sent_invite.expires_at == sent_invite.sent_at + dt.timedelta(days=7)
