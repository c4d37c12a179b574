"""A small seeded week whose report figures were worked out by hand (tests/reports/
test_known_answers.py writes them down; other report tests — pages, exports, scorecards —
may reuse `seed_known_week` and `KNOWN`).

The week is Monday 2026-09-21 … Sunday 2026-09-27 in Asia/Shanghai (UTC+8); every step
happens between 02:00 and 10:00 UTC, i.e. 10:00–18:00 in Shanghai, on the same date. The
figures are read at NOW, Monday 2026-09-28 10:00 Shanghai. Both teams work round the clock
(business time is wall time, except while a ticket waits on the requester): first response
60 minutes, next response 120, resolution 480.

The tickets (requester's department in brackets; "reply" is a public reply by the agent):

A  IT, alice (Sales), it.agent. Filed Mon 02:00; reply 02:10 (first response met, 600 s);
   resolved 02:30 (resolution met, 1800 s). Survey sent 02:30, answered 5 at 03:00.
   One reply, one cycle: a first-contact resolution.
B  IT, bob (Finance), it.agent. Filed Mon 03:00; reply 03:20 (first response met, 1200 s);
   bob replies 03:30 (a next-response cycle, due 05:30); reply 06:00 (next response breached,
   9000 s); resolved 06:20 (resolution met, 12000 s). Survey sent 06:20, answered 3 at 07:00.
C  IT, alice (Sales), it.lead. Filed Mon 04:00; reply 04:15 (first response met, 900 s);
   waiting on the requester 04:20 … alice replies 05:20 (the clock paused 60 minutes; her
   reply starts a next-response cycle); reply 05:40 (next response met, 1200 s); resolved
   06:40 (resolution met: wall 9600 s, business 9600 − 3600 = 6000 s). Survey sent 06:40,
   answered 4 at 07:30.
D  IT, bob (Finance), it.agent. Filed Mon 05:00; reply 05:05 (first response met, 300 s);
   resolved 05:10 (resolution cycle 1 met, 600 s). Survey sent 05:10, not answered. Bob
   reopens Wed 05:00 (within 7 days: reopened); resolved again Wed 06:00 (cycle 2 met: wall
   3600 s, business 600 + 3600 = 4200 s, the clock's total). Survey of cycle 2 sent Wed 06:00.
E  HR, alice (Sales), hr.agent. Filed Mon 08:00; the scanner at 09:01 finds the first
   response breached; reply 09:30 (its completion: 5400 s); resolved 09:40 (resolution met,
   6000 s). Survey sent 09:40, not answered. One reply, one cycle: first contact.
F  HR, bob (Finance), hr.agent. Filed 2026-09-11 (before the week), replied and resolved
   that day; reopened by hr.agent Tue 02:00, 11 days after its resolution (not "reopened");
   open since (backlog, 17 days old).
G  IT, alice (Sales). Filed Thu 02:00, untouched (backlog, 4 days old; no scan ran, so no
   outcome).
H  IT, bob (Finance), it.agent. Filed Sun 02:00; reply 02:05 (first response met, 300 s);
   waiting on the requester 02:10 (backlog, 1 day old).

Feedback: IT suggestion (Tue), HR praise (Wed), IT complaint (Fri); an IT praise on
2026-09-16, before the week.
"""

import datetime as dt

from feedback.services import feedback_create
from reports import definitions as d
from sla.scanner import sla_scan
from surveys.models import SurveyInvite
from surveys.services import survey_answer
from tests.factories import ServiceStandardFactory, survey_defaults_row
from tickets import services
from tickets.constants import Status
from tickets.models import Ticket

ZONE = "Asia/Shanghai"
WEEK = d.Period(dt.date(2026, 9, 21), dt.date(2026, 9, 27))
NOW = dt.datetime(2026, 9, 28, 2, 0, tzinfo=dt.UTC)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """An instant on day `day` of September 2026, in UTC."""
    return dt.datetime(2026, 9, day, hour, minute, tzinfo=dt.UTC)


