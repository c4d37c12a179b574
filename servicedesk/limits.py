"""Bounds the database sets on values people can type (ids, cursors)."""

# PostgreSQL's bigint (ids): a larger number is refused as input, never sent to a query.
BIGINT_MAX = 2**63 - 1


def parse_id(text: str | None) -> int | None:
    """An id typed as digits (ASCII only, within bigint), or None."""
    if not text or not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    value = int(text)
    return value if value <= BIGINT_MAX else None
