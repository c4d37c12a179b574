"""Who sees which article, the same on the selector, the pages and the API: an employee
(alice), an agent of the owning team (it.agent), an agent of another team (hr.agent), the
owning team's lead (it.lead) and a service admin. Out of reach is a 404."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from knowledge import services
from knowledge.selectors import articles_for_listing, articles_visible_to

ARTICLES = ("it_everyone", "it_agents", "it_team", "it_draft", "hr_team")

# Which of ARTICLES each persona may open.
VISIBLE = {
    "alice": {"it_everyone"},
    "it_agent": {"it_everyone", "it_agents", "it_team", "it_draft"},
    "hr_agent": {"it_everyone", "it_agents", "hr_team"},
    "it_lead": {"it_everyone", "it_agents", "it_team", "it_draft"},
    "admin": set(ARTICLES),
}
# What each persona finds as a reader (published only).
LISTED = {persona: names - {"it_draft"} for persona, names in VISIBLE.items()}


def _names(kb, ids) -> set[str]:
    return {name for name in ARTICLES if getattr(kb, name).pk in set(ids)}


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_the_selector_gives_each_persona_exactly_their_articles(kb, world, persona):
    user = getattr(world, persona)
    assert _names(kb, articles_visible_to(user=user).values_list("pk", flat=True)) == VISIBLE[persona]
    assert _names(kb, [a.pk for a in articles_for_listing(user=user)]) == LISTED[persona]


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_the_article_page_is_a_404_out_of_reach(kb, world, persona):
    client = Client()
    client.force_login(getattr(world, persona))
    answers = {name: client.get(reverse("kb-article", args=[getattr(kb, name).pk])).status_code
               for name in ARTICLES}
    assert {name for name, code in answers.items() if code == 200} == VISIBLE[persona]
    assert {code for name, code in answers.items() if name not in VISIBLE[persona]} <= {404}


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_the_api_lists_and_retrieves_only_what_the_persona_may_see(kb, world, persona):
    client = APIClient()
    client.force_authenticate(getattr(world, persona))
    listed = client.get("/api/v1/kb/articles/").json()["results"]
    assert _names(kb, [row["id"] for row in listed]) == VISIBLE[persona]
    for name in ARTICLES:
        code = client.get(f"/api/v1/kb/articles/{getattr(kb, name).pk}/").status_code
        assert code == (200 if name in VISIBLE[persona] else 404), name


def test_the_kb_home_lists_only_published_articles_the_reader_may_see(kb, world):
    client = Client()
    client.force_login(world.hr_agent)
    page = client.get(reverse("kb-home")).content.decode()
    assert "VPN 无法连接的排查步骤" in page and "Reset a token" in page and "Payroll runbook" in page
    assert "IT admin passwords" not in page and "Printer draft" not in page


def test_an_archived_article_is_a_404_for_readers_but_stays_with_its_team(kb, world):
    services.article_archive(article=kb.it_everyone, actor=world.it_lead)
    url = reverse("kb-article", args=[kb.it_everyone.pk])
    reader, writer = Client(), Client()
    reader.force_login(world.alice)
    writer.force_login(world.it_agent)
    assert reader.get(url).status_code == 404
    assert writer.get(url).status_code == 200


def test_a_reader_never_sees_the_pending_draft_of_a_published_article(kb, world):
    services.article_edit(article=kb.it_everyone, actor=world.it_agent, body="SECRET DRAFT TEXT")
    client = APIClient()
    client.force_authenticate(world.alice)
    data = client.get(f"/api/v1/kb/articles/{kb.it_everyone.pk}/").json()
    assert data["pending"] == [] and "SECRET" not in data["body"]
    page = Client()
    page.force_login(world.alice)
    assert "SECRET DRAFT TEXT" not in page.get(reverse("kb-article", args=[kb.it_everyone.pk])).content.decode()
    writer = APIClient()
    writer.force_authenticate(world.it_agent)
    assert writer.get(f"/api/v1/kb/articles/{kb.it_everyone.pk}/").json()["pending"][0]["body"] == "SECRET DRAFT TEXT"
