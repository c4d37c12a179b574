"""A known error publishes as a knowledge-base article in one step (the knowledge base's
`article_create_from_problem`): published at once by the team lead, sent for review when an
agent does it; once per problem; recorded in the problem's history."""

import pytest
from django.urls import reverse

from knowledge.models import Article, ArticleStatus
from problems import services
from problems.models import ProblemChange, ProblemStatus
from servicedesk.exceptions import ApplicationError


@pytest.fixture
def known_error(world, clock):
    problem = services.problem_create(actor=world.it_lead, team=world.it, title="Mail relay rejects mail",
                                      symptoms="Outlook: sending failed.", root_cause="Expired certificate.",
                                      workaround="Use webmail.")
    return services.problem_update(problem=problem, actor=world.it_lead, status=ProblemStatus.KNOWN_ERROR)


def test_the_lead_publishes_a_known_error_as_an_article_in_one_step(world, known_error):
    article = services.problem_publish_article(problem=known_error, actor=world.it_lead)

    assert article.status == ArticleStatus.PUBLISHED and article.team == world.it
    change = known_error.changes.last()
    assert change.kind == ProblemChange.Kind.ARTICLE and change.data["article"] == article.pk


def test_an_agents_article_waits_for_the_lead(world, known_error):
    article = services.problem_publish_article(problem=known_error, actor=world.it_agent)

    assert article.status == ArticleStatus.IN_REVIEW


def test_a_problem_publishes_once(world, known_error):
    services.problem_publish_article(problem=known_error, actor=world.it_lead)

    with pytest.raises(ApplicationError):
        services.problem_publish_article(problem=known_error, actor=world.it_lead)

    assert Article.objects.count() == 1


def test_only_a_known_error_with_a_workaround_publishes(world, clock):
    problem = services.problem_create(actor=world.it_lead, team=world.it, title="Still investigating",
                                      workaround="Restart.")

    with pytest.raises(ApplicationError):
        services.problem_publish_article(problem=problem, actor=world.it_lead)

    assert not Article.objects.exists()


def test_the_problem_page_button_publishes_and_links_the_article(world, known_error, page_for):
    client = page_for("it_lead")
    assert "problem-publish-article" in client.get(reverse("problem-detail", args=[known_error.pk])).content.decode()

    response = client.post(reverse("problem-publish-article", args=[known_error.pk]), follow=True)

    article = Article.objects.get()
    assert response.status_code == 200
    assert reverse("kb-article", args=[article.pk]) in response.content.decode()


def test_another_teams_agent_cannot_publish(world, known_error, page_for):
    response = page_for("hr_agent").post(reverse("problem-publish-article", args=[known_error.pk]))

    assert response.status_code == 404
    assert not Article.objects.exists()
