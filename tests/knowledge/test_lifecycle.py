"""Draft → in review → published → archived, changes requested back to draft, and
revisions that never change: a published text stays live while the next is written."""

import pytest
from django.db import IntegrityError, transaction

from knowledge import services
from knowledge.models import Article, ArticleRevision, ArticleStatus, RevisionStatus, Visibility
from knowledge.selectors import published_articles_visible_to
from servicedesk.exceptions import ApplicationError


def _live(article):
    return ArticleRevision.objects.get(article=article, status=RevisionStatus.PUBLISHED)


def test_an_article_goes_from_draft_through_review_to_published(world, clock):
    article = services.article_create(actor=world.it_agent, team=world.it, language="en", title="Printer jam",
                                      body="Open tray 2.")
    assert article.status == ArticleStatus.DRAFT
    assert not published_articles_visible_to(user=world.alice).filter(pk=article.pk).exists()

    services.article_submit(article=article, actor=world.it_agent)
    article.refresh_from_db()
    assert article.status == ArticleStatus.IN_REVIEW
    assert article.revisions.get().status == RevisionStatus.IN_REVIEW

    services.article_publish(article=article, actor=world.it_lead)
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.published_at == clock.at
    assert _live(article).reviewed_by == world.it_lead
    assert published_articles_visible_to(user=world.alice).filter(pk=article.pk).exists()


def test_the_published_text_stays_live_while_the_next_draft_is_written_and_reviewed(kb, world, clock):
    article = kb.it_everyone
    first = _live(article)
    clock.advance(days=1)

    draft = services.article_edit(article=article, actor=world.it_agent, language="zh-hans",
                                  title="VPN 无法连接的排查步骤（新版）", body="1. 检查网络\n2. 更新客户端")
    services.article_submit(article=article, actor=world.it_agent)

    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED  # readers still find it
    assert _live(article).pk == first.pk  # and read the old text
    assert _live(article).body == "1. 检查网络\n2. 重新登录"
    draft.refresh_from_db()
    assert draft.status == RevisionStatus.IN_REVIEW

    services.article_publish(article=article, actor=world.it_lead)
    assert _live(article).pk == draft.pk
    first.refresh_from_db()
    assert first.status == RevisionStatus.SUPERSEDED


def test_a_revision_s_text_never_changes_each_edit_writes_a_new_one(kb, world, clock):
    article = kb.it_draft
    original = article.revisions.get()
    snapshot = (original.title, original.body, original.created_at, original.author_id)

    second = services.article_edit(article=article, actor=world.it_agent, body="Second text.")
    third = services.article_edit(article=article, actor=world.it_lead, title="Printer jam, tray 2")

    original.refresh_from_db()
    assert (original.title, original.body, original.created_at, original.author_id) == snapshot
    assert original.status == RevisionStatus.SUPERSEDED
    assert [r.number for r in article.revisions.order_by("number")] == [1, 2, 3]
    assert (second.number, third.number) == (2, 3)
    third.refresh_from_db()
    assert (third.title, third.body, third.status) == ("Printer jam, tray 2", "Second text.", RevisionStatus.DRAFT)


def test_an_edit_that_changes_nothing_writes_no_revision(kb, world):
    assert services.article_edit(article=kb.it_draft, actor=world.it_agent, title="Printer draft") is None
    assert kb.it_draft.revisions.count() == 1


def test_changes_requested_send_the_revision_back_to_draft_with_the_note(kb, world):
    article = kb.it_draft
    services.article_submit(article=article, actor=world.it_agent)
    services.article_request_changes(article=article, actor=world.it_lead, note="Add a screenshot.")
    article.refresh_from_db()
    revision = article.revisions.get()
    assert article.status == ArticleStatus.DRAFT
    assert (revision.status, revision.review_note, revision.reviewed_by) == (
        RevisionStatus.DRAFT, "Add a screenshot.", world.it_lead)
    with pytest.raises(ApplicationError):
        services.article_publish(article=article, actor=world.it_lead)  # not in review any more


def test_only_the_team_lead_or_a_service_admin_publishes(kb, world):
    article = kb.it_draft
    services.article_submit(article=article, actor=world.it_agent)
    for outsider in (world.it_agent, world.hr_agent, world.alice):
        with pytest.raises(ApplicationError) as refused:
            services.article_publish(article=article, actor=outsider)
        assert refused.value.code == "permission_denied"
    article.refresh_from_db()
    assert article.status == ArticleStatus.IN_REVIEW
    services.article_publish(article=article, actor=world.admin)
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED


