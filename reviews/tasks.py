"""The quarterly review's beat task (thin: the work is in reviews.services)."""

from celery import shared_task

from . import services


@shared_task(name="reviews.tasks.draft_quarter_review")
def draft_quarter_review() -> int | None:
    """At the quarter's start (the beat runs daily, so a missed day catches up): the current
    quarter's review as a draft with its figures, once (the quarter is unique)."""
    review, created = services.review_create_draft(quarter=services.today())
    return review.pk if created else None
