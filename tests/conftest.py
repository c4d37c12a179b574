"""Fixtures shared by the whole suite: a small world of teams, people and a catalog."""

import datetime as dt
import os

import pytest
from django.conf import settings
from django.utils import timezone, translation
from hypothesis import settings as hypothesis_settings

from refdata import versions
from servicedesk import cache_guard
from teams.models import Membership
from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    ServiceItemFactory,
    ServiceItemFieldFactory,
    TeamFactory,
    UserFactory,
)
from tickets.constants import FieldKind, Status
from tickets.models import Ticket

# Hypothesis: on CI (CI set) the same examples on every run, from the test's own name, and
# nothing kept between runs; a failure prints the blob that replays it
# (@reproduce_failure). Locally each run draws new examples and keeps failing ones in
# .hypothesis/ to try first next time.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.load_profile(
    "ci" if os.environ.get("CI", "").lower() not in ("", "0", "false", "no") else "default")


def _seed_line(config) -> str | None:
    seed = getattr(config.option, "randomly_seed", None)  # absent with -p no:randomly
    if seed is None or not config.getoption("randomly_reorganize", True):
        return None
    return f"Tests in random order: --randomly-seed={seed} repeats it, -p no:randomly keeps file order"


def pytest_collection_finish(session):
    """pytest-randomly prints its seed in the header, which -q hides: then print it before
    the first test. It is printed again after the summary, where a failure is read."""
    line = _seed_line(session.config)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if line and reporter is not None and session.config.get_verbosity() < 0:
        reporter.write_line(line)


def pytest_terminal_summary(terminalreporter, config):
    line = _seed_line(config)
    if line:
        terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def _fresh_reference_cache():
    """Each test starts with nothing of the reference cache in this process: a test's rows
    (its versions too) are rolled back at its end."""
    versions.clear()
    yield
    versions.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, whatever the last request on this thread
    activated (Django's LocaleMiddleware leaves the request's language active after it:
    a test that reads a service's message after a Chinese page saw it in Chinese)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _closed_cache_breaker():
    """Each test starts with the shared cache's breaker closed, whatever the last did."""
    cache_guard.breaker.reset()
    yield
    cache_guard.breaker.reset()


@pytest.fixture
def world(db):
    """Two teams (IT, HR), a lead and an agent each, two requesters in different
    departments, a service admin, and one IT service item with extra fields."""

    class World:
        pass

    w = World()
    w.sales = DepartmentFactory(name="Sales", code="sales")
    w.finance = DepartmentFactory(name="Finance", code="finance")
    w.it = TeamFactory(name="IT Support", slug="it")
    w.hr = TeamFactory(name="HR Services", slug="hr")
    w.it_lead = UserFactory(username="it.lead")
    w.it_agent = UserFactory(username="it.agent")
    w.hr_agent = UserFactory(username="hr.agent")
    MembershipFactory(user=w.it_lead, team=w.it, role=Membership.Role.LEAD)
    MembershipFactory(user=w.it_agent, team=w.it)
    MembershipFactory(user=w.hr_agent, team=w.hr)
    w.it.lead = w.it_lead
    w.it.save()
    w.alice = UserFactory(username="alice", department=w.sales)
    w.bob = UserFactory(username="bob", department=w.finance)
    w.admin = UserFactory(username="admin", is_service_admin=True)
    w.laptop = ServiceItemFactory(name="Laptop repair", team=w.it)
    ServiceItemFieldFactory(item=w.laptop, key="asset_tag", label="Asset tag", required=True)
    ServiceItemFieldFactory(item=w.laptop, key="urgency", label="Impact", kind=FieldKind.CHOICE,
                            choices=["one person", "whole team"])
    ServiceItemFieldFactory(item=w.laptop, key="count", label="Devices", kind=FieldKind.NUMBER)
    ServiceItemFieldFactory(item=w.laptop, key="since", label="Broken since", kind=FieldKind.DATE)
    w.payslip = ServiceItemFactory(name="Payslip question", team=w.hr)
    return w


@pytest.fixture
def file_ticket(world):
    """File a laptop request as `requester` (alice by default)."""
    from tickets import services

    def _file(requester=None, item=None, **kwargs):
        item = item or world.laptop
        fields = kwargs.pop("fields", {"asset_tag": "LT-1"} if item == world.laptop else {})
        return services.ticket_create(
            requester=requester or world.alice, service_item=item,
            title=kwargs.pop("title", "Laptop does not boot"),
            description=kwargs.pop("description", "It shows a black screen."),
            fields=fields, **kwargs,
        )

    return _file


def set_sla(ticket, *, warn=None, due=None, breached=False, **fields):
    """Put a ticket's clocks where a test needs them, its summary following as the clock
    bookkeeping keeps it: both clocks running with this warning and due time (recorded
    breached when `breached`); without a due time, paused while the ticket waits on the
    requester, else met."""
    from sla.bookkeeping import ticket_clocks_start, ticket_summaries_refresh
    from sla.models import ServiceStandard, SLAClock
    from tests.factories import ServiceStandardFactory

    Ticket.objects.filter(pk=ticket.pk).update(**fields)
    ticket = Ticket.objects.get(pk=ticket.pk)
    clocks = SLAClock.objects.filter(ticket=ticket)
    if not clocks.exists():  # a team without a standard: give it one, and the ticket its clocks
        if not ServiceStandard.objects.filter(team_id=ticket.team_id).exists():
            ServiceStandardFactory(team_id=ticket.team_id)
        ticket_clocks_start(ticket=ticket)
    status = ticket.status
    now = timezone.now()
    if due is not None:
        clocks.update(warn_at=warn, due_at=due, state="breached" if breached else "running", paused_at=None,
                      stopped_at=None, run_started_at=now)
    elif status == Status.PENDING:
        clocks.update(state="paused", paused_at=now, run_started_at=None, stopped_at=None, next_check_at=None)
    else:
        clocks.update(state="met", stopped_at=now, run_started_at=None, paused_at=None, next_check_at=None)
    ticket_summaries_refresh(ticket_ids=[ticket.pk])


@pytest.fixture
def queue(world, file_ticket):
    """Eight IT tickets with known views (the same set as the selector tests):
    unassigned 3, mine (it.agent) 3, at risk 2, breached 1, waiting 1, open 7."""
    now = timezone.now()
    h = dt.timedelta(hours=1)
    spec = [
        # title, assignee, status, warn, due, breached
        ("unassigned fresh", None, Status.NEW, now + h, now + 2 * h, False),
        ("unassigned at risk", None, Status.NEW, now - h, now + h, False),
        ("mine at risk", "agent", Status.OPEN, now - h, now + h, False),
        ("mine breached", "agent", Status.OPEN, now - 3 * h, now - h, True),
        ("lead's on track", "lead", Status.OPEN, now + h, now + 3 * h, False),
        ("waiting", "agent", Status.PENDING, None, None, False),
        ("打印机卡纸了", None, Status.OPEN, now + 2 * h, now + 4 * h, False),
        ("done", "agent", Status.RESOLVED, None, None, False),
    ]
    people = {"agent": world.it_agent, "lead": world.it_lead, None: None}
    tickets = {}
    for title, who, status, warn, due, breached in spec:
        ticket = file_ticket(title=title, requester=world.bob if "打印机" in title else world.alice)
        set_sla(ticket, warn=warn, due=due, breached=breached, assignee=people[who], status=status)
        tickets[title] = Ticket.objects.get(pk=ticket.pk)
    return tickets