def _fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def seed_known_week(world, clock) -> dict[str, Ticket]:
    """Drive the tickets above through the real services with the pinned `clock`
    (tests/sla/outcome_drivers.py's), and return them by letter. The caller sets
    REPORT_TIME_ZONE = ZONE and folds the rollups (rollup_pending(now=NOW))."""
    ServiceStandardFactory(team=world.it, name="IT round the clock", first_response_minutes=60,
                           next_response_minutes=120, resolution_minutes=480)
    ServiceStandardFactory(team=world.hr, name="HR round the clock", first_response_minutes=60,
                           next_response_minutes=120, resolution_minutes=480)
    survey_defaults_row(delay_minutes=0, sample_percent=100, cooldown_days=0, low_score=2)
    it_agent, it_lead, hr_agent, alice, bob = world.it_agent, world.it_lead, world.hr_agent, world.alice, world.bob
    tickets: dict[str, Ticket] = {}

    def file(letter, when, requester, item, assignee=None):
        clock.set(when)
        fields = {"asset_tag": f"LT-{letter}"} if item == world.laptop else {}
        ticket = services.ticket_create(requester=requester, service_item=item, title=f"Ticket {letter}",
                                        description="Known answers", fields=fields)
        if assignee is not None:
            services.ticket_assign(ticket=_fresh(ticket), assignee=assignee, actor=assignee)
        tickets[letter] = ticket

    def reply(letter, when, author):
        clock.set(when)
        services.comment_create(ticket=_fresh(tickets[letter]), author=author, body=f"Reply to {letter}")

    def move(letter, when, to, actor):
        clock.set(when)
        services.ticket_transition(ticket=_fresh(tickets[letter]), to=to, actor=actor)

    def answer(letter, when, score, cycle=1):
        clock.set(when)
        invite = SurveyInvite.objects.get(ticket=tickets[letter], cycle=cycle)
        survey_answer(invite=invite, score=score, require_reason=False)

    def feedback(when, sender, team, kind):
        clock.set(when)
        feedback_create(sender=sender, team=team, kind=kind, text=f"{kind} for {team.name}")

    # F, before the week
    file("F", at(11, 2), bob, world.payslip, hr_agent)
    reply("F", at(11, 2, 10), hr_agent)
    move("F", at(11, 3), Status.RESOLVED, hr_agent)
    feedback(at(16, 3), alice, world.it, "praise")
    # Monday
    file("A", at(21, 2), alice, world.laptop, it_agent)
    reply("A", at(21, 2, 10), it_agent)
    move("A", at(21, 2, 30), Status.RESOLVED, it_agent)
    answer("A", at(21, 3), 5)
    file("B", at(21, 3), bob, world.laptop, it_agent)
    reply("B", at(21, 3, 20), it_agent)
    reply("B", at(21, 3, 30), bob)
    file("C", at(21, 4), alice, world.laptop, it_lead)
    reply("C", at(21, 4, 15), it_lead)
    move("C", at(21, 4, 20), Status.PENDING, it_lead)
    file("D", at(21, 5), bob, world.laptop, it_agent)
    reply("D", at(21, 5, 5), it_agent)
    move("D", at(21, 5, 10), Status.RESOLVED, it_agent)
    reply("C", at(21, 5, 20), alice)
    reply("C", at(21, 5, 40), it_lead)
    reply("B", at(21, 6), it_agent)
    move("B", at(21, 6, 20), Status.RESOLVED, it_agent)
    move("C", at(21, 6, 40), Status.RESOLVED, it_lead)
    answer("B", at(21, 7), 3)
    answer("C", at(21, 7, 30), 4)
    file("E", at(21, 8), alice, world.payslip, hr_agent)
    clock.set(at(21, 9, 1))
    sla_scan(now=at(21, 9, 1))
    reply("E", at(21, 9, 30), hr_agent)
    move("E", at(21, 9, 40), Status.RESOLVED, hr_agent)
    # Tuesday … Sunday
    move("F", at(22, 2), Status.OPEN, hr_agent)
    feedback(at(22, 3), alice, world.it, "suggestion")
    move("D", at(23, 5), Status.OPEN, bob)
    move("D", at(23, 6), Status.RESOLVED, it_agent)
    feedback(at(23, 3), bob, world.hr, "praise")
    file("G", at(24, 2), alice, world.laptop)
    feedback(at(25, 3), bob, world.it, "complaint")
    file("H", at(27, 2), bob, world.laptop, it_agent)
    reply("H", at(27, 2, 5), it_agent)
    move("H", at(27, 2, 10), Status.PENDING, it_agent)
    clock.set(NOW)
    return {letter: _fresh(ticket) for letter, ticket in tickets.items()}
