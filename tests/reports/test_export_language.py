"""The export and subscription pages, an export's file and the summary mail, read in 简体中文
and 繁體中文, hold no English sentence of our catalog (tests/test_no_english_left.py's check)."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboxMessage
from notifications.services import deliver_outbox
from reports.export_jobs import export_job_build
from reports.models import ExportJob, RollupState
from reports.rollup import STATE_NAME
from reports.subscriptions import subscription_create, subscriptions_send_due
from tests.test_no_english_left import english_left, readable_text

LANGUAGES = ["zh-hans", "zh-hant"]
NOW = dt.datetime(2026, 10, 5, 1, 0, tzinfo=dt.UTC)


def _client(user, language):
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", LANGUAGES)
def test_export_and_subscription_pages_and_files_have_no_english_left(world, language, settings):
    settings.REPORT_TIME_ZONE = "Asia/Shanghai"
    client = _client(world.it_lead, language)
    query = f"team={world.it.pk}&from=2026-09-21&to=2026-09-27"
    jobs = {state: ExportJob.objects.create(requested_by=world.it_lead, table="summary", query=query, format="csv",
                                            language=language, time_zone="Asia/Shanghai", created_at=timezone.now(),
                                            state=state, rows_done=5, rows_total=10)
            for state in ("queued", "running", "failed")}
    done = ExportJob.objects.create(requested_by=world.it_lead, table="summary", query=query, format="csv",
                                    language=language, time_zone="Asia/Shanghai", created_at=timezone.now())
    export_job_build(job_id=done.pk)
    subscription = subscription_create(user=world.it_lead, team=world.it, frequency="weekly")
    pages = [reverse("report-export-job", args=[job.pk]) for job in [*jobs.values(), done]]
    pages += [reverse("report-subscriptions"), reverse("report-subscription-stop", args=[subscription.pk])]
    leaks = {}
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        found = english_left(readable_text(response.content.decode()))
        if found:
            leaks[path] = found
    for table in ("summary", "by_service_item", "tickets"):
        response = client.get(reverse("report-export", kwargs={"table": table, "fmt": "csv"}) + "?" + query)
        found = english_left(response.content.decode("utf-8-sig"))
        if found:
            leaks[table] = found
    assert not leaks


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_summary_mail_has_no_english_left(world, language, settings):
    settings.REPORT_TIME_ZONE = "Asia/Shanghai"
    RollupState.objects.update_or_create(name=STATE_NAME, defaults={"as_of": NOW, "time_zone": "Asia/Shanghai"})
    world.it_lead.language = language
    world.it_lead.save(update_fields=["language"])
    subscription_create(user=world.it_lead, team=world.it, frequency="monthly")
    subscriptions_send_due(now=NOW)
    deliver_outbox(now=timezone.now())
    email = next(m for m in mail.outbox if m.to == [world.it_lead.email])
    in_app = OutboxMessage.objects.get(recipient=world.it_lead, channel="in_app")
    texts = [email.subject, email.body, readable_text(email.alternatives[0][0]), in_app.subject, in_app.body]
    assert not [english_left(text) for text in texts if english_left(text)]
