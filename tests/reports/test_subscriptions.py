"""Report subscriptions: the summary mail of each period goes out once, even with two beats
at the same moment; in the subscriber's language, linking back to the report with the
period; never to a subscriber who lost the right to see the report; and the pages to
subscribe and to stop."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboxMessage
from notifications.services import deliver_outbox
from reports.models import ReportSend, ReportSubscription, RollupState
from reports.rollup import STATE_NAME
from reports.subscriptions import subscription_create, subscription_period, subscriptions_send_due
from teams.models import Membership
from tests.factories import UserFactory
from tests.threads import Threads

# Monday 5 October 2026, 09:00 in Shanghai: last week is 28 September – 4 October.
NOW = dt.datetime(2026, 10, 5, 1, 0, tzinfo=dt.UTC)
LAST_WEEK = ("2026-09-28", "2026-10-04")


@pytest.fixture
def rolled_up(settings):
    """The rollups complete to NOW (what the beat waits for before sending a period)."""
    settings.REPORT_TIME_ZONE = "Asia/Shanghai"
    RollupState.objects.update_or_create(name=STATE_NAME, defaults={"as_of": NOW, "time_zone": "Asia/Shanghai"})


def _emails(user):
    return OutboxMessage.objects.filter(recipient=user, event="report_summary", channel="email")


def test_the_periods_are_last_week_and_last_month():
    today = dt.date(2026, 10, 5)
    weekly = subscription_period("weekly", today)
    assert (weekly.first, weekly.last) == (dt.date(2026, 9, 28), dt.date(2026, 10, 4))
    monthly = subscription_period("monthly", dt.date(2026, 3, 1))
    assert (monthly.first, monthly.last) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def test_a_due_subscription_is_sent_once_in_the_subscribers_language(world, rolled_up, settings):
    settings.SITE_URL = "https://desk.example.com"
    world.it_lead.language = "zh-hans"
    world.it_lead.save(update_fields=["language"])
    subscription = subscription_create(user=world.it_lead, team=world.it, frequency="weekly")
    assert subscription.language == "zh-hans"

    assert subscriptions_send_due(now=NOW) == 1
    assert subscriptions_send_due(now=NOW) == 0  # the same period again: nothing more
    assert subscriptions_send_due(now=NOW + dt.timedelta(days=3)) == 0

    message = _emails(world.it_lead).get()
    assert message.subject == f"IT Support：周报，{LAST_WEEK[0]} 至 {LAST_WEEK[1]}"
    assert message.url == f"/reports/teams/it/?from={LAST_WEEK[0]}&to={LAST_WEEK[1]}"
    assert "首次响应：达标率：—（n = 0）" in message.body
    assert f"https://desk.example.com/reports/subscriptions/{subscription.pk}/stop/" in message.body

    # Delivered as HTML and text, with the links
    deliver_outbox(now=timezone.now())
    email = next(m for m in mail.outbox if m.to == [world.it_lead.email])
    html = email.alternatives[0][0]
    assert f'href="https://desk.example.com/reports/teams/it/?from={LAST_WEEK[0]}&amp;to={LAST_WEEK[1]}"' in html
    assert "打开报表" in html and "您收到这封邮件，是因为您订阅了此报表。" in html
    assert f"https://desk.example.com/reports/subscriptions/{subscription.pk}/stop/" in email.body

    # The next week's comes the next Monday
    RollupState.objects.filter(name=STATE_NAME).update(as_of=NOW + dt.timedelta(days=7))
    assert subscriptions_send_due(now=NOW + dt.timedelta(days=7)) == 1
    assert list(ReportSend.objects.order_by("period_start").values_list("period_start", flat=True)) == [
        dt.date(2026, 9, 28), dt.date(2026, 10, 5)]


def test_nothing_is_sent_before_the_rollups_cover_the_period(world, rolled_up):
    RollupState.objects.filter(name=STATE_NAME).update(as_of=NOW - dt.timedelta(hours=10))  # Sunday 23:00 in Shanghai
    subscription_create(user=world.it_lead, team=world.it, frequency="weekly")
    assert subscriptions_send_due(now=NOW) == 0
    assert not ReportSend.objects.exists()


def test_a_subscriber_who_lost_the_report_gets_nothing(world, rolled_up):
    subscription_create(user=world.it_lead, team=world.it, frequency="monthly")
    Membership.objects.filter(user=world.it_lead, team=world.it).update(role=Membership.Role.AGENT)
    assert subscriptions_send_due(now=NOW) == 0
    assert ReportSend.objects.get().skipped == "not allowed"
    assert not _emails(world.it_lead).exists()


def test_a_department_head_gets_their_departments_report(world, rolled_up):
    head = UserFactory(username="finance.head")
    world.finance.head = head
    world.finance.save()
    subscription_create(user=head, department=world.finance, frequency="weekly")
    assert subscriptions_send_due(now=NOW) == 1
    assert _emails(head).get().url == f"/reports/departments/finance/?from={LAST_WEEK[0]}&to={LAST_WEEK[1]}"


@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_send_each_period_once(world, rolled_up):
    # Given two subscriptions due
    subscription_create(user=world.it_lead, team=world.it, frequency="weekly")
    subscription_create(user=world.admin, team=world.hr, frequency="monthly")
    threads = Threads()
    barrier = threads.barrier(2)

    def beat():
        barrier.wait()
        return subscriptions_send_due(now=NOW)

    # When two beats send at the same moment
    threads.start(beat)
    threads.start(beat)
    results = threads.join()

    # Then each period went out once
    assert sum(results) == 2
    assert ReportSend.objects.count() == 2
    assert _emails(world.it_lead).count() == 1 and _emails(world.admin).count() == 1


# --- pages -----------------------------------------------------------------------------------


def test_a_lead_subscribes_and_stops_on_the_page(world, client):
    client.force_login(world.it_lead)
    page = client.get(reverse("report-subscriptions"))
    assert page.status_code == 200
    assert f'value="team:{world.it.pk}"' in page.content.decode()
    assert f'value="team:{world.hr.pk}"' not in page.content.decode()  # not theirs
    response = client.post(reverse("report-subscriptions"), {"report": f"team:{world.it.pk}", "frequency": "weekly"})
    assert response.status_code == 302
    subscription = ReportSubscription.objects.get(user=world.it_lead)
    assert (subscription.team, subscription.frequency, subscription.active) == (world.it, "weekly", True)
    # someone else's report is refused
    refused = client.post(reverse("report-subscriptions"), {"report": f"team:{world.hr.pk}", "frequency": "weekly"})
    assert refused.status_code == 200 and ReportSubscription.objects.count() == 1

    stop = reverse("report-subscription-stop", args=[subscription.pk])
    assert client.get(stop).status_code == 200
    client.force_login(world.admin)
    assert client.get(stop).status_code == 404 and client.post(stop).status_code == 404
    client.force_login(world.it_lead)
    assert client.post(stop).status_code == 302
    subscription.refresh_from_db()
    assert not subscription.active


def test_people_without_reports_find_no_subscription_page(world, client):
    client.force_login(world.it_agent)
    assert client.get(reverse("report-subscriptions")).status_code == 404
