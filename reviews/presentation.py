"""How the quarterly review's stored figures read, in the viewer's language: the rows of the
page and of the XLSX export (one place, so that both say the same), and the flag rules in
words."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from tickets.presentation import format_business_minutes

from .figures import TARGET_FIELDS, thresholds
from .models import ReviewItem, StandardReview
from .rules import TOO_EASY, TOO_TIGHT

KIND_LABELS = {
    "first_response": gettext_lazy("first response"),
    "next_response": gettext_lazy("next response"),
    "resolution": gettext_lazy("resolution"),
}
STATE_LABELS = {
    "draft": pgettext_lazy("review state", "draft"),
    "open": pgettext_lazy("review state", "open"),
    "closed": pgettext_lazy("review state", "closed"),
}
FEEDBACK_KINDS = {
    "suggestion": gettext_lazy("suggestions"),
    "complaint": gettext_lazy("complaints"),
    "praise": gettext_lazy("praise"),
}


def percent(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.0f} %" if value * 100 >= 10 or value == 0 else f"{value * 100:.1f} %"


def seconds_text(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return format_business_minutes(max(0, round(seconds / 60)))


def fraction_text(value: float) -> str:
    """A threshold fraction in words where it has a name (a third), else as a percentage."""
    if abs(value - 1 / 3) < 1e-9:
        return _("a third")
    if abs(value - 0.5) < 1e-9:
        return _("half")
    return percent(value)


def thresholds_of(items) -> dict:
    """The thresholds the review's figures were flagged with (stored with them), or the
    settings' when nothing was computed yet."""
    for item in items:
        if (item.figures or {}).get("thresholds"):
            return item.figures["thresholds"]
    return thresholds()


def rule_texts(thresholds: dict) -> list[str]:
    """The flag rules in words, with their thresholds."""
    return [
        _("Missed in more than %(rate)s of cycles — too tight or understaffed.") % {
            "rate": percent(thresholds["miss_rate"])},
        _("p90 under %(fraction)s of the target and no breach — could be tightened.") % {
            "fraction": fraction_text(thresholds["easy_fraction"])},
        _("No flag with fewer than %(n)d decided cycles: too few to judge.") % {"n": thresholds["min_n"]},
    ]


def flag_text(flag: dict) -> str:
    kind = KIND_LABELS.get(flag["kind"], flag["kind"])
    if flag["code"] == TOO_TIGHT:
        return _("%(kind)s: missed in %(share)s of %(n)d cycles (more than %(rate)s) — too tight or "
                 "understaffed") % {"kind": kind, "share": percent(flag["value"]), "n": flag["n"],
                                    "rate": percent(flag["threshold"])}
    if flag["code"] == TOO_EASY:
        return _("%(kind)s: p90 at %(share)s of the target (under %(fraction)s) and no breach — could be "
                 "tightened") % {"kind": kind, "share": percent(flag["value"]),
                                 "fraction": fraction_text(flag["threshold"])}
    return str(flag["code"])


def compliance_text(entry: dict | None) -> str:
    if not entry or not entry.get("decided"):
        return _("none decided")
    return _("%(share)s (%(met)d of %(decided)d)") % {"share": percent(entry["compliance"]), "met": entry["met"],
                                                      "decided": entry["decided"]}


def scope_text(item: ReviewItem) -> str:
    standard = item.standard
    if standard.service_item_id:
        scope = standard.service_item.tr("name")
    elif standard.category_id:
        scope = _("every service in %(category)s") % {"category": standard.category.tr("name")}
    else:
        scope = _("whole service team")
    priority = standard.get_priority_display() if standard.priority else _("any priority")
    return f"{scope} · {priority}"


def target_rows(item: ReviewItem) -> list[dict]:
    """Per target kind: the target, compliance with its count, p90 against the target, and the
    previous quarter's compliance and p90."""
    figures = item.figures or {}
    sla, previous = figures.get("sla", {}), (figures.get("previous") or {}).get("sla", {})
    rows = []
    for kind, field in TARGET_FIELDS.items():
        target = getattr(item, field)
        entry = sla.get(kind) or {}
        before = previous.get(kind) or {}
        rows.append({
            "kind": kind, "label": KIND_LABELS[kind],
            "target": format_business_minutes(target) if target else _("not tracked"),
            "compliance": compliance_text(entry), "decided": entry.get("decided", 0),
            "small_n": bool(entry.get("decided")) and entry.get("small_n", False),
            "p90": seconds_text(entry.get("p90_business_seconds")),
            "p90_share": percent(entry.get("p90_target_share")) if entry.get("p90_target_share") is not None else "",
            "previous_compliance": compliance_text(before),
            "previous_p90": seconds_text(before.get("p90_business_seconds")),
        })
    return rows


def satisfaction_text(figures: dict) -> str:
    satisfaction = figures.get("satisfaction") or {}
    if not satisfaction.get("responses"):
        return _("no responses")
    return _("%(share)s satisfied, mean %(mean)s (n = %(n)d)") % {
        "share": percent(satisfaction["positive_share"]), "mean": satisfaction["mean"], "n": satisfaction["responses"]}


def feedback_text(figures: dict) -> str:
    feedback = figures.get("feedback") or {}
    if not feedback.get("total"):
        return _("no feedback")
    parts = [f"{label} {feedback['kind'].get(kind, 0)}" for kind, label in FEEDBACK_KINDS.items()]
    return _("%(total)d in all: %(parts)s") % {"total": feedback["total"], "parts": ", ".join(parts)}


def new_targets_text(item: ReviewItem) -> str:
    parts = []
    for kind, field in (("first_response", "new_first_response_minutes"),
                        ("next_response", "new_next_response_minutes"),
                        ("resolution", "new_resolution_minutes")):
        value = getattr(item, field)
        if value is not None:
            parts.append(f"{KIND_LABELS[kind]} {format_business_minutes(value)}")
    return ", ".join(parts)


def item_row(item: ReviewItem) -> dict:
    figures = item.figures or {}
    return {
        "item": item,
        "title": f"{item.standard.tr('name')} v{item.standard.version}",
        "team": item.team.tr("name"),
        "scope": scope_text(item),
        "tickets": figures.get("tickets", 0),
        "targets": target_rows(item),
        "satisfaction": satisfaction_text(figures),
        "feedback": feedback_text(figures),
        "flags": [flag_text(flag) for flag in figures.get("flags", [])],
        "decision": item.get_decision_display() if item.decision else "",
        "new_targets": new_targets_text(item),
    }


def review_heading(review: StandardReview) -> str:
    return _("Quarterly review %(quarter)s") % {"quarter": review.label}
