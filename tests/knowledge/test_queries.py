"""The knowledge base's lists cost the same few queries however many articles they show."""

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from knowledge import services


def _publish_many(world, n):
    for i in range(n):
        article = services.article_create(actor=world.it_agent, team=world.it, language="en", title=f"Article {i}",
                                          body="Text.", service_items=[world.laptop], tags=["t"])
        services.article_edit(article=article, actor=world.it_agent, language="zh-hans", title=f"文章 {i}")
        services.article_submit(article=article, actor=world.it_agent)
        services.article_publish(article=article, actor=world.it_lead)


def test_the_api_list_costs_the_same_for_3_and_for_12_articles(world, clock, django_assert_max_num_queries):
    client = APIClient()
    client.force_authenticate(world.it_agent)
    _publish_many(world, 3)
    with django_assert_max_num_queries(8) as few:
        assert len(client.get("/api/v1/kb/articles/").json()["results"]) == 3
    _publish_many(world, 9)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/kb/articles/").json()["results"]) == 12


def test_the_kb_home_costs_the_same_for_3_and_for_10_articles(world, clock, django_assert_max_num_queries):
    client = Client()
    client.force_login(world.alice)
    _publish_many(world, 3)
    client.get(reverse("kb-home"))  # the session and the user, once
    with django_assert_max_num_queries(12) as few:
        assert client.get(reverse("kb-home")).status_code == 200
    _publish_many(world, 7)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("kb-home"))
    assert page.content.decode().count('class="kb-title"') == 10
