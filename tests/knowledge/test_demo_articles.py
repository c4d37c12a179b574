"""The demo knowledge base the README tour reads: 《VPN 无法连接的排查步骤》 published for
everyone by IT in three languages, 《显示器闪烁怎么办》 in 简体 (found by 閃爍 in 繁體), a 繁體
HR article, an agents-only one and one in review."""

from io import StringIO

import pytest
from django.core.management import call_command

from knowledge.models import Article, ArticleStatus
from knowledge.selectors import articles_for_listing, pick_revision, review_queue
from teams.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_the_vpn_article_and_its_neighbours_once():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    alice, it_lead = User.objects.get(username="alice"), User.objects.get(username="it.lead")

    listed = list(articles_for_listing(user=alice))
    titles = {pick_revision(a.live_revisions, "zh-hans").title for a in listed}
    assert "VPN 无法连接的排查步骤" in titles and "Resetting a user's MFA enrolment" not in titles
    vpn = next(a for a in listed if pick_revision(a.live_revisions, "zh-hans").title == "VPN 无法连接的排查步骤")
    assert vpn.team.slug == "it" and vpn.visibility == "everyone"
    assert sorted(r.language for r in vpn.live_revisions) == ["en", "zh-hans", "zh-hant"]
    assert any(pick_revision(a.live_revisions, "zh-hant").language == "zh-hant" and a.team.slug == "hr"
               for a in listed)
    assert Article.objects.count() == 6
    assert [a.status for a in review_queue(user=it_lead)] == [ArticleStatus.IN_REVIEW]


def test_the_demo_shows_that_a_traditional_query_finds_a_simplified_article():
    from kbsearch.selectors import search_results

    call_command("seed_demo", stdout=StringIO())
    bob = User.objects.get(username="bob")

    results = search_results(user=bob, q="閃爍", language="zh-hant")

    flicker = [r for r in results if r.revision.title == "显示器闪烁怎么办"]
    assert flicker and flicker[0].revision.language == "zh-hans"
    assert flicker[0].article.visibility == "everyone" and flicker[0].article.status == ArticleStatus.PUBLISHED
    assert "显示器<mark>闪烁</mark>怎么办" == flicker[0].title_html
