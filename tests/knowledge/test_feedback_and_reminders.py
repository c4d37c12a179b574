"""Readers' feedback per revision, "report out of date" reaching the owner in the owner's
language, and the weekly review reminder sent once per week per article."""

import datetime as dt

from django.test import Client
from django.urls import reverse

from knowledge import services
from knowledge.models import ArticleFeedback, RevisionStatus
from notifications.models import OutboxMessage


def _live(article):
    return article.revisions.get(status=RevisionStatus.PUBLISHED)


def test_a_reader_s_vote_is_kept_per_revision_and_can_change(kb, world, clock):
    revision = _live(kb.it_everyone)
    services.article_feedback(revision=revision, user=world.alice, helpful=True)
    services.article_feedback(revision=revision, user=world.alice, helpful=False, comment="Step 2 fails.")
    votes = list(ArticleFeedback.objects.filter(revision=revision).values_list("user__username", "kind", "comment"))
    assert votes == [("alice", "not_helpful", "Step 2 fails.")]


def test_the_helpful_button_on_the_page_records_the_vote_on_the_live_revision(kb, world, clock):
    client = Client()
    client.force_login(world.bob)
    revision = _live(kb.it_everyone)
    client.post(reverse("kb-article-feedback", args=[kb.it_everyone.pk]),
                {"revision": revision.pk, "helpful": "yes", "comment": ""})
    assert ArticleFeedback.objects.get().kind == "helpful"
    # a draft revision takes no feedback: 404, nothing written
    services.article_edit(article=kb.it_everyone, actor=world.it_agent, body="Draft")
    draft = kb.it_everyone.revisions.get(status=RevisionStatus.DRAFT)
    response = client.post(reverse("kb-article-feedback", args=[kb.it_everyone.pk]),
                           {"revision": draft.pk, "helpful": "no"})
    assert response.status_code == 404 and ArticleFeedback.objects.count() == 1


def test_report_outdated_notifies_the_owner_once_in_the_owner_s_language(kb, world, clock):
    world.it_agent.language = "zh-hans"
    world.it_agent.save()
    revision = _live(kb.it_everyone)

    services.article_report_outdated(revision=revision, user=world.alice, comment="The client changed.")
    services.article_report_outdated(revision=revision, user=world.alice, comment="again")

    messages = OutboxMessage.objects.filter(event="kb_outdated")
    assert {m.recipient_id for m in messages} == {world.it_agent.pk}
    assert messages.filter(channel="in_app").count() == 1
    message = messages.get(channel="in_app")
    assert message.subject.startswith(f"[KB-{kb.it_everyone.pk}]") and "过时" in message.subject
    assert message.url == reverse("kb-article", args=[kb.it_everyone.pk])
    assert ArticleFeedback.objects.filter(kind="outdated").count() == 1


def test_the_review_reminder_goes_once_a_week_per_article(kb, world, clock):
    services.article_edit(article=kb.it_everyone, actor=world.it_lead, review_by=dt.date(2026, 3, 1))
    services.article_edit(article=kb.it_agents, actor=world.it_lead, review_by=dt.date(2026, 3, 31))

    assert services.article_review_reminders_send() == 1
    assert services.article_review_reminders_send() == 0  # the same week: nothing more
    clock.advance(days=6, hours=23)
    assert services.article_review_reminders_send() == 0
    clock.advance(hours=1)
    assert services.article_review_reminders_send() == 1  # a week later, reminded again

    reminders = OutboxMessage.objects.filter(event="kb_review_due", channel="in_app")
    assert [m.recipient_id for m in reminders] == [world.it_agent.pk, world.it_agent.pk]
    assert all(f"KB-{kb.it_everyone.pk}" in m.subject for m in reminders)


def test_a_new_review_date_clears_the_reminder_and_archived_articles_are_not_reminded(kb, world, clock):
    services.article_edit(article=kb.it_everyone, actor=world.it_lead, review_by=dt.date(2026, 3, 1))
    services.article_archive(article=kb.it_team, actor=world.it_lead)
    services.article_edit(article=kb.it_team, actor=world.it_lead, review_by=dt.date(2026, 3, 1))
    assert services.article_review_reminders_send() == 1
    services.article_edit(article=kb.it_everyone, actor=world.it_lead, review_by=dt.date(2026, 3, 2))
    assert services.article_review_reminders_send() == 1  # the new date has passed too: reminded for it


def test_the_celery_beat_schedule_has_the_weekly_reminder(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["kb-review-reminders"]
    assert entry["task"] == "knowledge.tasks.send_review_reminders"
    from knowledge import tasks

    assert tasks.send_review_reminders.name == entry["task"]
