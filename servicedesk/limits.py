"""Bounds the database sets on values people can type (ids, cursors)."""

# PostgreSQL's bigint (ids): a larger number is refused as input, never sent to a query.
BIGINT_MAX = 2**63 - 1
