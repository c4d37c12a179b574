"""The reference cache (servicedesk.refcache): filing a ticket reads the catalog, the
service standards, the team's settings and leads and the webhook endpoints from memory,
and the next ticket sees every change to them, made in this process or in another one.

These tests commit (transactional database): inside the usual per-test transaction the
cache is bypassed on purpose, since that transaction could still roll back."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from notifications.models import OutboxMessage
from notifications.services import TICKET_CREATED, preference_set
from servicedesk import refcache
from sla import standards
from sla.models import SLAClock
from teams.models import Membership
from teams.services import user_token_revoke
from tests.factories import MembershipFactory, ServiceItemFieldFactory, ServiceStandardFactory, UserFactory
from tickets import selectors
from tickets import services as tickets
from tickets.models import ServiceItem
from webhooks.models import WebhookDelivery
from webhooks.services import webhook_endpoint_create

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_TABLES = ("tickets_serviceitem", "tickets_servicecategory", "tickets_serviceitemfield",
                    "sla_servicestandard", "sla_businesscalendar", "sla_escalationlevel", "teams_team",
                    "teams_membership", "webhooks_webhookendpoint", "sla_slaclock", "authtoken_token",
                    "notifications_preference")


@pytest.fixture
def standard(world):
    return ServiceStandardFactory(team=world.it, first_response_minutes=60, resolution_minutes=480)


@pytest.fixture
def alice(world, client_for):
    return client_for("alice")


def _file(client, world, **extra):
    body = {"service_item": world.laptop.pk, "title": "Screen flickers", "fields": {"asset_tag": "LT-7"}, **extra}
    return client.post("/api/v1/tickets/", body, format="json")


def test_the_cache_is_on_with_the_shared_redis_cache():
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    assert refcache.enabled()


def test_a_second_ticket_reads_no_reference_data(world, standard, alice):
    first = _file(alice, world)

    with CaptureQueriesContext(connection) as ctx:
        second = _file(alice, world)

    assert first.status_code == second.status_code == 201
    reads = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    assert [sql for sql in reads if any(f'FROM "{table}"' in sql for table in REFERENCE_TABLES)] == []
    # The ticket, then its clocks, its history and the lead's notifications in one
    # statement, and nothing else.
    statements = [q["sql"] for q in ctx.captured_queries]
    assert [sql.split()[0] for sql in statements] == ["BEGIN", "INSERT", "WITH", "COMMIT"]
    for table in ("sla_slaclock", "tickets_ticketevent", "notifications_outboxmessage"):
        assert f'INSERT INTO "{table}"' in statements[2]
    assert second.data["sla"]["first_response"]["state"] == "on_track"
    assert second.data["team"]["name"] == world.it.name


def test_an_edited_standard_applies_to_the_next_ticket(world, standard, alice):
    _file(alice, world)

    standards.standard_save(actor=world.admin, standard=standard, first_response_minutes=30)
    created = _file(alice, world)

    clock = SLAClock.objects.get(ticket_id=created.data["id"], kind=SLAClock.Kind.FIRST_RESPONSE)
    assert clock.target_minutes == 30


def test_a_retired_item_is_refused_at_once(world, standard, alice):
    assert _file(alice, world).status_code == 201

    world.laptop.is_active = False
    world.laptop.save()
    response = _file(alice, world)

    assert response.status_code == 400
    assert "service_item" in response.data["errors"]


def test_a_new_required_field_is_asked_for_at_once(world, standard, alice):
    assert _file(alice, world).status_code == 201

    ServiceItemFieldFactory(item=world.laptop, key="room", label="Room", required=True)
    response = _file(alice, world)

    assert response.status_code == 400
    assert "fields.room" in response.data["errors"]


def test_a_new_assignment_mode_applies_to_the_next_ticket(world, standard, alice):
    assert _file(alice, world).data["assignee"] is None

    tickets.team_set_assignment_mode(team=world.it, mode="round_robin", actor=world.it_lead)

    assert _file(alice, world).data["assignee"] is not None


def test_a_new_webhook_endpoint_hears_about_the_next_ticket(world, standard, alice):
    _file(alice, world)

    endpoint = webhook_endpoint_create(actor=world.admin, url="https://hooks.example.com/sd",
                                       events=["ticket.created"])
    created = _file(alice, world)

    assert WebhookDelivery.objects.filter(endpoint=endpoint, payload__ticket__id=created.data["id"]).exists()


def test_a_new_lead_is_told_about_the_next_ticket(world, standard, alice):
    _file(alice, world)

    carol = UserFactory(username="carol")
    MembershipFactory(user=carol, team=world.it, role=Membership.Role.LEAD)
    created = _file(alice, world)

    assert OutboxMessage.objects.filter(recipient=carol, ticket_id=created.data["id"]).exists()


def test_a_lead_who_turned_notices_off_is_not_told(world, standard, alice):
    _file(alice, world)

    preference_set(user=world.it_lead, event=TICKET_CREATED, delivery="none")
    created = _file(alice, world)

    assert not OutboxMessage.objects.filter(recipient=world.it_lead, ticket_id=created.data["id"]).exists()


def test_a_revoked_token_is_refused_at_once(world, standard, alice):
    assert _file(alice, world).status_code == 201

    user_token_revoke(user=world.alice)

    assert _file(alice, world).status_code == 401


def test_a_deactivated_user_is_refused_at_once(world, standard, alice):
    assert _file(alice, world).status_code == 201

    world.alice.is_active = False
    world.alice.save()

    assert _file(alice, world).status_code == 401


def test_an_agent_who_leaves_the_team_loses_its_tickets_at_once(world, standard, alice, client_for):
    ticket_id = _file(alice, world).data["id"]
    agent = client_for("it_agent")
    assert agent.get(f"/api/v1/tickets/{ticket_id}/").status_code == 200

    Membership.objects.get(user=world.it_agent, team=world.it).delete()

    assert agent.get(f"/api/v1/tickets/{ticket_id}/").status_code == 404
    assert agent.get("/api/v1/tickets/").data["results"] == []


def test_an_edit_that_rolls_back_leaves_nothing_behind(world, standard, alice):
    assert _file(alice, world).status_code == 201

    with pytest.raises(RuntimeError), transaction.atomic():
        world.laptop.is_active = False
        world.laptop.save()
        # Read inside the transaction that retired the item: it sees the change...
        with pytest.raises(ServiceItem.DoesNotExist):
            selectors.active_service_item(pk=world.laptop.pk)
        raise RuntimeError("the edit is abandoned")

    # ...which never happened: the cache must not have kept it.
    assert _file(alice, world).status_code == 201


def _in_another_process(code: str) -> None:
    """Run `code` in a separate Python process on the test database and the same Redis."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
    }
    subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code],
                   env=env, cwd=ROOT, check=True, timeout=60)


