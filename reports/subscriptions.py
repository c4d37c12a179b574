"""Report subscriptions: a lead, a service admin or a department head asks for a weekly
(last Monday–Sunday) or monthly (last calendar month) summary mail of a report they may see
(reports.access). The beat (`subscriptions_send_due`) sends each due period once, even with
two beats running: the (subscription, period) row is inserted in the same transaction as the
mail's outbox rows, before anything goes out, and a second beat that tries to insert it too
waits for the first to commit and then finds it there. Whether the subscriber may still see
the report is checked at that moment: one who lost the right gets nothing.

The mail goes through the notifications outbox (event "report_summary", HTML and text), in
the subscriber's language, and links back to the report page with the period's query and
to the page where the subscription is stopped.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.services import REPORT_SUMMARY, Message, enqueue_many
from servicedesk.exceptions import ApplicationError
from teams.models import Department, Team, User

from . import definitions as d
from .access import report_departments, report_teams
from .export import display_value
from .models import ReportSend, ReportSubscription
from .rollup import report_zone, rollup_as_of
from .selectors import ReportScope, report_summary
from .tables import summary_table


def subscription_period(frequency: str, today: dt.date) -> d.Period:
    """The last complete period before `today`: Monday–Sunday of last week, or last month."""
    if frequency == ReportSubscription.Frequency.WEEKLY:
        return d.last_week(today)
    last = today.replace(day=1) - dt.timedelta(days=1)
    return d.Period(last.replace(day=1), last)


def subscription_allowed(*, user: User, team: Team | None = None, department: Department | None = None) -> bool:
    """Whether the user may (still) see the report subscribed to."""
    if not user.is_active:
        return False
    if team is not None:
        return report_teams(user=user).filter(pk=team.pk).exists()
    return department is not None and report_departments(user=user).filter(pk=department.pk).exists()


@transaction.atomic
def subscription_create(*, user: User, frequency: str, team: Team | None = None,
                        department: Department | None = None) -> ReportSubscription:
    """Subscribe the user to a report they may see (again, when they had stopped), in their
    language."""
    if (team is None) == (department is None):
        raise ApplicationError(_("Choose one report."))
    if frequency not in ReportSubscription.Frequency.values:
        raise ApplicationError(_("Choose weekly or monthly."))
    if not subscription_allowed(user=user, team=team, department=department):
        raise ApplicationError(_("You cannot see this report."))
    subscription, _created = ReportSubscription.objects.update_or_create(
        user=user, team=team, department=department, frequency=frequency,
        defaults={"active": True, "language": user.language or settings.LANGUAGE_CODE},
        create_defaults={"active": True, "language": user.language or settings.LANGUAGE_CODE,
                         "created_at": timezone.now()},
    )
    return subscription


@transaction.atomic
def subscription_stop(*, subscription: ReportSubscription) -> None:
    ReportSubscription.objects.filter(pk=subscription.pk).update(active=False)


def report_path(subscription: ReportSubscription, period: d.Period) -> str:
    """The report page of the subscription with the period's filters."""
    query = urlencode({"from": period.first.isoformat(), "to": period.last.isoformat()})
    if subscription.team_id:
        path = reverse("report-team", kwargs={"team_slug": subscription.team.slug})
    else:
        path = reverse("report-department", kwargs={"department_code": subscription.department.code})
    return f"{path}?{query}"


def _summary_message(subscription: ReportSubscription, period: d.Period, now: dt.datetime) -> Message:
    """The mail of one period, written in the subscription's language."""
    if subscription.team_id:
        scope = ReportScope(team_ids=(subscription.team_id,))
    else:
        scope = ReportScope(department_id=subscription.department_id)
    url = report_path(subscription, period)
    stop_url = settings.SITE_URL + reverse("report-subscription-stop", args=[subscription.pk])
    with translation.override(subscription.language or settings.LANGUAGE_CODE):
        report = (subscription.team or subscription.department).tr("name")
        table = summary_table(report_summary(scope=scope, period=period, now=now))
        values = {"report": report, "first": period.first.isoformat(), "last": period.last.isoformat()}
        if subscription.frequency == ReportSubscription.Frequency.WEEKLY:
            subject = _("%(report)s: weekly report, %(first)s to %(last)s") % values
        else:
            subject = _("%(report)s: monthly report, %(first)s to %(last)s") % values
        lines = [_("Service quality of %(report)s from %(first)s to %(last)s (days in %(zone)s):")
                 % {**values, "zone": report_zone()}, ""]
        for row, kind in zip(table.rows, table.row_kinds, strict=True):
            figure = {"figure": str(row[0]), "value": display_value(row[1], kind), "n": row[2]}
            if row[2] is None:
                lines.append(_("%(figure)s: %(value)s") % figure)
            else:
                lines.append(_("%(figure)s: %(value)s (n = %(n)d)") % figure)
        lines += ["", _("Open the report: %(url)s") % {"url": settings.SITE_URL + url},
                  _("Stop this subscription: %(url)s") % {"url": stop_url}]
        body = "\n".join(lines)
        in_app = _("The report of %(first)s to %(last)s is ready.") % values
    # enqueue_many formats the texts once more (for tickets' placeholders): keep a "%" a "%".
    return Message(recipients=[subscription.user], event=REPORT_SUMMARY, ticket=None,
                   key=f"report-summary:{subscription.pk}:{period.first.isoformat()}",
                   subject=subject.replace("%", "%%"), body=body.replace("%", "%%"), url=url,
                   in_app_body=in_app.replace("%", "%%"))


def subscription_send(*, subscription: ReportSubscription, period: d.Period, now: dt.datetime) -> bool:
    """Send one period of one subscription, once: returns whether this call wrote the mail."""
    with transaction.atomic():
        send, created = ReportSend.objects.get_or_create(
            subscription=subscription, period_start=period.first,
            defaults={"period_end": period.last, "created_at": now})
        if not created:
            return False
        if not subscription_allowed(user=subscription.user, team=subscription.team,
                                    department=subscription.department):
            ReportSend.objects.filter(pk=send.pk).update(skipped="not allowed")
            return False
        enqueue_many([_summary_message(subscription, period, now)])
    return True


def subscriptions_send_due(*, now: dt.datetime | None = None) -> int:
    """Send every active subscription whose last period is over, rolled up, and not sent
    yet; returns how many mails were written."""
    now = now or timezone.now()
    zone = report_zone()
    today = d.local_day(now, zone)
    as_of = rollup_as_of()
    sent = 0
    subscriptions = (ReportSubscription.objects.filter(active=True)
                     .select_related("user", "team", "department").order_by("pk"))
    for subscription in subscriptions:
        period = subscription_period(subscription.frequency, today)
        if as_of is None or as_of < d.day_range(period.first, period.last, zone)[1]:
            continue  # the rollups do not cover the whole period yet
        if ReportSend.objects.filter(subscription=subscription, period_start=period.first).exists():
            continue
        sent += subscription_send(subscription=subscription, period=period, now=now)
    return sent
