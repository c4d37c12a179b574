"""Writes of the quarterly review: opening a quarter's review (a service admin, or the beat as a
draft), refreshing its figures, a decision per standard, applying a tighten or loosen decision
as the standard's next version (through sla.standards.service_standards.standard_save, the one
versioning path), and closing it. Every write is recorded in the review's log (ReviewEvent);
a closed review refuses every change.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import definitions as d
from reports.rollup import report_zone
from servicedesk.exceptions import ApplicationError
from servicedesk.text import ControlCharacterError, multi_line
from sla.models import ServiceStandard, StandardChange
from sla.standards.service_standards import standard_save
from teams.models import User

from . import figures, rules
from .models import ReviewEvent, ReviewItem, StandardReview

NOTE_MAX = 2000
NEW_TARGET_FIELDS = {"first_response": "new_first_response_minutes", "next_response": "new_next_response_minutes",
                     "resolution": "new_resolution_minutes"}


def _require_admin(actor: User | None) -> None:
    if actor is not None and not actor.is_admin_role:
        raise ApplicationError(_("Only a service admin may change a quarterly review."), code="permission_denied")


def _log(*, review: StandardReview, actor: User | None, action: str, item: ReviewItem | None = None,
         changes: dict | None = None) -> None:
    ReviewEvent.objects.create(review=review, item=item, action=action,
                               actor=actor if getattr(actor, "pk", None) else None, changes=changes or {})


def _note(note: str) -> dict:
    """A note kept in the log entry of an apply or a close (one clean text, or nothing)."""
    try:
        note = multi_line(note or "").strip()[:NOTE_MAX]
    except ControlCharacterError:
        note = ""
    return {"note": {"old": None, "new": note}} if note else {}


def _locked(review: StandardReview) -> StandardReview:
    return StandardReview.objects.select_for_update().get(pk=review.pk)


def _refuse_if_closed(review: StandardReview) -> None:
    if review.is_closed:
        raise ApplicationError(_("This review is closed: it can no longer be changed."))


def today() -> dt.date:
    return d.local_day(timezone.now(), report_zone())


def clean_quarter(value: dt.date | None) -> dt.date:
    """The first day of a quarter that has started (a later quarter has nothing to review)."""
    if value is None or value != d.quarter_start(value):
        raise ApplicationError(_("Choose the first day of a quarter."),
                               field_errors={"quarter": _("Enter the first day of a quarter, e.g. 2026-10-01.")})
    if value > today():
        raise ApplicationError(_("This quarter has not started yet."),
                               field_errors={"quarter": _("This quarter has not started yet.")})
    return value


def _compute(review: StandardReview) -> None:
    """(Re)compute the figures of every standard version in force during the quarter."""
    for standard, values in figures.review_figures(review.quarter):
        item, _created = ReviewItem.objects.get_or_create(
            review=review, standard=standard,
            defaults={"lineage": standard.lineage, "team_id": standard.team_id,
                      **{field: getattr(standard, field) for field in figures.TARGET_FIELDS.values()}})
        item.figures = values
        item.save(update_fields=["figures"])
    review.computed_at = timezone.now()
    review.save(update_fields=["computed_at"])


def review_create_draft(*, quarter: dt.date) -> tuple[StandardReview, bool]:
    """The beat's part: the review of `quarter` as a draft with its figures, unless the
    quarter already has one (created by another beat, or by an admin): (review, created).
    The unique quarter makes two beats create it once."""
    quarter = d.quarter_start(quarter)
    try:
        with transaction.atomic():
            review = StandardReview.objects.create(quarter=quarter)
            _log(review=review, actor=None, action="drafted")
    except IntegrityError:
        return StandardReview.objects.get(quarter=quarter), False
    with transaction.atomic():
        _compute(_locked(review))
    return StandardReview.objects.get(pk=review.pk), True


@transaction.atomic
def review_open(*, actor: User, quarter: dt.date) -> StandardReview:
    """A service admin opens the review of a quarter: its draft, or a new review; the figures
    are computed now. A review already open or closed is refused."""
    _require_admin(actor)
    quarter = clean_quarter(quarter)
    review, _created = StandardReview.objects.get_or_create(quarter=quarter)
    review = _locked(review)
    if review.state != StandardReview.State.DRAFT:
        raise ApplicationError(_("The review of %(quarter)s is already open or closed.") % {"quarter": review},
                               field_errors={"quarter": _("This quarter's review is already open or closed.")})
    review.state = StandardReview.State.OPEN
    review.opened_by, review.opened_at = actor, timezone.now()
    review.save(update_fields=["state", "opened_by", "opened_at"])
    _compute(review)
    _log(review=review, actor=actor, action="opened")
    return review


@transaction.atomic
def review_refresh(*, actor: User | None, review: StandardReview) -> StandardReview:
    """Compute the figures again (a draft or open review: the quarter may still be running,
    and late outcomes land in their days)."""
    _require_admin(actor)
    review = _locked(review)
    _refuse_if_closed(review)
    _compute(review)
    _log(review=review, actor=actor, action="refreshed")
    return review


def _clean_new_targets(values: dict[str, object]) -> tuple[dict[str, int | None], dict[str, str]]:
    cleaned: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for kind in figures.TARGET_FIELDS:
        field = figures.TARGET_FIELDS[kind]
        value = values.get(field)
        if value in (None, ""):
            cleaned[kind] = None
            continue
        if isinstance(value, bool) or not str(value).strip().isdigit() or int(str(value).strip()) <= 0:
            errors[field] = _("Enter a whole number of business minutes, more than 0, or leave it empty.")
            cleaned[kind] = None
        else:
            cleaned[kind] = int(str(value).strip())
    return cleaned, errors


def _current_version(item: ReviewItem) -> ServiceStandard | None:
    return ServiceStandard.objects.filter(lineage=item.lineage, is_current=True).first()


@transaction.atomic
def item_decide(*, actor: User, item: ReviewItem, decision: str, note: str = "",
                first_response_minutes=None, next_response_minutes=None, resolution_minutes=None) -> ReviewItem:
    """Record the decision about one standard version: keep, tighten, loosen or other, with a
    note; a tighten or loosen decision names the new targets (business minutes; empty keeps
    that target), each no longer (tighten) or no shorter (loosen) than the current version's."""
    _require_admin(actor)
    review = _locked(item.review)
    _refuse_if_closed(review)
    if review.state != StandardReview.State.OPEN:
        raise ApplicationError(_("Open the review before recording decisions."))
    item = ReviewItem.objects.select_for_update().get(pk=item.pk)
    if item.applied_standard_id:
        raise ApplicationError(_("This decision was already applied: the new version exists."))
    errors: dict[str, str] = {}
    if decision not in ReviewItem.Decision.values:
        errors["decision"] = _("Choose keep, tighten, loosen or other.")
    try:
        note = multi_line(note or "").strip()
    except ControlCharacterError as exc:
        errors["note"] = str(exc)
    if len(note) > NOTE_MAX:
        errors["note"] = _("The note is longer than %(max)d characters.") % {"max": NOTE_MAX}
    if decision == ReviewItem.Decision.OTHER and not note and "note" not in errors:
        errors["note"] = _("Say what is decided.")
    new, target_errors = _clean_new_targets({
        "first_response_minutes": first_response_minutes, "next_response_minutes": next_response_minutes,
        "resolution_minutes": resolution_minutes})
    errors.update(target_errors)
    if decision in (ReviewItem.Decision.TIGHTEN, ReviewItem.Decision.LOOSEN) and not target_errors:
        current = _current_version(item)
        if current is None:
            errors["decision"] = _("This standard was retired: there is no version to change.")
        elif all(value is None for value in new.values()):
            errors["first_response_minutes"] = _("Enter the new target of at least one kind.")
        else:
            direction = rules.change_direction(figures.targets_of(current), new)
            if direction != decision:
                errors["decision"] = (_("The new targets must all be shorter than or equal to the current ones.")
                                      if decision == ReviewItem.Decision.TIGHTEN else
                                      _("The new targets must all be longer than or equal to the current ones."))
    elif decision in (ReviewItem.Decision.KEEP, ReviewItem.Decision.OTHER):
        new = dict.fromkeys(new)
    if errors:
        raise ApplicationError(_("The decision was not recorded."), field_errors=errors)
    old = {"decision": item.decision, "note": item.note,
           **{field: getattr(item, field) for field in NEW_TARGET_FIELDS.values()}}
    item.decision, item.note = decision, note
    for kind, field in NEW_TARGET_FIELDS.items():
        setattr(item, field, new[kind])
    item.decided_by, item.decided_at = actor, timezone.now()
    item.save(update_fields=["decision", "note", *NEW_TARGET_FIELDS.values(), "decided_by", "decided_at"])
    now = {"decision": item.decision, "note": item.note,
           **{field: getattr(item, field) for field in NEW_TARGET_FIELDS.values()}}
    _log(review=review, item=item, actor=actor, action="decided",
         changes={key: {"old": old[key], "new": now[key]} for key in now if old[key] != now[key]})
    return item


