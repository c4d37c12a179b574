"""The rollups agree with a brute-force count over the raw rows.

Seeded random data over ten days (Asia/Shanghai, steps close to midnight too): tickets
driven through the real services (filed, answered, waiting, resolved, reopened within and
past 7 days, resolved again) in two teams, three service items in two categories, four
priorities, three departments and none, two assignees and none; plus SLA outcomes written
directly with durations across the histogram (some breached without completion, some
corrected) and survey invites and responses. Every figure of `report_summary` and of
`report_breakdown` is then counted again here from SLAOutcome (in force), TicketEvent,
Comment and SurveyInvite/SurveyResponse, for several scopes and periods. Percentiles: the
exact nearest-rank value lies in the histogram bucket whose upper edge the report gives.
"""

import datetime as dt
import random
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest

from reports import definitions as d
from reports.rollup import rollup_pending
from reports.selectors import BREAKDOWNS, ReportScope, report_breakdown, report_summary
from sla.models import ServiceStandard, SLAOutcome
from surveys.models import SurveyInvite, SurveyResponse
from tests.factories import (
    ServiceCategoryFactory,
    ServiceItemFactory,
    ServiceStandardFactory,
    UserFactory,
    survey_defaults_row,
)
from tickets import services
from tickets.constants import Priority, Status
from tickets.models import Comment, Ticket, TicketEvent

ZONE = "Asia/Shanghai"
FIRST_DAY = dt.date(2026, 9, 10)
DAYS = 10
END = dt.datetime.combine(FIRST_DAY + dt.timedelta(days=DAYS + 12), dt.time(), tzinfo=ZoneInfo(ZONE))
PRIORITIES = list(Priority.values)


def _instant(rng: random.Random, day: int) -> dt.datetime:
    """A random instant on report day `day`, one in four within 40 minutes of a midnight."""
    start = dt.datetime.combine(FIRST_DAY + dt.timedelta(days=day), dt.time(), tzinfo=ZoneInfo(ZONE))
    if rng.random() < 0.25:
        return start + dt.timedelta(minutes=rng.choice([rng.randint(1, 40), 24 * 60 - rng.randint(1, 40)]))
    return start + dt.timedelta(minutes=rng.randint(0, 24 * 60 - 1))


