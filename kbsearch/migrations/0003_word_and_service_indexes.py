"""The words' GIN indexes also hold the article's service items (two-column GIN indexes:
the title's `tsvector` or the whole document's, and `service_item_ids`), replacing the
separate word and service-item indexes.

Why: the suggestions' "the chosen service's articles first" asks for the documents that
match the words *and* are tied to the service. With one index per column PostgreSQL built
a bitmap of each (a common word: 3,000–10,000 documents; the benchmark's service: 10,000)
and intersected them, 10 ms or more for every such source even when nothing matched. A
multicolumn GIN index answers both conditions in one scan (about 1 ms), and serves a
condition on either column alone as well as the one-column index did, so the old ones
go. PostgreSQL only, like the other search indexes (SQLite has none)."""

from django.db import migrations

CREATE = [
    "CREATE INDEX kbsearch_doc_title_vector_items ON kbsearch_articlesearchdocument "
    "USING gin (title_vector, service_item_ids jsonb_path_ops)",
    "CREATE INDEX kbsearch_doc_vector_items ON kbsearch_articlesearchdocument "
    "USING gin (search_vector, service_item_ids jsonb_path_ops)",
    "DROP INDEX IF EXISTS kbsearch_doc_title_vector",
    "DROP INDEX IF EXISTS kbsearch_doc_vector",
    "DROP INDEX IF EXISTS kbsearch_doc_service_items",
]
RESTORE = [
    "CREATE INDEX kbsearch_doc_vector ON kbsearch_articlesearchdocument USING gin (search_vector)",
    "CREATE INDEX kbsearch_doc_title_vector ON kbsearch_articlesearchdocument USING gin (title_vector)",
    "CREATE INDEX kbsearch_doc_service_items ON kbsearch_articlesearchdocument "
    "USING gin (service_item_ids jsonb_path_ops)",
    "DROP INDEX IF EXISTS kbsearch_doc_title_vector_items",
    "DROP INDEX IF EXISTS kbsearch_doc_vector_items",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("kbsearch", "0002_document_service_items"),
    ]

    operations = [
        migrations.RunPython(_run(CREATE), _run(RESTORE)),
    ]
