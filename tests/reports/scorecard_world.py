"""A week of IT work with known answers for the scorecard tests (times in UTC, the report
zone UTC; the pinned clock starts at T0, Thursday 2026-09-24 09:00; IT's round-the-clock
standard: first response 60 min, resolution 480 min):

- t1 (alice), assigned to it.agent: replied after 10 min, resolved after 30 min (one public
  reply, first contact), survey answered 5;
- t2 (bob), filed at T0+1 h, assigned to it.agent: replied after 120 min (first response
  breached), resolved after 150 min, reopened by bob 10 min later (within 7 days): open now;
- t3 (alice), assigned to it.lead: open, untouched;
- t4 (bob): unassigned, open.

By hand, for the week 2026-09-21 … 2026-09-27:
  it.agent: load 1 (t2), resolved 2, reopened 1 (rate 1/2), first contact 1 (t1; rate 1/2),
            first response met 1 / decided 2, resolution met 2 / decided 2, p50 first response
            600 s (10 min and 120 min: the nearest-rank p50 is 10 min, a bucket edge), satisfaction
            1 response, 1 positive, mean 5.
  it.lead:  load 1 (t3), nothing resolved or decided.
  the team: load 3 (t2, t3, t4), otherwise as it.agent.
"""

import datetime as dt

from reports import definitions as d
from reports.rollup import rollup_pending
from surveys import services as survey_services
from surveys.models import SurveyInvite
from tests.factories import survey_defaults_row
from tests.sla.outcome_drivers import MINUTE, T0, fresh
from tickets import services
from tickets.constants import Status

WEEK = d.Period(dt.date(2026, 9, 21), dt.date(2026, 9, 27))
HOUR = 60 * MINUTE


def build_week(world, file_ticket, clock, settings):
    settings.REPORT_TIME_ZONE = "UTC"
    survey_defaults_row(delay_minutes=0)
    t1 = file_ticket(title="Laptop one")
    services.ticket_assign(ticket=fresh(t1), assignee=world.it_agent, actor=world.it_lead)
    clock.set(T0 + 10 * MINUTE)
    services.comment_create(ticket=fresh(t1), author=world.it_agent, body="Try again")
    clock.set(T0 + 30 * MINUTE)
    services.ticket_transition(ticket=fresh(t1), to=Status.RESOLVED, actor=world.it_agent)
    clock.set(T0 + 40 * MINUTE)
    survey_services.survey_answer(invite=SurveyInvite.objects.get(ticket=t1), score=5)

    clock.set(T0 + HOUR)
    t2 = file_ticket(requester=world.bob, title="Laptop two")
    services.ticket_assign(ticket=fresh(t2), assignee=world.it_agent, actor=world.it_lead)
    clock.set(T0 + HOUR + 120 * MINUTE)
    services.comment_create(ticket=fresh(t2), author=world.it_agent, body="Sorry for the wait")
    clock.set(T0 + HOUR + 150 * MINUTE)
    services.ticket_transition(ticket=fresh(t2), to=Status.RESOLVED, actor=world.it_agent)
    clock.set(T0 + HOUR + 160 * MINUTE)
    services.ticket_transition(ticket=fresh(t2), to=Status.OPEN, actor=world.bob)

    clock.set(T0 + 4 * HOUR)
    t3 = file_ticket(title="Laptop three")
    services.ticket_assign(ticket=fresh(t3), assignee=world.it_lead, actor=world.it_lead)
    file_ticket(requester=world.bob, title="Laptop four")
    clock.set(T0 + 5 * HOUR)
    rollup_pending()
    return t1, t2
