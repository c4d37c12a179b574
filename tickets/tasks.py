from celery import shared_task

from . import services


@shared_task(name="tickets.tasks.close_resolved_tickets", acks_late=True)
def close_resolved_tickets() -> int:
    """Close tickets resolved longer ago than TICKET_AUTOCLOSE_DAYS (a sweep by state)."""
    return services.tickets_close_resolved()
