from celery import shared_task

from . import services

BATCH = 50


@shared_task(name="webhooks.tasks.deliver_webhooks", acks_late=True)
def deliver_webhooks() -> int:
    """Deliver the webhooks that are due; running it twice at once shares the work."""
    total = 0
    while True:
        claimed = services.webhook_deliver_due(batch_size=BATCH)
        total += claimed
        if claimed < BATCH:
            return total
