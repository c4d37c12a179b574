"""The flags of the quarterly review, as pure rules: figures and thresholds in, flags out (no
ORM, no settings; reviews.figures passes the thresholds from the settings and stores the flags
with them, so that a closed review keeps the rule it was judged by).

- "too_tight": a target missed in more than `miss_rate` of its decided cycles (default 10 %,
  REVIEW_FLAG_MISS_RATE) — too tight, or the team is understaffed.
- "too_easy": the p90 business time under `easy_fraction` of the target (default a third,
  REVIEW_FLAG_EASY_FRACTION) and not one breach — the target could be tightened.
- No flag on a target with fewer than `min_n` decided cycles (REVIEW_FLAG_MIN_N, default 20):
  too few to judge.
"""

from __future__ import annotations

from collections.abc import Mapping

TOO_TIGHT = "too_tight"
TOO_EASY = "too_easy"
FLAG_CODES = (TOO_TIGHT, TOO_EASY)


def miss_share(met: int, decided: int) -> float | None:
    """Breached ÷ decided cycles (None when none was decided)."""
    return (decided - met) / decided if decided else None


def target_flags(*, kind: str, met: int, decided: int, p90_business_seconds: float | None,
                 target_minutes: int | None, miss_rate: float, easy_fraction: float, min_n: int) -> list[dict]:
    """The flags of one target of one standard version over the quarter."""
    if target_minutes is None or decided < min_n:
        return []
    share = miss_share(met, decided)
    if share is not None and share > miss_rate:
        return [{"code": TOO_TIGHT, "kind": kind, "value": share, "threshold": miss_rate, "n": decided}]
    target_seconds = target_minutes * 60
    if met == decided and p90_business_seconds is not None and p90_business_seconds < easy_fraction * target_seconds:
        return [{"code": TOO_EASY, "kind": kind, "value": p90_business_seconds / target_seconds,
                 "threshold": easy_fraction, "n": decided}]
    return []


def review_flags(*, sla: Mapping[str, Mapping], targets: Mapping[str, int | None], miss_rate: float,
                 easy_fraction: float, min_n: int) -> list[dict]:
    """Every flag of a standard version: `sla` is {kind: {met, decided, p90_business_seconds}},
    `targets` {kind: minutes or None (not tracked)}."""
    flags: list[dict] = []
    for kind, target in targets.items():
        entry = sla.get(kind) or {}
        flags += target_flags(kind=kind, met=entry.get("met", 0), decided=entry.get("decided", 0),
                              p90_business_seconds=entry.get("p90_business_seconds"), target_minutes=target,
                              miss_rate=miss_rate, easy_fraction=easy_fraction, min_n=min_n)
    return flags


def change_direction(old: Mapping[str, int | None], new: Mapping[str, int | None]) -> str | None:
    """Whether new targets tighten (every given target ≤ the old one, one shorter), loosen
    (every one ≥, one longer), or neither ("mixed", or None when nothing changes). A target
    left None is kept."""
    shorter = longer = False
    for kind, value in new.items():
        if value is None or old.get(kind) is None:
            continue
        shorter |= value < old[kind]
        longer |= value > old[kind]
    if shorter and longer:
        return "mixed"
    return "tighten" if shorter else "loosen" if longer else None
