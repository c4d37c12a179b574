"""The XLSX export of a quarterly review (openpyxl, write-only): one row per standard version,
the same words as the page (reviews.presentation), in the viewer's language and time zone."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell

from . import presentation
from .models import ReviewItem, StandardReview


def review_workbook(*, review: StandardReview, items: list[ReviewItem]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=review.label)
    sheet.append([presentation.review_heading(review), str(presentation.STATE_LABELS[review.state])])
    sheet.append([_("Flag rules")] + presentation.rule_texts(presentation.thresholds_of(items)))
    sheet.append([])
    header = [_("Service team"), _("Service standard"), _("Scope"), _("Tickets")]
    columns = [_("target"), _("met"), _("decided"), _("compliance"), _("p90 (business time)"),
               _("previous quarter")]
    for label in presentation.KIND_LABELS.values():
        header += [f"{label}: {column}" for column in columns]
    header += [_("Satisfaction"), _("Feedback"), _("Flags"), _("Decision"), _("New targets"), _("Note"),
               _("Decided by"), _("Decided at"), _("New version")]
    sheet.append(header)
    for item in items:
        row = presentation.item_row(item)
        sla = (item.figures or {}).get("sla", {})
        values = [row["team"], row["title"], row["scope"], row["tickets"]]
        for target in row["targets"]:
            entry = sla.get(target["kind"]) or {}
            compliance = WriteOnlyCell(sheet, value=entry.get("compliance"))
            compliance.number_format = "0.0%"
            values += [target["target"], entry.get("met", 0), entry.get("decided", 0), compliance, target["p90"],
                       target["previous_compliance"]]
        decided_at = timezone.localtime(item.decided_at).strftime("%Y-%m-%d %H:%M") if item.decided_at else ""
        values += [row["satisfaction"], row["feedback"], "\n".join(row["flags"]), row["decision"],
                   row["new_targets"], item.note, item.decided_by.display_name if item.decided_by else "",
                   decided_at, _new_version(item.applied_standard)]
        sheet.append([v if v is None or isinstance(v, int | float | Cell) else str(v) for v in values])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _new_version(standard) -> str:
    """The applied version by its name in the reader's language (as the page titles it)."""
    return f"{standard.tr('name')} v{standard.version}" if standard is not None else ""
