from celery import shared_task

from . import services


@shared_task(name="knowledge.tasks.send_review_reminders", acks_late=True)
def send_review_reminders() -> int:
    """The weekly reminder to owners of articles past their review-by date; a sweep that
    marks what it reminded, so a repeated run reminds nobody twice."""
    return services.article_review_reminders_send()
