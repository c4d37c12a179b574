# The clock's (ticket, kind) unique constraint serves every lookup by ticket and the
# foreign-key checks: the single-column index on ticket only cost every insert. Only the
# index is dropped (AlterField alone would also re-add and re-validate the constraint).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sla', '0005_warning_label'),
        ('tickets', '0008_drop_redundant_fk_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "sla_slaclock_ticket_id_81c584d7"',
                    reverse_sql='CREATE INDEX IF NOT EXISTS "sla_slaclock_ticket_id_81c584d7" ON "sla_slaclock" ("ticket_id")',
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name='slaclock',
                    name='ticket',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='sla_clocks', to='tickets.ticket'),
                ),
            ],
        ),
    ]
