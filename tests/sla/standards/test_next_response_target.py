"""A service standard's optional next-response target: saved, validated, logged, simulated."""

import datetime as dt

import pytest

from servicedesk.exceptions import ApplicationError
from sla.models import ServiceStandard, StandardChange
from sla.standards.service_standards import standard_save
from sla.standards.simulator import simulate


@pytest.fixture
def save(world, office_calendar):
    def _save(standard=None, **overrides):
        kwargs = {} if standard is not None else {
            "name": "IT default", "team": world.it, "calendar": office_calendar, "first_response_minutes": 60,
            "resolution_minutes": 480}
        return standard_save(actor=world.admin, standard=standard, **{**kwargs, **overrides})
    return _save


def test_a_standard_without_a_next_response_target_does_not_track_it(save):
    assert save().next_response_minutes is None
    assert save(name="Other", priority="P1", next_response_minutes="").next_response_minutes is None


def test_the_target_is_saved_and_its_change_logged(world, save):
    standard = save(next_response_minutes=120)

    edited = save(standard=standard, next_response_minutes=None)

    assert (standard.next_response_minutes, edited.version, edited.next_response_minutes) == (120, 2, None)
    created, changed = StandardChange.objects.filter(object_type="standard").order_by("created_at", "id")
    assert created.changes["next_response_minutes"] == {"old": None, "new": 120}
    assert changed.changes["next_response_minutes"] == {"old": 120, "new": None}


@pytest.mark.parametrize(("value", "message"), [
    (0, "more than 0 minutes"),
    (-5, "more than 0 minutes"),
    (481, "cannot be longer than the resolution target"),
    ("soon", "whole number"),
    (True, "whole number"),
])
def test_a_bad_target_is_refused_by_name(save, value, message):
    with pytest.raises(ApplicationError) as refused:
        save(next_response_minutes=value)

    assert message in refused.value.field_errors["next_response_minutes"]
    assert not ServiceStandard.objects.exists()


def test_the_target_may_equal_the_resolution_target(save):
    assert save(next_response_minutes=480).next_response_minutes == 480


def test_the_simulator_gives_the_next_response_due_time(save):
    # 90 business minutes from Friday 25 September 17:00 on the Shanghai office calendar
    # (09:00–18:00): 60 on Friday, 30 on Monday
    standard = save(next_response_minutes=90)

    result = simulate(standard=standard, start=dt.datetime(2026, 9, 25, 17, 0))

    assert result["next_response_due"].isoformat() == "2026-09-28T09:30:00+08:00"
    assert simulate(standard=save(name="No NR", priority="P1"),
                    start=dt.datetime(2026, 9, 25, 17, 0))["next_response_due"] is None