def test_only_the_team_s_agents_write_its_articles(kb, world):
    with pytest.raises(ApplicationError) as refused:
        services.article_create(actor=world.hr_agent, team=world.it, language="en", title="x", body="y")
    assert refused.value.code == "permission_denied"
    with pytest.raises(ApplicationError):
        services.article_edit(article=kb.it_everyone, actor=world.alice, title="Defaced")
    assert Article.objects.filter(team=world.it).count() == 4
    assert _live(kb.it_everyone).title == "VPN 无法连接的排查步骤"


def test_archiving_takes_an_article_away_from_readers_and_publishing_brings_it_back(kb, world):
    services.article_archive(article=kb.it_everyone, actor=world.it_lead)
    assert not published_articles_visible_to(user=world.alice).filter(pk=kb.it_everyone.pk).exists()
    services.article_publish(article=kb.it_everyone, actor=world.it_lead)
    assert published_articles_visible_to(user=world.alice).filter(pk=kb.it_everyone.pk).exists()


def test_bad_input_names_every_field_and_writes_nothing(world):
    with pytest.raises(ApplicationError) as refused:
        services.article_create(actor=world.it_agent, team=world.it, language="fr", title="  ", body="x",
                                visibility=Visibility.EVERYONE)
    assert set(refused.value.field_errors) == {"title", "language"}
    assert not Article.objects.exists()


def test_a_known_error_publishes_as_an_article_in_one_step(world, clock):
    article = services.article_create_from_problem(
        problem_title="Mail outage: Outlook cannot connect", symptoms="Outlook says disconnected.",
        workaround="Use webmail.", team=world.it, actor=world.it_lead, language="en")
    assert article.status == ArticleStatus.PUBLISHED
    live = _live(article)
    assert "## Symptoms\n\nOutlook says disconnected." in live.body
    assert "## Workaround\n\nUse webmail." in live.body
    assert article.tags == ["known-error"]


def test_a_known_error_from_an_agent_waits_for_the_lead(world, clock):
    article = services.article_create_from_problem(
        problem_title="Printer offline", symptoms="Offline.", workaround="Restart.", team=world.it,
        actor=world.it_agent, language="zh-hans")
    assert article.status == ArticleStatus.IN_REVIEW
    assert article.revisions.get().body == "## 症状\n\nOffline.\n\n## 临时解决方案\n\nRestart."


def test_a_known_error_in_chinese_is_an_article_in_the_script_of_its_text(world, clock):
    world.it_lead.language = "en"
    world.it_lead.save(update_fields=["language"])
    article = services.article_create_from_problem(
        problem_title="螢幕一直閃爍", symptoms="筆電螢幕一直閃爍。", workaround="更新顯示卡驅動程式。", team=world.it,
        actor=world.it_lead)
    revision = article.revisions.get()
    assert revision.language == "zh-hant"
    assert revision.body == "## 症狀\n\n筆電螢幕一直閃爍。\n\n## 暫時解決方案\n\n更新顯示卡驅動程式。"


def test_a_known_error_without_chinese_is_in_the_actor_s_language(world, clock):
    world.it_lead.language = "zh-hans"
    world.it_lead.save(update_fields=["language"])
    article = services.article_create_from_problem(
        problem_title="Printer offline", symptoms="Offline.", workaround="Restart.", team=world.it,
        actor=world.it_lead)
    assert article.revisions.get().language == "zh-hans"
    assert article.revisions.get().body.startswith("## 症状\n\nOffline.")


def test_the_database_refuses_to_change_a_revision_s_text(kb, world):
    revision = kb.it_everyone.revisions.get(status=RevisionStatus.PUBLISHED)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleRevision.objects.filter(pk=revision.pk).update(body="Rewritten in place")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleRevision.objects.filter(pk=revision.pk).update(title="Renamed in place")
    # its status still moves (that is how it is superseded)
    ArticleRevision.objects.filter(pk=revision.pk).update(status=RevisionStatus.SUPERSEDED, title=revision.title)
    revision.refresh_from_db()
    assert (revision.body, revision.status) == ("1. 检查网络\n2. 重新登录", RevisionStatus.SUPERSEDED)
