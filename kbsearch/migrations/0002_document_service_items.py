"""The search documents keep their article's service items (`service_item_ids`), with a GIN
index on PostgreSQL, so that the suggestions' "the chosen service's articles first" is an
index intersection rather than a join over every matching document. Existing documents
are filled from the article's service items. They also keep the body's plain text
(`body_plain`, what excerpts are cut from), filled when an article is next indexed (until
then the excerpt is made from the revision as before)."""

from django.db import migrations, models

POSTGRES_INDEX = ("CREATE INDEX kbsearch_doc_service_items ON kbsearch_articlesearchdocument "
                  "USING gin (service_item_ids jsonb_path_ops)")
POSTGRES_FILL = """
UPDATE kbsearch_articlesearchdocument AS doc
   SET service_item_ids = tied.ids
  FROM (SELECT article_id, jsonb_agg(serviceitem_id ORDER BY serviceitem_id) AS ids
          FROM knowledge_article_service_items GROUP BY article_id) AS tied
 WHERE tied.article_id = doc.article_id
"""


def fill_and_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FILL)
        schema_editor.execute(POSTGRES_INDEX)
        return
    document_model = apps.get_model("kbsearch", "ArticleSearchDocument")
    links = apps.get_model("knowledge", "Article").service_items.through.objects
    tied: dict[int, list[int]] = {}
    for article_id, item_id in links.order_by("serviceitem_id").values_list("article_id", "serviceitem_id"):
        tied.setdefault(article_id, []).append(item_id)
    for document in document_model.objects.filter(article_id__in=tied):
        document.service_item_ids = tied[document.article_id]
        document.save(update_fields=["service_item_ids"])


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS kbsearch_doc_service_items")


class Migration(migrations.Migration):

    dependencies = [
        ("kbsearch", "0001_initial"),
        ("knowledge", "0002_revision_text_immutable"),
    ]

    operations = [
        migrations.AddField(
            model_name="articlesearchdocument",
            name="service_item_ids",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.AddField(
            model_name="articlesearchdocument",
            name="body_plain",
            field=models.TextField(editable=False, null=True),
        ),
        migrations.RunPython(fill_and_index, drop_index),
    ]
