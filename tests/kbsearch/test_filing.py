"""Suggestions while filing: the suggestions box of the new-request page, "This solved it"
(a deflection, recorded once per filing session), the suggestions shown kept on the ticket
when the requester files anyway, and the same through the API."""

import uuid

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kbsearch.models import Deflection
from knowledge.models import ArticleTicketLink, Visibility
from tests.kbsearch.cases import publish
from tickets.models import Ticket


@pytest.fixture
def vpn(world):
    return publish(team=world.it, language="zh-hans", title="VPN 无法连接的排查步骤",
                   body="检查网络，退出后重新登录客户端。", service_items=[world.laptop])


@pytest.fixture
def team_only(world):
    return publish(team=world.it, language="zh-hans", title="VPN 服务器维护手册", body="仅限 IT 团队。",
                   visibility=Visibility.TEAM)


def api(user):
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_the_new_request_page_asks_for_suggestions_as_the_title_is_typed(client, world):
    client.force_login(world.alice)

    html = client.get(f"/catalog/{world.laptop.pk}/new/").content.decode()

    assert f'hx-get="/kb/suggest/?service_item={world.laptop.pk}"' in html
    assert 'hx-trigger="load, input changed delay:400ms"' in html
    assert 'id="kb-suggestions"' in html and 'name="filing_session"' in html


def test_suggestions_show_visible_articles_highlighted(client, world, vpn, team_only):
    client.force_login(world.alice)

    html = client.get("/kb/suggest/", {"title": "VPN 连不上", "service_item": world.laptop.pk}).content.decode()

    assert "<mark>VPN</mark> 无法连接的排查步骤" in html
    assert f'formaction="/kb/articles/{vpn.pk}/deflect/"' in html
    assert f'name="kb_suggested" value="{vpn.pk}"' in html
    assert "维护手册" not in html  # the IT team's own article is out of alice's reach


def test_no_suggestions_for_an_empty_title(client, world, vpn):
    client.force_login(world.alice)

    assert client.get("/kb/suggest/", {"title": ""}).content.decode().strip() == ""


def test_this_solved_it_records_one_deflection_per_filing_session(client, world, vpn):
    client.force_login(world.alice)
    session = str(uuid.uuid4())
    form = {"filing_session": session, "service_item": world.laptop.pk, "title": "VPN 连不上"}

    first = client.post(f"/kb/articles/{vpn.pk}/deflect/", form)
    again = client.post(f"/kb/articles/{vpn.pk}/deflect/", form)

    assert first.status_code == again.status_code == 302
    deflection = Deflection.objects.get()
    assert (deflection.user, deflection.article, deflection.service_item, deflection.team) == (
        world.alice, vpn, world.laptop, world.it)
    assert not Ticket.objects.exists()


def test_a_new_filing_session_counts_again(client, world, vpn):
    client.force_login(world.alice)
    for _attempt in range(2):
        client.post(f"/kb/articles/{vpn.pk}/deflect/", {"filing_session": str(uuid.uuid4())})

    assert Deflection.objects.filter(user=world.alice, article=vpn).count() == 2


def test_this_solved_it_on_an_article_out_of_reach_is_a_404_and_records_nothing(client, world, team_only):
    client.force_login(world.alice)

    response = client.post(f"/kb/articles/{team_only.pk}/deflect/", {"filing_session": str(uuid.uuid4())})

    assert response.status_code == 404
    assert not Deflection.objects.exists()


def test_this_solved_it_without_a_valid_filing_session_is_refused(client, world, vpn):
    client.force_login(world.alice)

    response = client.post(f"/kb/articles/{vpn.pk}/deflect/", {"filing_session": "not-a-uuid"})

    assert response.status_code == 400
    assert not Deflection.objects.exists()


def test_filing_anyway_keeps_the_suggestions_shown_on_the_ticket(client, world, vpn, team_only):
    client.force_login(world.alice)

    response = client.post(f"/catalog/{world.laptop.pk}/new/", {
        "title": "VPN 连不上", "description": "Still broken.", "priority": "", "field_asset_tag": "LT-9",
        "filing_session": str(uuid.uuid4()), "kb_suggested": [str(vpn.pk), str(team_only.pk), "junk"],
    })

    assert response.status_code == 302, response.content.decode()[:500]
    ticket = Ticket.objects.get()
    links = list(ArticleTicketLink.objects.filter(ticket=ticket).values_list("article_id", "how"))
    assert links == [(vpn.pk, ArticleTicketLink.How.SUGGESTED)]  # never an article alice may not see
    assert not Deflection.objects.exists()


def test_api_suggest_answers_visible_articles_with_the_service_items_first(world, vpn, team_only):
    other = publish(team=world.it, language="en", title="VPN client download", body="")

    answer = api(world.alice).get("/api/v1/kb/suggest/", {"q": "vpn", "service_item": world.laptop.pk})

    assert answer.status_code == 200
    assert [row["id"] for row in answer.json()] == [vpn.pk, other.pk]
    assert answer.json()[0]["for_service_item"] is True
    assert answer.json()[0]["title_html"] == "<mark>VPN</mark> 无法连接的排查步骤"
    assert team_only.pk in {row["id"] for row in api(world.it_agent).get("/api/v1/kb/suggest/", {"q": "vpn"}).json()}


def test_api_solved_records_once_per_session(world, vpn):
    client = api(world.alice)
    body = {"filing_session": str(uuid.uuid4()), "service_item": world.laptop.pk}

    first = client.post(f"/api/v1/kb/articles/{vpn.pk}/solved/", body, format="json")
    again = client.post(f"/api/v1/kb/articles/{vpn.pk}/solved/", body, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and again.json()["created"] is False
    assert Deflection.objects.count() == 1


def test_api_solved_refuses_a_session_that_is_not_a_uuid_string(world, vpn):
    answer = api(world.alice).post(f"/api/v1/kb/articles/{vpn.pk}/solved/", {"filing_session": 123},
                                   format="json")

    assert answer.status_code == 400 and "filing_session" in answer.json()["errors"]
    assert not Deflection.objects.exists()


def test_the_agent_sees_on_the_ticket_page_what_was_suggested_while_filing(client, world, vpn):
    client.force_login(world.alice)
    client.post(f"/catalog/{world.laptop.pk}/new/", {
        "title": "VPN 连不上", "description": "", "priority": "", "field_asset_tag": "LT-9",
        "filing_session": str(uuid.uuid4()), "kb_suggested": [str(vpn.pk)],
    })
    ticket = Ticket.objects.get()
    client.force_login(world.it_agent)

    html = client.get(f"/tickets/{ticket.pk}/").content.decode()

    assert "Suggested to the requester while filing:" in html
    assert f'<a href="/kb/articles/{vpn.pk}/" lang="zh-hans">VPN 无法连接的排查步骤</a>' in html