@pytest.fixture
def random_world(world, clock, settings):  # noqa: PLR0915 - one long script of a world
    settings.REPORT_TIME_ZONE = ZONE
    rng = random.Random(18)
    category = ServiceCategoryFactory(name="Workplace")
    world.monitor = ServiceItemFactory(name="Monitor", team=world.it, category=category)
    world.nodept = UserFactory(username="carol")  # a requester without a department
    for team in (world.it, world.hr):
        ServiceStandardFactory(team=team, first_response_minutes=60, next_response_minutes=120,
                               resolution_minutes=480)
    survey_defaults_row(delay_minutes=0, sample_percent=100, cooldown_days=0, low_score=0)
    items = [world.laptop, world.monitor, world.payslip]
    requesters = [world.alice, world.bob, world.nodept]
    agents = {world.it.pk: [world.it_agent, world.it_lead], world.hr.pk: [world.hr_agent]}

    for n in range(45):
        item = rng.choice(items)
        agent = rng.choice(agents[item.team_id])
        t = _instant(rng, rng.randrange(DAYS))
        clock.set(t)
        ticket = services.ticket_create(
            requester=rng.choice(requesters), service_item=item, title=f"Random {n}", priority=rng.choice(PRIORITIES),
            fields={"asset_tag": f"R{n}"} if item == world.laptop else {})

        def step(minutes, action, ticket=ticket):
            nonlocal t
            t += dt.timedelta(minutes=minutes)
            clock.set(t)
            action(Ticket.objects.get(pk=ticket.pk))

        if rng.random() < 0.7:
            step(1, lambda tk, agent=agent: services.ticket_assign(ticket=tk, assignee=agent, actor=agent))
        if rng.random() < 0.15:
            continue  # left new
        step(rng.randint(5, 200), lambda tk, agent=agent: services.comment_create(ticket=tk, author=agent, body="Hi"))
        if rng.random() < 0.3:
            step(rng.randint(1, 60), lambda tk, agent=agent: services.ticket_transition(ticket=tk, to=Status.PENDING,
                                                                                        actor=agent))
            step(rng.randint(10, 900), lambda tk: services.comment_create(ticket=tk, author=tk.requester, body="Ok"))
            if rng.random() < 0.5:
                step(rng.randint(5, 300), lambda tk, agent=agent: services.comment_create(ticket=tk, author=agent,
                                                                                          body="Next"))
        if rng.random() < 0.15:
            continue  # open
        step(rng.randint(5, 600), lambda tk, agent=agent: services.ticket_transition(ticket=tk, to=Status.RESOLVED,
                                                                                     actor=agent))
        if rng.random() < 0.35:
            step(rng.choice([rng.randint(60, 6 * 24 * 60), rng.randint(8 * 24 * 60, 11 * 24 * 60)]),
                 lambda tk, agent=agent: services.ticket_transition(ticket=tk, to=Status.OPEN, actor=agent))
            if rng.random() < 0.7:
                step(rng.randint(10, 500), lambda tk, agent=agent: services.ticket_transition(
                    ticket=tk, to=Status.RESOLVED, actor=agent))

    # Outcomes written directly: durations spread over the histogram, some incomplete, some corrected.
    tickets = list(Ticket.objects.all())
    standards = {s.team_id: s for s in ServiceStandard.objects.all()}
    users = [world.it_agent, world.it_lead, world.hr_agent, None]
    depts = [world.sales, world.finance, None]
    originals = []
    for n in range(260):
        ticket, team = rng.choice(tickets), rng.choice([world.it, world.hr])
        decided = _instant(rng, rng.randrange(DAYS))
        complete = rng.random() < 0.85
        met = complete and rng.random() < 0.7
        seconds = int(10 ** rng.uniform(1, 6.3)) if complete else None
        originals.append(SLAOutcome.objects.create(
            ticket=ticket, kind=rng.choice(d.TARGET_KINDS), cycle=1000 + n, standard=standards[team.pk],
            standard_version=1, team=team, service_item=rng.choice([*items, None]), priority=rng.choice(PRIORITIES),
            requester_department=rng.choice(depts), assignee=rng.choice(users), started_at=decided - dt.timedelta(
                hours=1), stopped_at=decided if complete else None, target_minutes=60,
            business_seconds=seconds, wall_seconds=None if seconds is None else seconds + rng.randint(0, 5000),
            paused_seconds=0 if complete else None, met=met, breached_by_seconds=0 if met else (60 if complete
                                                                                                else None),
            decided_at=decided, written_at=decided))
    for original in rng.sample(originals, 25):
        correction = SLAOutcome.objects.get(pk=original.pk)
        correction.pk = None
        correction.corrects = original
        correction.met = not original.met and original.stopped_at is not None
        correction.breached_by_seconds = 0 if correction.met else original.breached_by_seconds
        correction.decided_at = _instant(rng, rng.randrange(DAYS))
        correction.save()

    # Surveys written directly beside those the resolutions sent.
    for n, ticket in enumerate(rng.sample(tickets, 30)):
        sent = _instant(rng, rng.randrange(DAYS)) if rng.random() < 0.9 else None
        invite = SurveyInvite.objects.create(
            ticket=ticket, cycle=500 + n, requester=ticket.requester, team=rng.choice([world.it, world.hr]),
            state="sent" if sent else "scheduled", send_at=sent or END, sent_at=sent)
        if sent and rng.random() < 0.6:
            answered = sent + dt.timedelta(hours=rng.randint(0, 60))
            SurveyResponse.objects.create(
                invite=invite, ticket=ticket, cycle=invite.cycle, respondent=ticket.requester,
                score=rng.randint(1, 5), channel="email", answered_at=answered, editable_until=answered,
                team=rng.choice([world.it, world.hr]), assignee=rng.choice(users), service_item=rng.choice(items),
                priority=rng.choice(PRIORITIES))
    clock.set(END)
    rollup_pending(now=END)
    return world


# --- brute force ----------------------------------------------------------------------------


def _ticket_dims(ticket: Ticket) -> dict:
    return {"team_id": ticket.team_id, "service_item_id": ticket.service_item_id, "priority": ticket.priority,
            "department_id": ticket.requester_department_id, "assignee_id": ticket.assignee_id}


