from celery import shared_task

from .bookkeeping import clocks_replan_pending
from .scanner import sla_scan


@shared_task(name="sla.tasks.scan_deadlines", acks_late=True)
def scan_deadlines() -> dict:
    """One scanner cycle; idempotent, so a redelivered or duplicated run does no harm."""
    replanned = clocks_replan_pending()
    result = sla_scan()
    return {"replanned": replanned, "claimed": result.claimed, "escalations": result.escalations}
