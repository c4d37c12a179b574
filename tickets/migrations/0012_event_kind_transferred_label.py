"""The history's team event is labelled "transferred to team", the glossary's word. Only the
choice's label changes: no SQL, stored rows keep the kind `team`."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0011_saved_view_filter_names'),
    ]

    operations = [
        migrations.AlterField(
            model_name='ticketevent',
            name='kind',
            field=models.CharField(choices=[('created', 'created'), ('status', 'status changed'), ('priority', 'priority changed'), ('assigned', 'assigned'), ('team', 'transferred to team'), ('service_item', 'service changed'), ('comment', 'reply'), ('note', 'internal note'), ('attachment', 'attachment added'), ('first_response', 'first response'), ('sla', 'service standard applied'), ('escalation', 'escalation'), ('collaborator', 'collaborator added'), ('link', 'linked'), ('merged', 'merged'), ('edited', 'edited')], max_length=20),
        ),
    ]
