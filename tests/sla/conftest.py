"""Fixtures of the SLA outcome tests (a module's own `clock` or `standard` fixture wins)."""

from tests.sla.outcome_drivers import clock, standard  # noqa: F401 (fixtures)
