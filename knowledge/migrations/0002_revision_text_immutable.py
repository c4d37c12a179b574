"""A revision's title and body cannot be changed in the database itself: a trigger refuses
an UPDATE that changes either (other columns, such as the status, still move)."""

from django.db import migrations

POSTGRESQL = [
    """
    CREATE FUNCTION knowledge_revision_text_immutable() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'a knowledge article revision''s title and body never change: write a new revision'
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER knowledge_revision_text_immutable
    BEFORE UPDATE OF title, body ON knowledge_articlerevision
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.body IS DISTINCT FROM NEW.body)
    EXECUTE FUNCTION knowledge_revision_text_immutable();
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS knowledge_revision_text_immutable ON knowledge_articlerevision;",
    "DROP FUNCTION IF EXISTS knowledge_revision_text_immutable();",
]
SQLITE = [
    """
    CREATE TRIGGER knowledge_revision_text_immutable
    BEFORE UPDATE OF title, body ON knowledge_articlerevision
    FOR EACH ROW WHEN OLD.title IS NOT NEW.title OR OLD.body IS NOT NEW.body
    BEGIN
        SELECT RAISE(ABORT, 'a knowledge article revision''s title and body never change: write a new revision');
    END;
    """,
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS knowledge_revision_text_immutable;"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("knowledge", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
                             _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE})),
    ]
