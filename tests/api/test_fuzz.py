"""Property-based fuzzing of the whole API from its own OpenAPI schema (schemathesis,
through the WSGI app, no server): whatever the input, no 5xx, and every response that
the schema documents matches it. Authenticated as a service admin, who may call every
endpoint; the number of examples is bounded so the run stays short."""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

CHECKS = [not_a_server_error, response_schema_conformance]
# Examples per operation; FUZZ_EXAMPLES=500 for a deeper run by hand.
READ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 15))
WRITE_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 10))
HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much,
          HealthCheck.data_too_large]

# Generating the schema touches no database, so it is loaded when the module is collected.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _app_keeps_the_test_connection(settings):
    """Django's WSGI handler closes the database connection after each request; keep it
    open (as Django's test client does) so requests see the test's data and everything
    is rolled back at the end. And no throttling in the way of a burst of requests."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"user": "100000/min", "anon": "100000/min"}}
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin_headers(world, ticket):
    """A service admin's token, with the usual world and a ticket to find."""
    token, _created = Token.objects.get_or_create(user=world.admin)
    return {"Authorization": f"Token {token.key}"}


@schema.include(method="GET").parametrize()
@settings(max_examples=READ_EXAMPLES, deadline=None, suppress_health_check=HEALTH, derandomize=True)
def test_reads_never_fail_and_match_the_schema(case, admin_headers):
    case.call_and_validate(headers=admin_headers, checks=CHECKS)


@schema.exclude(method="GET").parametrize()
@settings(max_examples=WRITE_EXAMPLES, deadline=None, suppress_health_check=HEALTH, derandomize=True)
def test_writes_never_fail_and_match_the_schema(case, admin_headers):
    case.call_and_validate(headers=admin_headers, checks=CHECKS)
