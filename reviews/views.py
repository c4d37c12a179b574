"""Pages of the quarterly review of the service standards, under /reviews/.

Who sees what is decided by reviews.selectors: service admins every review and may change
them; team leads read the open and closed reviews' items of their teams' standards (no forms);
anyone else gets a 404. Writes go through reviews.services; a closed review shows no forms.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicedesk.exceptions import ApplicationError

from . import presentation, selectors, services
from .export import review_workbook
from .forms import DecisionForm, OpenReviewForm, quarter_choices
from .models import ReviewItem, StandardReview


def _review(request, pk: int) -> StandardReview:
    try:
        return selectors.review_for_user(user=request.user, pk=pk)
    except StandardReview.DoesNotExist:
        raise Http404 from None


def _admin_only(request) -> None:
    if not selectors.can_change_reviews(user=request.user):
        raise Http404


def _open_form(data=None) -> OpenReviewForm:
    taken = set(StandardReview.objects.exclude(state=StandardReview.State.DRAFT).values_list("quarter", flat=True))
    return OpenReviewForm(data, choices=quarter_choices(services.today(), taken))


@login_required
def review_list(request):
    reviews = list(selectors.review_list(user=request.user))
    can_change = selectors.can_change_reviews(user=request.user)
    if not reviews and not can_change:
        raise Http404
    form = _open_form() if can_change else None
    return render(request, "reviews/review_list.html", {
        "reviews": [{"review": r, "state": presentation.STATE_LABELS[r.state]} for r in reviews],
        "form": form, "can_change": can_change})


@login_required
@require_POST
def review_open(request):
    _admin_only(request)
    form = _open_form(request.POST)
    if form.is_valid():
        try:
            review = services.review_open(actor=request.user, quarter=form.quarter_date())
        except ApplicationError as exc:
            messages.error(request, exc.field_errors.get("quarter") or exc.message)
        else:
            messages.success(request, _("The review of %(quarter)s is open.") % {"quarter": review.label})
            return redirect("review-detail", review.pk)
    else:
        messages.error(request, _("Choose a quarter."))
    return redirect("review-list")


def _item_context(request, review: StandardReview, item: ReviewItem, form: DecisionForm | None = None,
                  error: str = "") -> dict:
    can_change = selectors.can_change_reviews(user=request.user) and review.state == StandardReview.State.OPEN
    return {"review": review, "row": presentation.item_row(item), "can_change": can_change,
            "form": form or (DecisionForm(item=item) if can_change and not item.applied_standard_id else None),
            "error": error}


@login_required
def review_detail(request, pk: int):
    review = _review(request, pk)
    items = list(selectors.review_items(user=request.user, review=review))
    can_admin = selectors.can_change_reviews(user=request.user)
    return render(request, "reviews/review_detail.html", {
        "review": review, "state": presentation.STATE_LABELS[review.state],
        "heading": presentation.review_heading(review),
        "rules": presentation.rule_texts(presentation.thresholds_of(items)),
        "items": [_item_context(request, review, item) for item in items],
        "can_admin": can_admin and not review.is_closed,
        "period": (items[0].figures or {}).get("period") if items else None,
    })


def _item(request, review: StandardReview, item_pk: int) -> ReviewItem:
    try:
        return selectors.item_for_user(user=request.user, review=review, pk=item_pk)
    except ReviewItem.DoesNotExist:
        raise Http404 from None


def _item_response(request, review, item, *, form=None, error=""):
    if request.htmx:
        # htmx swaps only a 2xx answer: a refused decision comes back as 200 with its errors.
        return render(request, "reviews/partials/item_decision.html",
                      _item_context(request, review, item, form=form, error=error))
    if error:
        messages.error(request, error)
    return redirect(f"{review.get_absolute_url()}#item-{item.pk}")


@login_required
@require_POST
def item_decide(request, pk: int, item_pk: int):
    _admin_only(request)
    review = _review(request, pk)
    item = _item(request, review, item_pk)
    form = DecisionForm(request.POST, item=item)
    if not form.is_valid():
        return _item_response(request, review, item, form=form, error=_("Check the decision."))
    try:
        item = services.item_decide(actor=request.user, item=item, **form.cleaned_data)
    except ApplicationError as exc:
        for field, message in exc.field_errors.items():
            form.add_error(field if field in form.fields else None, message)
        return _item_response(request, review, item, form=form, error=exc.message)
    review.refresh_from_db()
    return _item_response(request, review, item)


@login_required
@require_POST
def item_apply(request, pk: int, item_pk: int):
    _admin_only(request)
    review = _review(request, pk)
    item = _item(request, review, item_pk)
    try:
        item = services.item_apply(actor=request.user, item=item)
    except ApplicationError as exc:
        return _item_response(request, review, item, error=exc.message)
    return _item_response(request, review, item)


@login_required
@require_POST
def review_refresh(request, pk: int):
    _admin_only(request)
    review = _review(request, pk)
    try:
        services.review_refresh(actor=request.user, review=review)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("review-detail", review.pk)


@login_required
@require_POST
def review_open_draft(request, pk: int):
    _admin_only(request)
    review = _review(request, pk)
    try:
        services.review_open(actor=request.user, quarter=review.quarter)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("review-detail", review.pk)


@login_required
@require_POST
def review_close(request, pk: int):
    _admin_only(request)
    review = _review(request, pk)
    try:
        services.review_close(actor=request.user, review=review)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The review is closed: it is read-only now."))
    return redirect("review-detail", review.pk)


@login_required
def review_export(request, pk: int):
    review = _review(request, pk)
    items = list(selectors.review_items(user=request.user, review=review))
    response = HttpResponse(review_workbook(review=review, items=items),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="review-{review.quarter:%Y-%m}.xlsx"'
    return response
