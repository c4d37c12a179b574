from celery import shared_task

from . import services


@shared_task(name="surveys.tasks.sweep_surveys", acks_late=True)
def sweep_surveys() -> dict[str, int]:
    """Send the satisfaction surveys that are due and expire old ones (a sweep by state)."""
    return services.surveys_sweep()
