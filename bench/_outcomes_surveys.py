"""Satisfaction survey sweep benchmark (issue 17): N due survey invites (default 10,000) on
resolved tickets of N/10 requesters, then one sweep that sends them all (state, mail and
in-app rows in the notifications outbox, written with bulk_create), timed.

`run(args) -> dict` is what `bench/outcomes.py --part surveys` calls; alone:
    .venv/bin/python bench/_outcomes_surveys.py [--invites N]
prints the figures and ends with one JSON line. The database is BENCH_DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/servicedesk_bench); the rows it adds are
removed afterwards.
"""

import argparse
import json
import sys
import time

import _django

TEAM = "bench-surveys"
TARGET_SECONDS = 10.0


def _ensure_django() -> None:
    from django.apps import apps

    if not apps.ready:
        _django.setup()


def _world(requesters: int):
    from teams.models import Membership, Team, User
    from tickets.models import ServiceCategory, ServiceItem

    team, _ = Team.objects.get_or_create(slug=TEAM, defaults={"name": "Bench surveys"})
    lead, _ = User.objects.get_or_create(username="bench.surveys.lead", defaults={"email": "sl@example.com"})
    Membership.objects.get_or_create(user=lead, team=team, defaults={"role": "lead"})
    category, _ = ServiceCategory.objects.get_or_create(name="Bench")
    item, _ = ServiceItem.objects.get_or_create(name="Bench survey item", defaults={"category": category, "team": team})
    existing = {u.username: u for u in User.objects.filter(username__startswith="bench.surveys.r")}
    missing = [User(username=f"bench.surveys.r{n}", email=f"r{n}@example.com",
                    language=("en", "zh-hans", "zh-hant")[n % 3])
               for n in range(requesters) if f"bench.surveys.r{n}" not in existing]
    User.objects.bulk_create(missing)
    people = list(User.objects.filter(username__startswith="bench.surveys.r").order_by("pk")[:requesters])
    return team, item, people


def _load(count: int, team, item, people, now):
    """`count` resolved tickets, each with a survey invite due now."""
    from surveys import tokens
    from surveys.models import SurveyInvite
    from tickets.models import Ticket

    tickets = Ticket.objects.bulk_create(
        Ticket(requester=people[n % len(people)], team=team, service_item=item, title=f"Bench survey {n}",
               status="resolved", resolved_at=now, created_at=now)
        for n in range(count))
    invites = SurveyInvite.objects.bulk_create(
        SurveyInvite(ticket=t, cycle=1, requester_id=t.requester_id, team=team, created_at=now, send_at=now)
        for t in tickets)
    for invite in invites:
        invite.token_hash = tokens.token_hash(
            tokens.make_token(invite_id=invite.pk, ticket_id=invite.ticket_id, cycle=1))
    SurveyInvite.objects.bulk_update(invites, ["token_hash"], batch_size=2000)
    return [t.pk for t in tickets]


def _clean(ticket_ids) -> None:
    from notifications.models import OutboxMessage
    from surveys.models import SurveyInvite
    from tickets.models import Ticket

    OutboxMessage.objects.filter(ticket_id__in=ticket_ids).delete()
    SurveyInvite.objects.filter(ticket_id__in=ticket_ids).delete()
    Ticket.objects.filter(pk__in=ticket_ids).delete()


def run(args) -> dict:
    _ensure_django()
    from django.db import connection
    from django.utils import timezone

    from notifications.models import OutboxMessage
    from surveys.invites import survey_url
    from surveys.models import SurveyInvite, SurveySettings
    from surveys.services import surveys_sweep

    count = getattr(args, "invites", 10_000)
    team, item, people = _world(max(1, count // 10))
    SurveySettings.objects.update_or_create(team=team, defaults={"expiry_days": 7})
    now = timezone.now()
    ticket_ids = _load(count, team, item, people, now)
    try:
        survey_url("warm")  # the URL map is loaded once per worker process, not per sweep
        connection.close()  # the sweep starts on a fresh connection, as a worker's task would
        started = time.perf_counter()
        result = surveys_sweep(now=now)
        seconds = time.perf_counter() - started
        outbox = OutboxMessage.objects.filter(ticket_id__in=ticket_ids, event="survey_invite").count()
        sent = SurveyInvite.objects.filter(ticket_id__in=ticket_ids, state="sent").count()
        again = surveys_sweep(now=now)["sent"]
    finally:
        _clean(ticket_ids)
    return {
        "survey_invites": count, "survey_sent": sent, "survey_outbox_rows": outbox,
        "survey_sweep_seconds": round(seconds, 3), "survey_invites_per_second": round(result["sent"] / seconds, 1),
        "survey_second_sweep_sent": again, "survey_target_seconds": TARGET_SECONDS,
        "survey_within_target": seconds < TARGET_SECONDS,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invites", type=int, default=10_000)
    args = parser.parse_args(argv)
    figures = run(args)
    print(f"survey sweep: {figures['survey_sent']:,} of {figures['survey_invites']:,} due invites sent in "
          f"{figures['survey_sweep_seconds']:.2f} s ({figures['survey_invites_per_second']:,.0f} invites/s), "
          f"{figures['survey_outbox_rows']:,} outbox rows; a second sweep sent {figures['survey_second_sweep_sent']}; "
          f"target < {TARGET_SECONDS:.0f} s: {'met' if figures['survey_within_target'] else 'NOT met'}")
    print(json.dumps(figures))
    return 0 if figures["survey_within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