def test_an_edit_in_another_process_is_seen_by_the_next_ticket(world, standard, alice):
    assert _file(alice, world).status_code == 201

    _in_another_process("from tickets.models import ServiceItem; "
                        f"item = ServiceItem.objects.get(pk={world.laptop.pk}); item.is_active = False; item.save()")

    assert _file(alice, world).status_code == 400


def test_a_token_revoked_in_another_process_is_refused(world, standard, alice):
    assert _file(alice, world).status_code == 201

    _in_another_process("from teams.models import User; from teams.services import user_token_revoke; "
                        f"user_token_revoke(user=User.objects.get(pk={world.alice.pk}))")

    assert _file(alice, world).status_code == 401


def test_filing_works_when_redis_is_unreachable(world, standard, alice):
    unreachable = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                               "LOCATION": "redis://127.0.0.1:1/1"}}

    with override_settings(CACHES=unreachable):
        first, second = _file(alice, world), _file(alice, world)

    assert first.status_code == second.status_code == 201
    assert second.data["sla"]["first_response"]["state"] == "on_track"


def test_a_per_process_cache_turns_the_reference_cache_off(world, standard, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert not refcache.enabled()

    with CaptureQueriesContext(connection) as ctx:
        selectors.active_service_item(pk=world.laptop.pk)
        selectors.active_service_item(pk=world.laptop.pk)

    assert sum('FROM "tickets_serviceitem"' in q["sql"] for q in ctx.captured_queries) == 2


def test_readers_get_their_own_copy(world):
    first = selectors.active_service_item(pk=world.laptop.pk)
    first.name = "changed by a careless caller"

    assert selectors.active_service_item(pk=world.laptop.pk).name == "Laptop repair"


def test_an_entry_older_than_the_safety_net_is_read_again(world, monkeypatch):
    selectors.active_service_item(pk=world.laptop.pk)
    ServiceItem.objects.filter(pk=world.laptop.pk).update(name="Renamed behind the cache's back")

    assert selectors.active_service_item(pk=world.laptop.pk).name == "Laptop repair"  # still cached
    later = time.monotonic() + refcache.MAX_AGE_SECONDS + 1
    monkeypatch.setattr(refcache.time, "monotonic", lambda: later)

    assert selectors.active_service_item(pk=world.laptop.pk).name == "Renamed behind the cache's back"


@pytest.mark.parametrize("page_size", [10, 100])
def test_a_team_list_with_a_token_is_three_statements(world, standard, alice, client_for, page_size,
                                                       django_assert_num_queries):
    for _ in range(3):
        _file(alice, world)
    agent = client_for("it_agent")
    path = f"/api/v1/tickets/?team={world.it.pk}&status=new,open,pending&ordering=due_at&page_size={page_size}"
    agent.get(path)  # fills the cache

    with django_assert_num_queries(3):  # the tickets, their requesters' and assignees' names, their clocks
        response = agent.get(path)

    assert len(response.data["results"]) == 3


def test_the_reference_cache_can_be_turned_off(world, settings):
    settings.REFERENCE_CACHE = False

    with CaptureQueriesContext(connection) as ctx:
        selectors.active_service_item(pk=world.laptop.pk)
        selectors.active_service_item(pk=world.laptop.pk)

    assert not refcache.enabled()
    assert sum('FROM "tickets_serviceitem"' in q["sql"] for q in ctx.captured_queries) == 2
