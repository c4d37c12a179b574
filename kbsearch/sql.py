"""The ranking statements of the knowledge-base search on PostgreSQL: the one place in
`kbsearch` that writes SQL (like `sla/sql.py`). `kbsearch.selectors` calls them and
checks the window they return against the visibility rule (`knowledge.selectors`), which
is not repeated here.

Why SQL rather than the ORM:
- a common word ("printer") is in thousands of titles, so each source of candidates
  reads at most `cap` matching documents before anything is ranked. The source is a
  `MATERIALIZED` CTE read through a LIMIT: PostgreSQL plans a CTE for all its rows (so
  it uses the GIN indexes, which hold the service items too: the service's matching
  documents are one index scan) and runs it only as far as the LIMIT reads. A LIMIT on an ORM subquery is planned for its first
  rows instead, and with the service filter the planner took a sequential scan hoping to
  meet a match early when there was none (76 ms instead of 4);
- composing these statements through the ORM (unions of filtered subqueries, rank
  expressions) cost about as much Python time as the database spent on them.

Every value (the tsquery texts, the LIKE pattern, ids) is a parameter; the SQL text is
put together from the fixed fragments below only.
"""

from django.db import connection

DOCUMENTS = "kbsearch_articlesearchdocument"
SCOPES = {
    None: "",
    "tied": " AND service_item_ids @> %(tied)s::jsonb",
    "untied": " AND NOT service_item_ids @> %(tied)s::jsonb",
}
SOURCES = {
    "every": "title_vector @@ to_tsquery('english', %(every)s)",
    "any": "title_vector @@ to_tsquery('english', %(any)s)",
    "whole": "title_folded LIKE %(like)s",
    "body": "search_vector @@ to_tsquery('english', %(any)s) AND NOT (article_id = ANY(%(seen)s::bigint[]))",
}
TITLE_SCORE = ("MAX(ts_rank(d.title_vector, to_tsquery('english', %(any)s))"
               " + CASE WHEN d.title_folded LIKE %(like)s THEN %(whole_weight)s ELSE 0 END"
               " + %(similarity_weight)s * similarity(d.title_folded, %(whole)s))")
TITLE_SCORE_NO_WORDS = ("MAX(CASE WHEN d.title_folded LIKE %(like)s THEN %(whole_weight)s ELSE 0 END"
                        " + %(similarity_weight)s * similarity(d.title_folded, %(whole)s))")
BODY_SCORE = "MAX(%(body_weight)s * ts_rank(d.search_vector, to_tsquery('english', %(any)s)))"


def like_pattern(text: str) -> str:
    """`%text%` for LIKE, its own `%`, `_` and `\\` taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def ranked_window(*, sources: list[str], score: str, scope: str | None, cap: int, window: int,
                  params: dict) -> tuple[list[tuple[int, float]], bool]:
    """The best `window` articles (article id, score; an article's best language counts)
    among at most `cap` documents from each of `sources` (keys of SOURCES) within `scope`
    (a key of SCOPES), scored by `score` ("title" or "body"). Also whether a source may
    have been cut short by `cap` (then a larger window can find more)."""
    ctes = [f"source_{name} AS MATERIALIZED (SELECT id FROM {DOCUMENTS} WHERE {SOURCES[name]}{SCOPES[scope]})"
            for name in sources]
    union = " UNION ".join(f"(SELECT id FROM source_{name} LIMIT %(cap)s)" for name in sources)
    expression = {"title": TITLE_SCORE, "title_no_words": TITLE_SCORE_NO_WORDS, "body": BODY_SCORE}[score]
    sql = (f"WITH {', '.join(ctes)}, candidates AS MATERIALIZED ({union}) "
           f"SELECT d.article_id, {expression} AS score, (SELECT count(*) FROM candidates) AS candidates "
           f"FROM {DOCUMENTS} d JOIN candidates c ON c.id = d.id "
           f"GROUP BY d.article_id ORDER BY score DESC, d.article_id LIMIT %(window)s")
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "cap": cap, "window": window})
        rows = cursor.fetchall()
    capped = bool(rows) and rows[0][2] >= cap
    return [(article_id, float(score)) for article_id, score, _count in rows], capped
