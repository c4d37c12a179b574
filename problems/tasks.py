from celery import shared_task

from . import services


@shared_task(name="problems.tasks.flag_hard_problems", acks_late=True)
def flag_hard_problems() -> int:
    """Flag open problems past a threshold to the service admins (a sweep by state)."""
    return services.problems_flag_sweep()
