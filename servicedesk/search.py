"""Text search across Chinese scripts and letter case, defined once.

A search for 闪烁 must find 閃爍 and the other way round, on PostgreSQL and SQLite alike.
Two tools, both built on OpenCC's character and phrase tables (simplified ↔ traditional):

- `fold(text)`: one canonical form (simplified script, case-folded) for text that we keep
  ready for searching in a column of its own (the catalog's `search_text`); the query is
  folded the same way and matched with a plain `contains`.
- `variants(text)` / `search_q(fields, text)`: for columns searched as stored (ticket titles,
  descriptions, replies), the query as typed, in simplified and in traditional script; a
  row matches when any field contains any variant. Latin text has a single variant.
"""

import re
from functools import lru_cache, reduce
from operator import or_

import opencc
from django.db.models import Q


@lru_cache(maxsize=1)
def _converters() -> tuple[opencc.OpenCC, opencc.OpenCC]:
    return opencc.OpenCC("t2s"), opencc.OpenCC("s2t")


HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")


def _has_han(text: str) -> bool:
    # a regular expression rather than a loop over the characters: excerpts fold whole
    # article bodies, and most English ones have no Han character to stop at
    return HAN.search(text) is not None


def fold(text: str) -> str:
    """`text` in simplified script and case-folded: what a stored search column holds."""
    text = (text or "").casefold()
    if not _has_han(text):
        return text
    to_simplified, _to_traditional = _converters()
    return to_simplified.convert(text)


def variants(text: str) -> list[str]:
    """The query as typed, then in simplified and in traditional script (no repeats)."""
    text = (text or "").strip()
    if not _has_han(text):
        return [text]
    to_simplified, to_traditional = _converters()
    return list(dict.fromkeys([text, to_simplified.convert(text), to_traditional.convert(text)]))


def search_q(fields: tuple[str, ...] | list[str], text: str) -> Q:
    """A row whose `fields` contain `text` in either script (case-insensitive)."""
    return reduce(or_, (Q(**{f"{field}__icontains": v}) for v in variants(text) for field in fields))
