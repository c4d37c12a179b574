"""Saved queue views keep their query string; the queue page now names its filters as the
API does (one filter set for both): `q` is `search`, `sla` is `sla_state`."""

from urllib.parse import parse_qsl, urlencode

from django.db import migrations

RENAMED = {"q": "search", "sla": "sla_state"}


def rename(apps, schema_editor):
    SavedView = apps.get_model("tickets", "SavedView")
    for view in SavedView.objects.all():
        pairs = parse_qsl(view.query, keep_blank_values=True)
        if any(key in RENAMED for key, _value in pairs):
            view.query = urlencode([(RENAMED.get(key, key), value) for key, value in pairs])
            view.save(update_fields=["query"])


class Migration(migrations.Migration):

    dependencies = [("tickets", "0010_sla_vocabulary")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
