from celery import shared_task

from . import services


@shared_task(name="sla.tasks.scan_deadlines", acks_late=True)
def scan_deadlines() -> dict:
    """One scanner cycle; idempotent, so a redelivered or duplicated run does no harm."""
    replanned = services.clocks_replan_pending()
    result = services.sla_scan()
    return {"replanned": replanned, "claimed": result.claimed, "escalations": result.escalations}