def _in_scope(dims: dict, scope: ReportScope) -> bool:
    if scope.team_ids is not None and dims["team_id"] not in scope.team_ids:
        return False
    for name in ("service_item_id", "priority", "department_id", "assignee_id"):
        if getattr(scope, name) is not None and dims[name] != getattr(scope, name):
            return False
    if scope.category_id is not None:
        from tickets.models import ServiceItem

        return ServiceItem.objects.filter(pk=dims["service_item_id"], category_id=scope.category_id).exists()
    return True


def brute_force(scope: ReportScope, period: d.Period) -> dict:
    """Every rollup figure of `report_summary`, counted from the raw rows; the percentiles
    as the exact nearest-rank values."""
    start, end = d.day_range(period.first, period.last, ZoneInfo(ZONE))
    tickets = {t.pk: t for t in Ticket.objects.all()}
    out = {"created": 0, "resolved": 0, "reopened": 0, "first_contact": 0}
    for ticket in tickets.values():
        if start <= ticket.created_at < end and _in_scope(_ticket_dims(ticket), scope):
            out["created"] += 1
    events = TicketEvent.objects.filter(kind="status").order_by("created_at", "pk")
    resolutions = defaultdict(list)
    for event in events:
        ticket = tickets[event.ticket_id]
        if event.data.get("new") == Status.RESOLVED:
            resolutions[ticket.pk].append(event.created_at)
        if not (start <= event.created_at < end and _in_scope(_ticket_dims(ticket), scope)):
            continue
        if event.data.get("new") == Status.RESOLVED:
            out["resolved"] += 1
            replies = Comment.objects.filter(ticket=ticket, is_internal=False).exclude(author=ticket.requester).count()
            out["first_contact"] += replies <= 1 and ticket.resolution_cycle == 1
        elif event.data.get("old") == Status.RESOLVED and event.data.get("new") == Status.OPEN:
            undone = max(r for r in resolutions[ticket.pk] if r <= event.created_at)
            out["reopened"] += event.created_at - undone <= dt.timedelta(days=d.REOPEN_WINDOW_DAYS)
    out["sla"] = {}
    for kind in d.TARGET_KINDS:
        rows = [o for o in SLAOutcome.objects.in_force().filter(kind=kind, decided_at__gte=start, decided_at__lt=end)
                if _in_scope({"team_id": o.team_id, "service_item_id": o.service_item_id, "priority": o.priority,
                              "department_id": o.requester_department_id, "assignee_id": o.assignee_id}, scope)]
        timed = [o for o in rows if o.business_seconds is not None and o.wall_seconds is not None]
        out["sla"][kind] = {
            "met": sum(o.met for o in rows), "decided": len(rows), "timed": len(timed),
            "p50_business_seconds": d.exact_percentile([o.business_seconds for o in timed], 0.5),
            "p90_business_seconds": d.exact_percentile([o.business_seconds for o in timed], 0.9),
            "p50_wall_seconds": d.exact_percentile([o.wall_seconds for o in timed], 0.5),
            "p90_wall_seconds": d.exact_percentile([o.wall_seconds for o in timed], 0.9),
        }
    sent = [i for i in SurveyInvite.objects.filter(sent_at__gte=start, sent_at__lt=end).select_related("ticket")
            if _in_scope({**_ticket_dims(i.ticket), "team_id": i.team_id}, scope)]
    answered = [r for r in SurveyResponse.objects.filter(answered_at__gte=start, answered_at__lt=end)
                .select_related("ticket")
                if _in_scope({"team_id": r.team_id, "service_item_id": r.service_item_id, "priority": r.priority,
                              "department_id": r.ticket.requester_department_id, "assignee_id": r.assignee_id}, scope)]
    out["satisfaction"] = {"sent": len(sent), "responses": len(answered),
                           "positive": sum(r.score >= d.POSITIVE_SCORE for r in answered),
                           "score_sum": sum(r.score for r in answered)}
    return out


PERCENTILES = ("p50_business_seconds", "p90_business_seconds", "p50_wall_seconds", "p90_wall_seconds")


