"""The survey API: the requester's current survey of a ticket, answering with the token,
and the responses of a team for its leads and service admins."""

import pytest

from surveys import services
from surveys.models import SurveyResponse
from surveys.selectors import invite_token

pytestmark = pytest.mark.django_db


def test_the_requester_reads_the_current_survey_with_its_token(world, sent_invite, api_for):
    answer = api_for("alice").get(f"/api/v1/tickets/{sent_invite.ticket_id}/survey/")

    assert answer.status_code == 200
    body = answer.json()
    assert (body["token"], body["state"], body["cycle"], body["response"]) == (
        invite_token(sent_invite), "sent", 1, None)


@pytest.mark.parametrize("role", ["bob", "it_agent", "it_lead", "admin", "hr_agent"])
def test_nobody_but_the_requester_reads_the_survey_of_a_ticket(world, sent_invite, api_for, role):
    assert api_for(role).get(f"/api/v1/tickets/{sent_invite.ticket_id}/survey/").status_code == 404


def test_a_ticket_without_a_survey_is_a_404(world, file_ticket, api_for, clock, survey_defaults):
    ticket = file_ticket()

    assert api_for("alice").get(f"/api/v1/tickets/{ticket.pk}/survey/").status_code == 404


def test_answering_with_the_token_records_the_response(world, sent_invite, api_for, clock):
    token = invite_token(sent_invite)

    answer = api_for("anonymous").post(f"/api/v1/surveys/{token}/", {"score": 4, "comment": "Fine"}, format="json")

    assert answer.status_code == 201, answer.content
    assert answer.json()["score"] == 4 and answer.json()["sla"]["resolution"] is None
    read = api_for("alice").get(f"/api/v1/tickets/{sent_invite.ticket_id}/survey/").json()
    assert read["state"] == "answered" and read["response"]["comment"] == "Fine"


@pytest.mark.parametrize(("body", "field"), [
    ({"score": 0}, "score"),
    ({"score": 6}, "score"),
    ({"score": "4"}, "score"),
    ({"score": 4.0}, "score"),
    ({}, "score"),
    ({"score": 2, "comment": "Slow"}, "reason"),
    ({"score": 2, "reason": "slow"}, "comment"),
    ({"score": 4, "reason": "no-such-reason"}, "reason"),
])
def test_a_bad_answer_is_a_400_naming_the_field_and_records_nothing(world, sent_invite, api_for, clock, body,
                                                                     field):
    answer = api_for("anonymous").post(f"/api/v1/surveys/{invite_token(sent_invite)}/", body, format="json")

    assert answer.status_code == 400
    assert field in answer.json()["errors"]
    assert not SurveyResponse.objects.exists()


def test_a_used_token_is_a_400(world, sent_invite, api_for, clock):
    token = invite_token(sent_invite)
    api_for("anonymous").post(f"/api/v1/surveys/{token}/", {"score": 5}, format="json")

    again = api_for("anonymous").post(f"/api/v1/surveys/{token}/", {"score": 1}, format="json")

    assert again.status_code == 400 and "token" in again.json()["errors"]
    assert SurveyResponse.objects.get().score == 5


def test_an_expired_token_is_a_400(world, sent_invite, api_for, clock):
    clock.advance(days=8)

    answer = api_for("anonymous").post(f"/api/v1/surveys/{invite_token(sent_invite)}/", {"score": 5}, format="json")

    assert answer.status_code == 400 and "token" in answer.json()["errors"]


@pytest.mark.parametrize("token", ["123.abc", "nothing", "1.", "9" * 40])
def test_an_unknown_or_tampered_token_is_a_404(world, sent_invite, api_for, clock, token):
    assert api_for("anonymous").post(f"/api/v1/surveys/{token}/", {"score": 5}, format="json").status_code == 404


def test_an_agent_of_the_team_cannot_answer_even_with_the_token(world, sent_invite, api_for, clock):
    answer = api_for("it_agent").post(f"/api/v1/surveys/{invite_token(sent_invite)}/", {"score": 5}, format="json")

    assert answer.status_code == 403
    assert not SurveyResponse.objects.exists()


def test_leads_list_their_teams_responses_and_admins_all(world, sent_invite, file_ticket, api_for, clock, resolve):
    hr_ticket = file_ticket(item=world.payslip)
    resolve(hr_ticket, actor=world.hr_agent)
    services.survey_answer(invite=sent_invite, score=2, comment="Slow", reason="slow")
    services.survey_answer(invite=hr_ticket.survey_invites.get(), score=5)

    lead = api_for("it_lead").get("/api/v1/surveys/responses/")
    admin = api_for("admin").get("/api/v1/surveys/responses/", {"team": world.hr.pk})
    agent = api_for("it_agent").get("/api/v1/surveys/responses/")
    other_team = api_for("it_lead").get("/api/v1/surveys/responses/", {"team": world.hr.pk})

    assert [r["ticket"] for r in lead.json()["results"]] == [sent_invite.ticket_id]
    assert lead.json()["results"][0]["follow_up"]["state"] == "open"
    assert [r["ticket"] for r in admin.json()["results"]] == [hr_ticket.pk]
    assert agent.status_code == 403
    assert other_team.status_code == 404


def test_responses_are_filtered_by_day(world, sent_invite, api_for, clock):
    services.survey_answer(invite=sent_invite, score=4)  # answered on 2026-09-14
    day = clock.at.date()

    def ids(**params):
        return [r["id"] for r in api_for("admin").get("/api/v1/surveys/responses/", params).json()["results"]]

    assert len(ids(**{"from": day.isoformat(), "to": day.isoformat()})) == 1
    assert ids(**{"from": "2026-09-15"}) == []
    assert ids(to="2026-09-13") == []
    assert api_for("admin").get("/api/v1/surveys/responses/", {"from": "yesterday"}).status_code == 400


def test_the_responses_list_and_the_satisfaction_page_read_a_constant_number_of_queries(
        world, file_ticket, api_for, clock, survey_defaults, resolve):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    survey_defaults()

    def answer(n):
        for i in range(n):
            ticket = file_ticket(title=f"Ticket {i}")
            resolve(ticket)
            services.survey_answer(invite=ticket.survey_invites.get(), score=1 + i % 5, comment="x", reason="slow")

    lead_api, lead_page = api_for("it_lead"), Client()
    lead_page.force_login(world.it_lead)

    def counts():
        with CaptureQueriesContext(connection) as api:
            assert lead_api.get("/api/v1/surveys/responses/").status_code == 200
        with CaptureQueriesContext(connection) as page:
            assert lead_page.get("/surveys/teams/it/").status_code == 200
        return len(api), len(page)

    answer(1)
    few = counts()
    answer(6)
    many = counts()

    assert many == few
