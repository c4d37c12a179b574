"""The leads' daily digest: each lead's queue counts in the words of the SLA vocabulary (the
same counts as the queue's tabs). It reads the queues, so it sits above the ticket
selectors; the rest of the notifications app sits below the ticket services."""

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from teams.models import Membership
from tickets.selectors import queue_counts

from .models import Preference
from .services import LEAD_DIGEST, Message, enqueue_many


def lead_digests_enqueue(*, now: dt.datetime | None = None) -> int:
    """Write today's digest for every lead who asked for one (a preference other than
    "not at all"; leads get no digest unless they opt in). Keyed by date, so a second
    run on the same day adds nothing."""
    now = now or timezone.now()
    wanted = Preference.objects.filter(event=LEAD_DIGEST).exclude(delivery=Preference.Delivery.NONE)
    leads = (
        Membership.objects.filter(role=Membership.Role.LEAD, user__in=wanted.values("user"), team__is_active=True)
        .select_related("user", "team")
    )
    messages = []
    for membership in leads:
        counts = queue_counts(team_id=membership.team_id, user=membership.user, now=now)
        with translation.override(membership.user.language or settings.LANGUAGE_CODE):
            subject = _("%(team)s: your queue today") % {"team": membership.team.tr("name")}
            body = _(
                "Open: %(open)d · new and unassigned: %(unassigned)d · at risk: %(at_risk)d · "
                "breached: %(breached)d · waiting on requester: %(pending)d"
            ) % counts
        messages.append(Message(
            recipients=[membership.user], event=LEAD_DIGEST, ticket=None,
            key=f"digest:{membership.team_id}:{now.date().isoformat()}",
            subject=subject.replace("%", "%%"), body=body.replace("%", "%%"),
        ))
    return enqueue_many(messages)
