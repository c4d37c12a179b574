"""Saved queue views keep their query string; the queue page now names its filters as the
API does (one filter set for both): `q` is `search`, `sla` is `sla_state`."""

from urllib.parse import parse_qsl, urlencode

from django.db import migrations

RENAMED = {"q": "search", "sla": "sla_state"}
QUERY_MAX = 1000  # SavedView.query


def _rename(apps, names: dict[str, str]) -> None:
    SavedView = apps.get_model("tickets", "SavedView")
    for view in SavedView.objects.all():
        pairs = parse_qsl(view.query, keep_blank_values=True)
        if any(key in names for key, _value in pairs):
            # A query at the column's length loses its last characters, as saving it would.
            view.query = urlencode([(names.get(key, key), value) for key, value in pairs])[:QUERY_MAX]
            view.save(update_fields=["query"])


def rename(apps, schema_editor):
    _rename(apps, RENAMED)


def rename_back(apps, schema_editor):
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):

    dependencies = [("tickets", "0010_sla_vocabulary")]

    operations = [migrations.RunPython(rename, rename_back)]
