"""Fixtures shared by the whole suite: a small world of teams, people and a catalog."""

import pytest

from teams.models import Membership
from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    ServiceItemFactory,
    ServiceItemFieldFactory,
    TeamFactory,
    UserFactory,
)
from tickets.constants import FieldKind


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