@transaction.atomic
def item_apply(*, actor: User, item: ReviewItem, note: str = "") -> ReviewItem:
    """Turn a tighten or loosen decision into the standard's next version, through the
    standards' own versioning (standard_save: the change log entry names the review). Tickets
    already filed keep the version their clocks started with; new tickets get the new one."""
    _require_admin(actor)
    review = _locked(item.review)
    _refuse_if_closed(review)
    if review.state != StandardReview.State.OPEN:
        raise ApplicationError(_("Open the review before applying decisions."))
    item = ReviewItem.objects.select_for_update().get(pk=item.pk)
    if item.applied_standard_id:
        raise ApplicationError(_("This decision was already applied: the new version exists."))
    if item.decision not in (ReviewItem.Decision.TIGHTEN, ReviewItem.Decision.LOOSEN):
        raise ApplicationError(_("Only a tighten or loosen decision with new targets can be applied."),
                               field_errors={"decision": _("Record a tighten or loosen decision first.")})
    current = _current_version(item)
    if current is None:
        raise ApplicationError(_("This standard was retired: there is no version to change."))
    fields = {figures.TARGET_FIELDS[kind]: getattr(item, field) for kind, field in NEW_TARGET_FIELDS.items()
              if getattr(item, field) is not None}
    if rules.change_direction(figures.targets_of(current), {k: getattr(item, f) for k, f in
                                                            NEW_TARGET_FIELDS.items()}) != item.decision:
        raise ApplicationError(_("The current version already differs: record the decision again."))
    new = standard_save(actor=actor, standard=current, cause={"review": review.pk}, **fields)
    item.applied_standard = new
    item.applied_change = (StandardChange.objects.filter(object_type="standard", object_id=new.pk)
                           .order_by("-id").first())
    item.applied_by, item.applied_at = actor, timezone.now()
    item.save(update_fields=["applied_standard", "applied_change", "applied_by", "applied_at"])
    _log(review=review, item=item, actor=actor, action="applied",
         changes={"version": {"old": current.version, "new": new.version},
                  "standard": {"old": current.pk, "new": new.pk}, **_note(note)})
    return item


@transaction.atomic
def review_close(*, actor: User, review: StandardReview, note: str = "") -> StandardReview:
    """Close an open review: from now on it is read-only (and exportable)."""
    _require_admin(actor)
    review = _locked(review)
    _refuse_if_closed(review)
    if review.state != StandardReview.State.OPEN:
        raise ApplicationError(_("Open the review before closing it."))
    review.state = StandardReview.State.CLOSED
    review.closed_by, review.closed_at = actor, timezone.now()
    review.save(update_fields=["state", "closed_by", "closed_at"])
    _log(review=review, actor=actor, action="closed", changes=_note(note))
    return review
