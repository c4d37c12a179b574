from celery import shared_task

from . import digest, services

BATCH = 100


@shared_task(name="notifications.tasks.deliver_outbox", acks_late=True)
def deliver_outbox() -> int:
    """Deliver what is due; idempotent, so a redelivered message does no harm."""
    total = 0
    while True:
        claimed = services.deliver_outbox(batch_size=BATCH)
        total += claimed
        if claimed < BATCH:
            return total


@shared_task(name="notifications.tasks.send_lead_digests", acks_late=True)
def send_lead_digests() -> int:
    """The leads' daily digest; keyed by date, so a repeated run sends nothing twice."""
    return digest.lead_digests_enqueue()
