"""Twelve weeks of past service for the demo's reports: tickets filed, answered, resolved
and closed (some reopened, some answered or resolved late), across every team and the
requesters' departments, with their SLA outcomes and a share of answered surveys.

The history is written as an import from an earlier system would write it — the rows the
reports and the ticket pages read (tickets, their history events, replies, SLA outcomes,
survey invites and responses) — not replayed through the ticket services: replaying twelve
weeks would send the mails, notifications and webhooks of events long past, and take far
longer than `make run` should wait. Seeded random (the same history on every machine), and
written once: its tickets carry a "demo history" mark in their first event.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.utils import timezone

from sla.models import ServiceStandard, SLAClock, SLAOutcome
from surveys.models import SurveyInvite, SurveyResponse
from teams.models import Team, User
from tickets.constants import EventKind, Priority, Status
from tickets.models import Comment, ServiceItem, Ticket, TicketEvent

WEEKS = 12
MARK = "demo history"
ZONE = ZoneInfo("Asia/Shanghai")
REQUESTERS = ("alice", "bob", "carol", "dave", "erin", "frank", "finance.head")
# Tickets per working day by team (a quiet weekend day gets one in four of these).
DAILY = {"it": 3.2, "ops": 1.3, "hr": 1.1, "pmo": 0.5, "training": 0.5}
TITLES = {
    "it": ["Laptop will not start", "VPN disconnects every few minutes", "Cannot print to the 3rd floor printer",
           "New monitor for my desk", "Outlook asks for my password again and again", "Access to the shared drive"],
    "ops": ["Meeting room display is broken", "Desk chair needs repair", "Visitor badge for Thursday",
            "Air conditioning too cold in room 4B"],
    "hr": ["Question about my payslip", "Certificate of employment", "Annual leave balance looks wrong",
           "New starter next Monday"],
    "pmo": ["Set up a new project code", "Monthly project report template"],
    "training": ["Enrol in the Excel course", "Book the training room"],
}
SCORES = (5, 5, 5, 5, 4, 4, 4, 3, 3, 2, 1)


def _minutes(rng: random.Random, target: int, late_share: float) -> int:
    """A duration in business minutes around `target`: mostly well within, `late_share` over."""
    if rng.random() < late_share:
        return int(target * rng.uniform(1.05, 2.5))
    return max(1, int(target * rng.betavariate(1.6, 3.5)))


def _wall(business_minutes: int) -> int:
    """Wall seconds for business minutes on a 9-hour office day (nights and weekends added)."""
    days, rest = divmod(business_minutes, 9 * 60)
    return (days * 24 * 60 + (days // 5) * 2 * 24 * 60 + rest) * 60


def _outcome(ticket: Ticket, standard: ServiceStandard, kind: str, cycle: int, started: dt.datetime,
             target: int, business_minutes: int, total_minutes: int | None = None) -> SLAOutcome:
    """The outcome of one cycle: met when done within the target, else breached at the due
    time and completed when the work was done."""
    wall = _wall(business_minutes)
    stopped = started + dt.timedelta(seconds=wall)
    used = total_minutes if total_minutes is not None else business_minutes
    met = used <= target
    due = started + dt.timedelta(seconds=_wall(target))
    return SLAOutcome(
        ticket=ticket, kind=kind, cycle=cycle, standard=standard, standard_version=standard.version,
        team_id=ticket.team_id, service_item_id=ticket.service_item_id, priority=ticket.priority,
        requester_department_id=ticket.requester_department_id, assignee_id=ticket.assignee_id,
        started_at=started, stopped_at=stopped, due_at=due, target_minutes=target, business_seconds=used * 60,
        wall_seconds=wall, paused_seconds=0, met=met, breached_by_seconds=0 if met else (used - target) * 60,
        decided_at=stopped if met else due, written_at=stopped if met else due)


def _clocks(outcomes: list[SLAOutcome]) -> list[SLAClock]:
    """The stopped clocks the outcomes leave: one per kind and ticket, the resolution's at
    its last cycle (as the clock bookkeeping keeps them)."""
    last: dict[tuple, SLAOutcome] = {}
    for outcome in outcomes:
        last[(id(outcome.ticket), outcome.kind)] = outcome
    return [SLAClock(ticket=o.ticket, kind=o.kind, cycle=o.cycle, standard=o.standard,
                     state=SLAClock.State.MET if o.met else SLAClock.State.BREACHED, target_minutes=o.target_minutes,
                     started_at=o.started_at, consumed_seconds=o.business_seconds, due_at=o.due_at,
                     breached_at=None if o.met else o.due_at, stopped_at=o.stopped_at)
            for o in last.values()]


def seed_history(*, users: dict[str, User], teams: dict[str, Team], now: dt.datetime | None = None) -> int:
    """Write the history unless it is there; the number of tickets written."""
    if TicketEvent.objects.filter(kind=EventKind.CREATED, data__source=MARK).exists():
        return 0
    now = now or timezone.now()
    rng = random.Random(18)
    today = now.astimezone(ZONE).date()
    first = today - dt.timedelta(weeks=WEEKS)
    items = {slug: list(ServiceItem.objects.filter(team=team, is_active=True).order_by("pk"))
             for slug, team in teams.items()}
    agents = {slug: list(User.objects.filter(memberships__team=team).order_by("pk")) for slug, team in teams.items()}
    standards = {team.pk: ServiceStandard.objects.filter(team=team, is_current=True, priority="").first()
                 for team in teams.values()}
    requesters = [users[name] for name in REQUESTERS if name in users]
    plans = []
    day = first
    while day < today - dt.timedelta(days=1):
        weekend = day.weekday() >= 5
        for slug, per_day in DAILY.items():
            count = int(per_day * (0.25 if weekend else 1) + rng.random())
            for _ in range(count):
                if items[slug] and agents[slug] and standards[teams[slug].pk]:
                    filed = dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=ZONE)
                    plans.append((slug, filed))
        day += dt.timedelta(days=1)

    tickets = []
    for slug, filed in plans:
        requester = rng.choice(requesters)
        team = teams[slug]
        tickets.append(Ticket(
            requester=requester, requester_department_id=requester.department_id, team=team,
            service_item=rng.choice(items[slug]), title=rng.choice(TITLES[slug]), description="",
            priority=rng.choice([Priority.P2, Priority.P3, Priority.P3, Priority.P3, Priority.P4]),
            status=Status.CLOSED, assignee=rng.choice(agents[slug]), created_at=filed))

    events, comments, outcomes, invites, answers, kept = [], [], [], [], [], []
    for ticket in tickets:
        # One ticket's rows, kept only when all of them lie in the past.
        rows = ([], [], [], [], [])
        events, comments, outcomes, invites, answers = rows
        slug = next(s for s, t in teams.items() if t.pk == ticket.team_id)
        standard = standards[ticket.team_id]
        agent, filed = ticket.assignee, ticket.created_at
        late = 0.25 if slug == "it" and filed.astimezone(ZONE).date() > today - dt.timedelta(weeks=4) else 0.1
        events.append(TicketEvent(ticket=ticket, actor=ticket.requester, kind=EventKind.CREATED,
                                  data={"source": MARK}, created_at=filed))
        fr_minutes = _minutes(rng, standard.first_response_minutes, late)
        fr = _outcome(ticket, standard, "first_response", 1, filed, standard.first_response_minutes, fr_minutes)
        outcomes.append(fr)
        ticket.first_response_at = fr.stopped_at
        comments.append((Comment(ticket=ticket, author=agent, body="We are looking into it."), fr.stopped_at))
        events.append(TicketEvent(ticket=ticket, actor=agent, kind=EventKind.STATUS,
                                  data={"old": Status.NEW, "new": Status.OPEN}, created_at=fr.stopped_at))
        res_minutes = max(fr_minutes + 5, _minutes(rng, standard.resolution_minutes, late))
        if standard.next_response_minutes and rng.random() < 0.3:
            asked = filed + dt.timedelta(seconds=_wall(fr_minutes + 20))
            comments.append((Comment(ticket=ticket, author=ticket.requester, body="Any news?"), asked))
            nr_minutes = _minutes(rng, standard.next_response_minutes, late)
            nr = _outcome(ticket, standard, "next_response", 1, asked, standard.next_response_minutes, nr_minutes)
            outcomes.append(nr)
            comments.append((Comment(ticket=ticket, author=agent, body="Here is where we stand."), nr.stopped_at))
            res_minutes = max(res_minutes, fr_minutes + 20 + nr_minutes + 5)
        res = _outcome(ticket, standard, "resolution", 1, filed, standard.resolution_minutes, res_minutes)
        outcomes.append(res)
        resolutions = [res.stopped_at]
        if rng.random() < 0.07:  # reopened within a few days, resolved again
            reopened = res.stopped_at + dt.timedelta(hours=rng.randint(4, 96))
            events.append(TicketEvent(ticket=ticket, actor=ticket.requester, kind=EventKind.STATUS,
                                      data={"old": Status.RESOLVED, "new": Status.OPEN}, created_at=reopened))
            again = _minutes(rng, standard.resolution_minutes // 2, late)
            second = _outcome(ticket, standard, "resolution", 2, reopened, standard.resolution_minutes, again,
                              total_minutes=res_minutes + again)
            outcomes.append(second)
            comments.append((Comment(ticket=ticket, author=agent, body="Fixed for good now."), second.stopped_at))
            resolutions.append(second.stopped_at)
            ticket.resolution_cycle = 2
        for at in resolutions:
            events.append(TicketEvent(ticket=ticket, actor=agent, kind=EventKind.STATUS,
                                      data={"old": Status.OPEN, "new": Status.RESOLVED}, created_at=at))
        ticket.resolved_at = resolutions[-1]
        ticket.closed_at = resolutions[-1] + dt.timedelta(days=3)
        if ticket.closed_at > now:
            ticket.status, ticket.closed_at = Status.RESOLVED, None
        else:
            events.append(TicketEvent(ticket=ticket, actor=None, kind=EventKind.STATUS,
                                      data={"old": Status.RESOLVED, "new": Status.CLOSED}, created_at=ticket.closed_at))
        if rng.random() < 0.45:  # surveyed at the last resolution
            sent = resolutions[-1]
            answered = rng.random() < 0.55
            closed = sent + dt.timedelta(hours=5) if answered else sent + dt.timedelta(days=7)
            state = SurveyInvite.State.ANSWERED if answered else SurveyInvite.State.EXPIRED
            if closed > now and not answered:
                state, closed = SurveyInvite.State.SENT, None  # still open to an answer
            invite = SurveyInvite(ticket=ticket, cycle=ticket.resolution_cycle, requester=ticket.requester,
                                  team_id=ticket.team_id, created_at=sent, send_at=sent, sent_at=sent,
                                  expires_at=sent + dt.timedelta(days=7), state=state, closed_at=closed)
            invites.append(invite)
            if answered:
                answers.append((invite, rng.choice(SCORES)))
        if max(event.created_at for event in events) < now - dt.timedelta(hours=1) and all(
                invite.closed_at is None or invite.closed_at < now for invite in invites):
            kept.append((ticket, rows))

    tickets = [ticket for ticket, _rows in kept]
    Ticket.objects.bulk_create(tickets, batch_size=500)
    events, comments, outcomes, invites, answers = ([row for _t, rows in kept for row in rows[n]] for n in range(5))
    TicketEvent.objects.bulk_create(events, batch_size=2000)
    SLAClock.objects.bulk_create(_clocks(outcomes), batch_size=2000)
    saved = Comment.objects.bulk_create([comment for comment, _ in comments], batch_size=2000)
    for comment, (_, at) in zip(saved, comments, strict=True):
        comment.created_at = at
    Comment.objects.bulk_update(saved, ["created_at"], batch_size=2000)  # auto_now_add set them to now
    SLAOutcome.objects.bulk_create(outcomes, batch_size=2000)
    SurveyInvite.objects.bulk_create(invites, batch_size=1000)
    SurveyResponse.objects.bulk_create([
        SurveyResponse(invite=invite, ticket=invite.ticket, cycle=invite.cycle, respondent=invite.requester,
                       score=score, comment="", channel=SurveyResponse.Channel.EMAIL, answered_at=invite.closed_at,
                       editable_until=invite.closed_at + dt.timedelta(days=1), team_id=invite.ticket.team_id,
                       assignee_id=invite.ticket.assignee_id, service_item_id=invite.ticket.service_item_id,
                       priority=invite.ticket.priority)
        for invite, score in answers], batch_size=1000)
    return len(tickets)
