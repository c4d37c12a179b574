"""sla_paused on the ticket row, and the SLA summary of existing tickets recomputed under
the one vocabulary (sla.states): `sla_breached` now means "a live clock is past its due
time" (a target met late is history, not breached), `sla_paused` "a live clock is paused".
Clocks stopped unfulfilled (closed or cancelled) are marked `stopped`."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def recompute(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    SLAClock = apps.get_model("sla", "SLAClock")
    SLAClock.objects.filter(stopped_at__isnull=False, state__in=["running", "paused"]).update(state="stopped")
    # Stopped past due but never fulfilled (closed or cancelled unresolved, or never answered):
    # stopped, not met late; the breach stays recorded in breached_at.
    SLAClock.objects.filter(stopped_at__isnull=False, state="breached", kind="resolution",
                            ticket__resolved_at__isnull=True).update(state="stopped")
    SLAClock.objects.filter(stopped_at__isnull=False, state="breached", kind="first_response",
                            ticket__first_response_at__isnull=True).update(state="stopped")
    live = SLAClock.objects.filter(ticket=OuterRef("pk"), stopped_at__isnull=True)
    Ticket.objects.update(
        sla_breached=Exists(live.filter(state="breached")),
        sla_paused=Exists(live.filter(paused_at__isnull=False)),
    )


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0009_event_created_at_default"),
        ("sla", "0007_sla_vocabulary"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="sla_paused",
            field=models.BooleanField(default=False, verbose_name="SLA paused"),
        ),
        migrations.RunPython(recompute, migrations.RunPython.noop),
    ]
