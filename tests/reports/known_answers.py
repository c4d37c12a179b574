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


# --- the figures, counted by hand -----------------------------------------------------------
# Percentiles are nearest-rank (rank ceil(p × n) of the sorted durations), given as the upper
# edge of the histogram bucket holding that value (reports.definitions.bucket_bounds):
# 300 → 300, 600 → 600, 1200 → 1200, 3600 → 3600, 4200 → (4020, 4500], 5400 → (5040, 5640],
# 6000 → (5640, 6360], 9000 → (8940, 9960], 12000 → (11160, 12540].

AGES = ("0-1", "2-3", "4-7", "8-14", "15-30", "30+")


def _ages(**counts):
    return {key: counts.get(key.replace("-", "_").replace("+", "plus"), 0) for key in AGES}


def _sla(met, decided, timed, p50b, p90b, p50w, p90w):
    return {"met": met, "decided": decided, "compliance": met / decided if decided else None, "timed": timed,
            "p50_business_seconds": p50b, "p90_business_seconds": p90b,
            "p50_wall_seconds": p50w, "p90_wall_seconds": p90w}


def _kinds(**counts):
    return {"suggestion": counts.get("suggestion", 0), "complaint": counts.get("complaint", 0),
            "praise": counts.get("praise", 0)}


def _statuses(new):
    return {"new": new, "acknowledged": 0, "acted_on": 0, "declined": 0}


EXPECTED = {
    # Every team, every department (a service admin's view of the week).
    "all": {
        "created": 7,  # A B C D E (Mon), G (Thu), H (Sun); F was filed before the week
        "resolved": 6,  # A B C D E (Mon), D again (Wed)
        "reopened": 1,  # D (Wed, 2 days after its resolution); F's reopen came 11 days after
        "first_contact": {"count": 2, "resolved": 6, "rate": 2 / 6},  # A and E: one reply, never reopened
        "sla": {
            # A 600 met, B 1200 met, C 900 met, D 300 met, E 5400 breached (done late), H 300 met.
            # Sorted 300 300 600 900 1200 5400: p50 = rank 3 = 600; p90 = rank 6 = 5400 → 5640.
            "first_response": _sla(5, 6, 6, 600, 5640, 600, 5640),
            # B 9000 breached, C 1200 met: p50 = rank 1 = 1200; p90 = rank 2 = 9000 → 9960.
            "next_response": _sla(1, 2, 2, 1200, 9960, 1200, 9960),
            # Business: A 1800, B 12000, C 6000 (paused an hour), D#1 600, D#2 4200 (the clock's
            # total), E 6000; sorted 600 1800 4200 6000 6000 12000: p50 rank 3 = 4200 → 4500,
            # p90 rank 6 = 12000 → 12540. Wall: 1800, 12000, 9600, 600, 3600, 6000; sorted
            # 600 1800 3600 6000 9600 12000: p50 rank 3 = 3600, p90 = 12000 → 12540.
            "resolution": _sla(6, 6, 6, 4500, 12540, 3600, 12540),
        },
        # Sent: A B C D#1 E (Mon), D#2 (Wed) = 6; answered A 5, B 3, C 4.
        "satisfaction": {"sent": 6, "responses": 3, "positive": 2, "positive_share": 2 / 3, "mean": 4.0,
                         "response_rate": 0.5},
        # Open now: F (17 days), G (4 days), H (1 day, waiting on the requester).
        "backlog": {"total": 3, "age": _ages(**{"0_1": 1, "4_7": 1, "15_30": 1})},
        # IT suggestion, HR praise, IT complaint in the week (the IT praise of the 16th is not).
        "feedback": {"total": 3, "kind": _kinds(suggestion=1, complaint=1, praise=1), "status": _statuses(3)},
    },
    # IT Support: A B C D G H.
    "it": {
        "created": 6,  # A B C D G H
        "resolved": 5,  # A B C D#1 D#2
        "reopened": 1,  # D
        "first_contact": {"count": 1, "resolved": 5, "rate": 1 / 5},  # A
        "sla": {
            # A 600, B 1200, C 900, D 300, H 300, all met; sorted 300 300 600 900 1200:
            # p50 rank 3 = 600, p90 rank 5 = 1200.
            "first_response": _sla(5, 5, 5, 600, 1200, 600, 1200),
            "next_response": _sla(1, 2, 2, 1200, 9960, 1200, 9960),  # B, C as for all
            # Business 600 1800 4200 6000 12000: p50 rank 3 = 4200 → 4500, p90 rank 5 = 12000 → 12540.
            # Wall 600 1800 3600 9600 12000: p50 3600, p90 12540.
            "resolution": _sla(5, 5, 5, 4500, 12540, 3600, 12540),
        },
        # Sent A B C D#1 D#2; answered A B C.
        "satisfaction": {"sent": 5, "responses": 3, "positive": 2, "positive_share": 2 / 3, "mean": 4.0,
                         "response_rate": 0.6},
        "backlog": {"total": 2, "age": _ages(**{"0_1": 1, "4_7": 1})},  # H, G
        "feedback": {"total": 2, "kind": _kinds(suggestion=1, complaint=1), "status": _statuses(2)},
    },
    # HR Services: E (and F, filed and resolved before the week).
    "hr": {
        "created": 1,  # E
        "resolved": 1,  # E
        "reopened": 0,  # F's reopen came 11 days after its resolution
        "first_contact": {"count": 1, "resolved": 1, "rate": 1.0},  # E
        "sla": {
            "first_response": _sla(0, 1, 1, 5640, 5640, 5640, 5640),  # E breached, done at 5400
            "next_response": _sla(0, 0, 0, None, None, None, None),
            "resolution": _sla(1, 1, 1, 6360, 6360, 6360, 6360),  # E 6000 → (5640, 6360]
        },
        "satisfaction": {"sent": 1, "responses": 0, "positive": 0, "positive_share": None, "mean": None,
                         "response_rate": 0.0},  # E's survey, unanswered
        "backlog": {"total": 1, "age": _ages(**{"15_30": 1})},  # F
        "feedback": {"total": 1, "kind": _kinds(praise=1), "status": _statuses(1)},
    },
    # The Finance department (bob's tickets, every team): B D H, and F.
    "finance": {
        "created": 3,  # B D H
        "resolved": 3,  # B D#1 D#2
        "reopened": 1,  # D
        "first_contact": {"count": 0, "resolved": 3, "rate": 0.0},  # B two replies, D reopened
        "sla": {
            # B 1200, D 300, H 300: p50 rank 2 = 300, p90 rank 3 = 1200.
            "first_response": _sla(3, 3, 3, 300, 1200, 300, 1200),
            "next_response": _sla(0, 1, 1, 9960, 9960, 9960, 9960),  # B, breached at 9000
            # Business B 12000, D#1 600, D#2 4200: p50 rank 2 = 4200 → 4500, p90 → 12540.
            # Wall 12000, 600, 3600: p50 3600, p90 12540.
            "resolution": _sla(3, 3, 3, 4500, 12540, 3600, 12540),
        },
        # Sent B D#1 D#2; answered B with 3.
        "satisfaction": {"sent": 3, "responses": 1, "positive": 0, "positive_share": 0.0, "mean": 3.0,
                         "response_rate": 1 / 3},
        "backlog": {"total": 2, "age": _ages(**{"0_1": 1, "15_30": 1})},  # H, F
        "feedback": None,  # feedback is about a team, not a department
    },
}
