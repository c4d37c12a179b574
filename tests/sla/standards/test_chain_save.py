import pytest

from servicedesk.exceptions import ApplicationError
from sla.models import EscalationLevel, StandardChange
from sla.standards.chains import chain_save


def level(order, trigger="after_breach", **kwargs):
    values = {"order": order, "trigger": trigger, "applies_to": "both", "notify_lead": True}
    values.update(kwargs)
    return values


GOOD_LEVELS = [
    level(1, "percent", percent=50, notify_assignee=True, notify_lead=False),
    level(2, "percent", percent=90),
    level(3, delay_minutes=0, notify_admins=True),
    level(4, delay_minutes=120, reassign="lead"),
]


@pytest.fixture
def chain(world):
    return chain_save(actor=world.admin, name="Standard escalation", description="", levels=GOOD_LEVELS)


def test_creating_a_chain_writes_its_levels_and_logs_them(world, chain):
    # Then the levels are stored in order and the log lists them
    assert list(chain.levels.values_list("order", "trigger", "percent")) == [
        (1, "percent", 50), (2, "percent", 90), (3, "after_breach", None), (4, "after_breach", None)]
    change = StandardChange.objects.get(object_type="chain", object_id=chain.pk)
    assert change.action == "created"
    assert len(change.changes["levels"]["new"]) == 4


def test_editing_a_chain_keeps_the_rows_of_kept_levels_and_logs_old_and_new(world, chain):
    # Given level 3's row
    level_three = chain.levels.get(order=3)

    # When level 3 also notifies a manager and level 4 is removed
    chain_save(actor=world.admin, chain=chain, name="Standard escalation", description="",
               levels=[*GOOD_LEVELS[:2], level(3, notify_admins=True, notify_users=[world.it_lead])])

    # Then level 3 is the same row, level 4 is gone, and the log shows the levels old → new
    assert chain.levels.get(order=3).pk == level_three.pk
    assert list(chain.levels.get(order=3).notify_users.all()) == [world.it_lead]
    assert not chain.levels.filter(order=4).exists()
    change = StandardChange.objects.get(object_type="chain", action="updated")
    assert len(change.changes["levels"]["old"]) == 4
    assert len(change.changes["levels"]["new"]) == 3


def test_reassign_to_team_stores_the_team(world):
    # When a level reassigns to HR
    chain = chain_save(actor=world.admin, name="To HR", description="",
                       levels=[level(1, reassign="team", reassign_team=world.hr, notify_lead=False)])

    # Then the level has the team
    assert chain.levels.get().reassign_team == world.hr


BAD_LEVELS = {
    "percent level after an after-breach level": [level(1, delay_minutes=0), level(2, "percent", percent=80)],
    "percentages going down": [level(1, "percent", percent=90), level(2, "percent", percent=50)],
    "same percentage twice": [level(1, "percent", percent=50), level(2, "percent", percent=50)],
    "delays going down": [level(1, delay_minutes=60), level(2, delay_minutes=30)],
    "same level number twice": [level(1, "percent", percent=50), level(1, "percent", percent=80)],
    "percent of 100": [level(1, "percent", percent=100)],
    "percent missing": [level(1, "percent")],
    "level number 0": [level(0)],
    "negative delay": [level(1, delay_minutes=-5)],
    "reassign to team without a team": [level(1, reassign="team")],
    "level that does nothing": [level(1, notify_lead=False)],
    "unknown trigger": [level(1, "sometimes")],
}


@pytest.mark.parametrize("levels", BAD_LEVELS.values(), ids=BAD_LEVELS.keys())
def test_bad_levels_are_refused_and_nothing_is_written(world, row_counts, levels):
    # Given the rows before
    before = row_counts()

    # When a chain with bad levels is saved
    with pytest.raises(ApplicationError) as refused:
        chain_save(actor=world.admin, name="Bad", description="", levels=levels)

    # Then the levels are named and nothing is written
    assert "levels" in refused.value.field_errors
    assert row_counts() == before


def test_a_bad_edit_leaves_the_levels_as_they_were(world, chain, row_counts):
    # Given the rows and levels before
    before = row_counts()
    levels_before = list(EscalationLevel.objects.filter(chain=chain).values())

    # When an edit puts a percentage level after the breach levels
    with pytest.raises(ApplicationError):
        chain_save(actor=world.admin, chain=chain, name="Renamed", description="",
                   levels=[*GOOD_LEVELS, level(5, "percent", percent=95)])

    # Then nothing changed
    assert row_counts() == before
    assert list(EscalationLevel.objects.filter(chain=chain).values()) == levels_before
    chain.refresh_from_db()
    assert chain.name == "Standard escalation"


def test_a_chain_name_is_required(world, row_counts):
    before = row_counts()

    with pytest.raises(ApplicationError) as refused:
        chain_save(actor=world.admin, name=" ", description="", levels=GOOD_LEVELS)

    assert "name" in refused.value.field_errors
    assert row_counts() == before
