import pytest

from servicedesk.exceptions import ApplicationError
from sla.models import ServiceStandard, SLAClock, StandardChange
from sla.selectors import standard_for
from sla.standards.service_standards import standard_retire, standard_save
from tickets.models import Ticket


@pytest.fixture
def standard_kwargs(world, office_calendar):
    def _kwargs(**overrides):
        kwargs = {"name": "IT default", "team": world.it, "calendar": office_calendar,
                  "first_response_minutes": 60, "resolution_minutes": 480, "warning_percent": 80}
        kwargs.update(overrides)
        return kwargs
    return _kwargs


@pytest.fixture
def it_default(world, standard_kwargs):
    return standard_save(actor=world.admin, **standard_kwargs())


def test_creating_a_standard_makes_version_one_and_logs_it(world, standard_kwargs):
    # When a service standard is created
    standard = standard_save(actor=world.admin, **standard_kwargs())

    # Then it is version 1, current, and the log has its values
    assert (standard.version, standard.is_current, standard.created_by) == (1, True, world.admin)
    change = StandardChange.objects.get(object_type="standard", object_id=standard.pk)
    assert change.action == "created"
    assert change.changes["resolution_minutes"] == {"old": None, "new": 480}
    assert change.changes["team"] == {"old": None, "new": "IT Support"}


def test_editing_writes_a_new_version_and_keeps_the_old_row_for_running_clocks(world, it_default):
    # Given a ticket whose clock runs on version 1
    ticket = Ticket.objects.create(requester=world.alice, team=world.it, service_item=world.laptop, title="Broken")
    clock = SLAClock.objects.create(ticket=ticket, kind="resolution", standard=it_default, target_minutes=480,
                                    started_at=ticket.created_at, run_started_at=ticket.created_at)

    # When the resolution target is changed
    new = standard_save(actor=world.admin, standard=it_default, resolution_minutes=240)

    # Then a new current row of the same lineage exists, the old row is unchanged but retired,
    # and the clock still points at the old row
    old = ServiceStandard.objects.get(pk=it_default.pk)
    assert (new.pk != old.pk, new.lineage, new.version, new.is_current) == (True, old.lineage, 2, True)
    assert (old.version, old.is_current, old.resolution_minutes) == (1, False, 480)
    clock.refresh_from_db()
    assert clock.standard_id == old.pk


def test_new_tickets_match_the_new_version(world, it_default):
    # When the standard is edited
    new = standard_save(actor=world.admin, standard=it_default, first_response_minutes=30)

    # Then matching finds the new version
    assert standard_for(team_id=world.it.pk, service_item=world.laptop, priority="P3") == new


def test_editing_logs_old_and_new_of_what_changed(world, it_default):
    # When the warning and the target change
    new = standard_save(actor=world.admin, standard=it_default, resolution_minutes=240,
                        warning_percent=75)

    # Then the log has old → new of those fields and of the version, and nothing else
    change = StandardChange.objects.get(object_type="standard", action="updated")
    assert change.object_id == new.pk
    assert change.changes == {
        "resolution_minutes": {"old": 480, "new": 240},
        "warning_percent": {"old": 80, "new": 75},
        "version": {"old": 1, "new": 2},
    }


def test_saving_without_changes_writes_no_version(world, it_default, row_counts):
    # Given the rows before
    before = row_counts()

    # When saved with the same values
    same = standard_save(actor=world.admin, standard=it_default, name="IT default")

    # Then nothing was written
    assert same.pk == it_default.pk
    assert row_counts() == before


def test_an_old_version_cannot_be_edited(world, it_default, row_counts):
    # Given version 2 replaced version 1
    standard_save(actor=world.admin, standard=it_default, resolution_minutes=240)
    before = row_counts()

    # When version 1 is edited
    with pytest.raises(ApplicationError):
        standard_save(actor=world.admin, standard=it_default, resolution_minutes=120)

    # Then nothing is written
    assert row_counts() == before


def test_retiring_stops_matching_and_is_logged(world, it_default):
    # When the standard is retired
    standard_retire(actor=world.admin, standard=it_default)

    # Then no ticket matches it, the row stays, and the log says so
    assert standard_for(team_id=world.it.pk, service_item=world.laptop, priority="P3") is None
    assert ServiceStandard.objects.filter(pk=it_default.pk, is_current=False).exists()
    change = StandardChange.objects.get(action="retired")
    assert change.changes["is_current"] == {"old": True, "new": False}


BAD_STANDARDS = {
    "zero first response": ({"first_response_minutes": 0}, "first_response_minutes"),
    "negative first response": ({"first_response_minutes": -5}, "first_response_minutes"),
    "zero resolution": ({"resolution_minutes": 0}, "resolution_minutes"),
    "resolution shorter than first response": ({"first_response_minutes": 120, "resolution_minutes": 60},
                                               "resolution_minutes"),
    "warning 0%": ({"warning_percent": 0}, "warning_percent"),
    "warning 100%": ({"warning_percent": 100}, "warning_percent"),
    "empty name": ({"name": ""}, "name"),
    "unknown priority": ({"priority": "P9"}, "priority"),
    "no team": ({"team": None}, "team"),
    "no calendar": ({"calendar": None}, "calendar"),
}


@pytest.mark.parametrize(("overrides", "field"), BAD_STANDARDS.values(), ids=BAD_STANDARDS.keys())
def test_a_bad_new_standard_is_refused_and_nothing_is_written(world, standard_kwargs, row_counts, overrides, field):
    # Given the rows before
    before = row_counts()

    # When a standard with one bad input is created
    with pytest.raises(ApplicationError) as refused:
        standard_save(actor=world.admin, **standard_kwargs(**overrides))

    # Then that input is named and nothing was written
    assert field in refused.value.field_errors
    assert row_counts() == before


@pytest.mark.parametrize(("overrides", "field"), BAD_STANDARDS.values(), ids=BAD_STANDARDS.keys())
def test_a_bad_edit_writes_no_version(world, it_default, row_counts, overrides, field):
    # Given the rows before
    before = row_counts()

    # When an edit with one bad input is saved
    with pytest.raises(ApplicationError) as refused:
        standard_save(actor=world.admin, standard=it_default, **overrides)

    # Then it is refused, no version is written and version 1 stays current
    assert field in refused.value.field_errors
    assert row_counts() == before
    assert ServiceStandard.objects.get(pk=it_default.pk).is_current


def test_a_service_of_another_team_is_refused(world, standard_kwargs, row_counts):
    # Given the rows before
    before = row_counts()

    # When an HR standard is scoped to the IT laptop service
    with pytest.raises(ApplicationError) as refused:
        standard_save(actor=world.admin, **standard_kwargs(team=world.hr, service_item=world.laptop))

    # Then it is refused
    assert "service_item" in refused.value.field_errors
    assert row_counts() == before


def test_a_second_standard_with_the_same_scope_is_refused(world, it_default, standard_kwargs, row_counts):
    # Given "IT default" covers the whole IT team at any priority
    before = row_counts()

    # When another standard with the same scope is created
    with pytest.raises(ApplicationError) as refused:
        standard_save(actor=world.admin, **standard_kwargs(name="IT other"))

    # Then it is refused, because matching could not choose between them
    assert "__all__" in refused.value.field_errors
    assert row_counts() == before
