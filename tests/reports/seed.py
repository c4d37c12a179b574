"""A seeded week of IT work for the report pages' tests (and the browser test): every figure
of the team report has something to count, including a breach, a reopen, a next-response
cycle, a paused clock, a survey, feedback and an old backlog.

Report days are cut in Asia/Shanghai. NOW is Tuesday 29 September 2026, 10:00 in Shanghai:
"last week" (the default period) is Monday 21 … Sunday 27 September. IT's standard is the
round-the-clock one of tests.sla.outcome_drivers (60 min first response, 120 min next
response, 480 min resolution)."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from feedback.services import feedback_create
from reports.rollup import rollup_pending
from sla.scanner import sla_scan
from surveys.selectors import current_invite
from surveys.services import survey_answer
from tests.factories import ServiceItemFactory, survey_defaults_row
from tickets import services
from tickets.constants import Priority, Status
from tickets.models import Ticket

NOW = dt.datetime(2026, 9, 29, 2, 0, tzinfo=dt.UTC)
MONDAY = dt.datetime(2026, 9, 21, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
ZONE = "Asia/Shanghai"


@dataclass
class Seeded:
    tickets: dict = field(default_factory=dict)
    breached_first_response: set = field(default_factory=set)


def _fresh(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def seed_week(world, file_ticket, clock) -> Seeded:
    """File and work the week's tickets, moving `clock` (a PinnedClock patched into
    timezone.now) along; scan the clocks as the beat would, and roll the days up."""
    survey_defaults_row()
    seeded = Seeded()
    printer = ServiceItemFactory(name="Printer", team=world.it)
    agent = world.it_agent

    def at(instant):
        clock.set(instant)
        sla_scan(now=instant)

    # Old backlog: filed 20 days before NOW, still open (the 15–30 days bucket).
    at(NOW - dt.timedelta(days=20))
    seeded.tickets["old"] = file_ticket(title="Docking station")
    services.comment_create(ticket=_fresh(seeded.tickets["old"]), author=agent, body="Ordered.")

    # Monday: answered in 10 min, resolved in 30 (first contact), scored 5.
    at(MONDAY)
    quick = seeded.tickets["quick"] = file_ticket(title="Laptop will not start")
    at(MONDAY + 10 * MINUTE)
    services.comment_create(ticket=_fresh(quick), author=agent, body="Hold the power button.")
    at(MONDAY + 30 * MINUTE)
    services.ticket_transition(ticket=_fresh(quick), to=Status.RESOLVED, actor=agent)
    at(MONDAY + 40 * MINUTE)
    survey_answer(invite=current_invite(ticket=quick), score=5, require_reason=False)

    # Monday: first response breached (answered after 3 h), resolved, reopened, resolved again.
    at(MONDAY + HOUR)
    late = seeded.tickets["late"] = file_ticket(title="Printer jams", item=printer, fields={})
    at(MONDAY + 2 * HOUR + MINUTE)  # the scanner records the breach
    at(MONDAY + 4 * HOUR)
    services.comment_create(ticket=_fresh(late), author=agent, body="Replaced the roller.")
    at(MONDAY + 5 * HOUR)
    services.ticket_transition(ticket=_fresh(late), to=Status.RESOLVED, actor=agent)
    at(MONDAY + 6 * HOUR)
    survey_answer(invite=current_invite(ticket=late), score=2, require_reason=False)
    services.ticket_transition_with_reply(ticket=_fresh(late), to=Status.OPEN, actor=world.alice,
                                          comment="Jams again.")
    at(MONDAY + 7 * HOUR)
    services.comment_create(ticket=_fresh(late), author=agent, body="New tray.")
    services.ticket_transition(ticket=_fresh(late), to=Status.RESOLVED, actor=agent)
    seeded.breached_first_response.add(late.pk)

    # Tuesday: bob (Finance) — answered, replied, answered again (a next-response cycle met),
    # then waiting on him (a paused clock): open work.
    tuesday = MONDAY + dt.timedelta(days=1)
    at(tuesday)
    talk = seeded.tickets["talk"] = file_ticket(title="VPN drops", requester=world.bob, priority=Priority.P2)
    at(tuesday + 10 * MINUTE)
    services.comment_create(ticket=_fresh(talk), author=agent, body="Which client version?")
    at(tuesday + 20 * MINUTE)
    services.comment_create(ticket=_fresh(talk), author=world.bob, body="5.1")
    at(tuesday + 30 * MINUTE)
    services.comment_create(ticket=_fresh(talk), author=agent, body="Please update to 5.2.")
    services.ticket_transition(ticket=_fresh(talk), to=Status.PENDING, actor=agent)

    # Wednesday: never answered (first response and resolution breached), open.
    wednesday = MONDAY + dt.timedelta(days=2)
    at(wednesday)
    ignored = seeded.tickets["ignored"] = file_ticket(title="Monitor flickers", priority=Priority.P1)
    at(wednesday + 2 * HOUR)
    at(wednesday + 9 * HOUR)
    seeded.breached_first_response.add(ignored.pk)

    # Feedback on IT in the week.
    at(wednesday + 10 * HOUR)
    feedback_create(sender=world.bob, team=world.it, kind="complaint", text="Slow answers.")

    at(NOW)
    rollup_pending(now=timezone.now())
    return seeded