def assert_agrees(figures: dict, raw: dict, *, first_contact) -> None:
    assert (figures["created"], figures["resolved"], figures["reopened"], first_contact) == (
        raw["created"], raw["resolved"], raw["reopened"], raw["first_contact"])
    for kind in d.TARGET_KINDS:
        got, want = figures["sla"][kind], raw["sla"][kind]
        assert (got["met"], got["decided"], got["timed"]) == (want["met"], want["decided"], want["timed"]), kind
        assert got["compliance"] == d.ratio(want["met"], want["decided"])
        for name in PERCENTILES:
            exact, given = want[name], got[name]
            if exact is None:
                assert given is None, (kind, name)
                continue
            lower, upper = d.bucket_bounds(d.duration_bucket(exact))
            # The report gives the upper edge of the bucket holding the exact value (the lower
            # edge for the open last bucket).
            assert given == (upper if upper is not None else lower), (kind, name, exact, given)
            assert lower <= exact and (upper is None or exact <= upper)
    sat, want = figures["satisfaction"], raw["satisfaction"]
    assert (sat["sent"], sat["responses"], sat["positive"]) == (want["sent"], want["responses"], want["positive"])
    assert sat["mean"] == (round(want["score_sum"] / want["responses"], 2) if want["responses"] else None)


def _scopes(world) -> dict[str, ReportScope]:
    return {
        "all": ReportScope(),
        "team": ReportScope(team_ids=(world.it.pk,)),
        "teams": ReportScope(team_ids=(world.it.pk, world.hr.pk)),
        "department": ReportScope(department_id=world.finance.pk),
        "service item": ReportScope(team_ids=(world.it.pk,), service_item_id=world.laptop.pk),
        "category": ReportScope(category_id=world.monitor.category_id),
        "priority": ReportScope(priority="P2"),
        "assignee": ReportScope(team_ids=(world.it.pk,), assignee_id=world.it_agent.pk),
    }


PERIODS = [d.Period(FIRST_DAY, FIRST_DAY + dt.timedelta(days=DAYS + 11)),
           d.Period(FIRST_DAY + dt.timedelta(days=3), FIRST_DAY + dt.timedelta(days=5)),
           d.Period(FIRST_DAY + dt.timedelta(days=7), FIRST_DAY + dt.timedelta(days=7))]


def _check_varied(random_world) -> None:
    """The data means something: every figure has counts, and a reopen past the window exists."""
    raw = brute_force(ReportScope(), PERIODS[0])
    assert raw["created"] == 45 and raw["resolved"] > 25 and raw["reopened"] > 3 and raw["first_contact"] > 3
    assert all(raw["sla"][kind]["decided"] > 60 for kind in d.TARGET_KINDS)
    assert raw["satisfaction"]["responses"] > 10
    reopens = TicketEvent.objects.filter(kind="status", data__old=Status.RESOLVED, data__new=Status.OPEN).count()
    assert reopens > raw["reopened"]


def _check_summaries(random_world) -> None:
    for name, scope in _scopes(random_world).items():
        for period in PERIODS:
            summary = report_summary(scope=scope, period=period)
            try:
                assert_agrees(summary, brute_force(scope, period), first_contact=summary["first_contact"]["count"])
            except AssertionError as error:
                raise AssertionError(f"scope {name}, {period}: {error}") from error


def _check_breakdown(by: str) -> None:
    period = PERIODS[0]
    breakdown = report_breakdown(scope=ReportScope(), period=period, by=by)
    field = {"team_id": "team_ids"}.get(by, by)
    assert len(breakdown) >= 2, by
    for value, figures in breakdown.items():
        if value is None:
            continue  # "none" (no assignee, no department) is no scope filter; the sums below cover it
        scope = ReportScope(**{field: (value,) if by == "team_id" else value})
        try:
            assert_agrees(figures, brute_force(scope, period), first_contact=figures["first_contact"])
        except AssertionError as error:
            raise AssertionError(f"{by} = {value}: {error}") from error
    # the values add up to the whole
    whole = report_summary(scope=ReportScope(), period=period, with_backlog=False, with_feedback=False)
    assert sum(f["created"] for f in breakdown.values()) == whole["created"]
    for kind in d.TARGET_KINDS:
        assert sum(f["sla"][kind]["decided"] for f in breakdown.values()) == whole["sla"][kind]["decided"]
    assert sum(f["satisfaction"]["responses"] for f in breakdown.values()) == whole["satisfaction"]["responses"]


def test_the_rollups_agree_with_the_raw_rows(random_world):
    """One world (it takes seconds to drive), every check: the summary for eight scopes and
    three periods, and each breakdown value by value."""
    _check_varied(random_world)
    _check_summaries(random_world)
    for by in BREAKDOWNS:
        _check_breakdown(by)
