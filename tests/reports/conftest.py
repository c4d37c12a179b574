"""Fixtures of the report tests: a pinned clock and IT's round-the-clock standard (as the outcome tests)."""

from tests.sla.outcome_drivers import clock, standard  # noqa: F401
