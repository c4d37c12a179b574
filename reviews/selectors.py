"""Reads of the quarterly reviews, with who may see what decided here (the pages, the API and
the export ask here):

- a service admin: every review (drafts too) and every item, and may change them;
- a team lead: the open and closed reviews that have items of the teams they lead, and only
  those items, read-only;
- anyone else: nothing (404).
"""

from __future__ import annotations

from django.db.models import QuerySet

from teams.models import User
from teams.selectors import led_team_ids

from .models import ReviewItem, StandardReview


def can_change_reviews(*, user: User) -> bool:
    return user.is_authenticated and user.is_admin_role


def _item_team_ids(user: User) -> list[int] | None:
    """None: every team's items (an admin)."""
    return None if user.is_admin_role else led_team_ids(user=user)


def reviews_visible_to(*, user: User) -> QuerySet[StandardReview]:
    if not user.is_authenticated:
        return StandardReview.objects.none()
    if user.is_admin_role:
        return StandardReview.objects.all()
    teams = led_team_ids(user=user)
    if not teams:
        return StandardReview.objects.none()
    return (StandardReview.objects.exclude(state=StandardReview.State.DRAFT)
            .filter(items__team_id__in=teams).distinct())


def review_items(*, user: User, review: StandardReview) -> QuerySet[ReviewItem]:
    """The review's items the user may see, with what the pages show of them."""
    items = (ReviewItem.objects.filter(review=review)
             .select_related("standard", "standard__team", "standard__service_item", "standard__category",
                             "team", "decided_by", "applied_standard", "applied_by"))
    teams = _item_team_ids(user)
    if teams is not None:
        items = items.filter(team_id__in=teams)
    return items.order_by("team__name", "standard__name", "standard__version")


def review_list(*, user: User) -> QuerySet[StandardReview]:
    return reviews_visible_to(user=user).select_related("opened_by", "closed_by").order_by("-quarter")


def review_for_user(*, user: User, pk: int) -> StandardReview:
    """The review, or StandardReview.DoesNotExist when it is out of the user's reach."""
    return review_list(user=user).get(pk=pk)


def item_for_user(*, user: User, review: StandardReview, pk: int) -> ReviewItem:
    return review_items(user=user, review=review).get(pk=pk)
