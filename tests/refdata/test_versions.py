"""The reference cache (refdata.versions): every filed ticket reads its service item, the
team's standards, the leads' audience and the webhook endpoints from it; an edit is seen
by the next read, and only the keys it touches are reloaded."""

import pytest
from django.db import transaction

from notifications.models import Preference
from notifications.selectors import new_ticket_audience
from refdata import versions
from sla.selectors import standard_for
from tests.factories import ServiceStandardFactory
from tickets.selectors import active_service_item


def test_a_service_item_edit_is_seen_by_the_next_read(world):
    # given the laptop item read once (and cached)
    assert active_service_item(pk=world.laptop.pk).name == "Laptop repair"
    # when a service admin renames it
    world.laptop.name = "Notebook repair"
    world.laptop.save()
    # then the next read has the new name
    assert active_service_item(pk=world.laptop.pk).name == "Notebook repair"


def test_a_cached_item_costs_one_lookup_and_a_profile_edit_does_not_reload_it(world, django_assert_num_queries):
    active_service_item(pk=world.laptop.pk)
    # when someone edits their profile
    world.alice.timezone = "Asia/Shanghai"
    world.alice.save()
    # then the item is still this process's copy: one primary-key lookup of its version
    with django_assert_num_queries(1):
        item = active_service_item(pk=world.laptop.pk)
    assert [f.key for f in item.fields.all()] == ["asset_tag", "urgency", "count", "since"]


def test_each_reader_gets_its_own_copy(world):
    first = active_service_item(pk=world.laptop.pk)
    first.name = "changed by a caller"
    assert active_service_item(pk=world.laptop.pk).name == "Laptop repair"


def test_a_rolled_back_edit_leaves_no_stale_copy(world):
    active_service_item(pk=world.laptop.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        world.laptop.name = "Never committed"
        world.laptop.save()
        assert active_service_item(pk=world.laptop.pk).name == "Never committed"  # the edit sees itself
        raise RuntimeError("roll back")
    assert active_service_item(pk=world.laptop.pk).name == "Laptop repair"


def test_a_new_standard_applies_to_the_next_match(world):
    assert standard_for(team_id=world.it.pk, service_item=world.laptop, priority="P3") is None
    standard = ServiceStandardFactory(team=world.it)
    assert standard_for(team_id=world.it.pk, service_item=world.laptop, priority="P3") == standard
    standard.is_current = False
    standard.save()
    assert standard_for(team_id=world.it.pk, service_item=world.laptop, priority="P3") is None


def test_a_leads_preference_edit_reaches_the_audience(world):
    leads, prefs = new_ticket_audience(team_id=world.it.pk, event="ticket_created")
    assert [u.username for u in leads] == ["it.lead"] and prefs == {}
    Preference.objects.create(user=world.it_lead, event="ticket_created", delivery="none")
    _leads, prefs = new_ticket_audience(team_id=world.it.pk, event="ticket_created")
    assert prefs == {(world.it_lead.pk, "ticket_created"): "none"}


def test_turned_off_it_reads_the_database_every_time(world, settings, django_assert_num_queries):
    settings.REFERENCE_CACHE = False
    active_service_item(pk=world.laptop.pk)
    with django_assert_num_queries(2):  # the item with team and category, and its fields
        active_service_item(pk=world.laptop.pk)
    assert versions.enabled() is False
