"""Member scorecards (绩效卡): one member's figures over a period beside their team's.

Read from the report selectors (the daily rollups cut by assignee, the backlog now) and the
knowledge-base figures of the articles the member wrote; nothing here reads the raw ticket
tables. Who may see whose scorecard is reports.access's (scorecard_members).

A member's figures count the work assigned to them as it stood when each day was rolled up:

- `load`: tickets open now (new, open, waiting on the requester) assigned to them;
- `resolved`, `reopened`, `reopen_rate` (reopened ÷ resolved), `first_contact` (count, rate
  out of resolved);
- `sla`: per target kind met / decided and the compliance, with `timed` and the p50 in
  business time (the first response's p50 is shown on the pages);
- `satisfaction`: responses, positive (4–5), positive share, mean;
- `knowledge`: reports.knowledge's figures of the articles they wrote.

`few_cases` names the figures counted over fewer than reports.definitions.SMALL_N cases
(shown with "few cases: read with care").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from teams.models import Team, User

from . import definitions as d
from .knowledge import empty_knowledge, knowledge_by_author
from .models import OutcomeBucket
from .rollup import report_zone
from .selectors import ReportScope, backlog_by, report_breakdown, report_summary, report_trend


def _card(*, load: int, figures: dict | None, knowledge: dict) -> dict:
    """One scorecard from a summary or a breakdown entry (None: nothing counted)."""
    figures = figures or {}
    resolved = figures.get("resolved", 0)
    reopened = figures.get("reopened", 0)
    first_contact = figures.get("first_contact", 0)
    if isinstance(first_contact, dict):  # a summary's entry carries its rate
        first_contact = first_contact["count"]
    sla = {}
    for kind in d.TARGET_KINDS:
        entry = figures.get("sla", {}).get(kind, {})
        met, decided = entry.get("met", 0), entry.get("decided", 0)
        sla[kind] = {"met": met, "decided": decided, "compliance": d.ratio(met, decided),
                     "timed": entry.get("timed", 0), "p50_business_seconds": entry.get("p50_business_seconds")}
    sat = figures.get("satisfaction", {})
    satisfaction = {"responses": sat.get("responses", 0), "positive": sat.get("positive", 0),
                    "positive_share": sat.get("positive_share"), "mean": sat.get("mean")}
    card = {
        "load": load,
        "resolved": resolved,
        "reopened": reopened,
        "reopen_rate": d.ratio(reopened, resolved),
        "first_contact": {"count": first_contact, "rate": d.ratio(first_contact, resolved)},
        "sla": sla,
        "first_response_p50_business_seconds": sla["first_response"]["p50_business_seconds"],
        "satisfaction": satisfaction,
        "knowledge": knowledge,
    }
    card["few_cases"] = few_cases(card)
    return card


def few_cases(card: dict) -> list[str]:
    """The figures of a scorecard counted over fewer than SMALL_N cases (none counted is not
    "few": it shows as no figure)."""
    counts = {"resolved": card["resolved"], "satisfaction": card["satisfaction"]["responses"],
              "helpful": card["knowledge"]["helpful"]["answers"]}
    counts.update({kind: card["sla"][kind]["decided"] for kind in d.TARGET_KINDS})
    counts["first_response_p50"] = card["sla"]["first_response"]["timed"]
    return [key for key, n in counts.items() if 0 < n < d.SMALL_N]


@dataclass
class TeamScorecards:
    """The scorecards of some members of one team over a period, and the team's own."""

    team_id: int
    period: d.Period
    team: dict
    members: list[tuple[User, dict]]
    as_of: dt.datetime | None


def team_scorecards(*, team: Team, members: Iterable[User], period: d.Period,
                    now: dt.datetime) -> TeamScorecards:
    """The scorecards of `members` (in the order given) and of the whole team: a dozen
    grouped queries whatever the number of members."""
    scope = ReportScope(team_ids=(team.pk,))
    summary = report_summary(scope=scope, period=period, now=now, with_feedback=False)
    breakdown = report_breakdown(scope=scope, period=period, by="assignee_id",  # the p50s in business time
                                 histograms=[(kind, OutcomeBucket.Measure.BUSINESS.value) for kind in d.TARGET_KINDS])
    load = backlog_by(scope=scope, by="assignee_id")
    start, end = d.day_range(period.first, period.last, report_zone())
    knowledge = knowledge_by_author(team_ids=(team.pk,), start=start, end=end)
    cards = [(member, _card(load=load.get(member.pk, 0), figures=breakdown.get(member.pk),
                            knowledge=knowledge.get(member.pk) or empty_knowledge()))
             for member in members]
    team_card = _card(load=summary["backlog"]["total"], figures=summary,
                      knowledge=summary["knowledge"] or empty_knowledge())
    return TeamScorecards(team_id=team.pk, period=period, team=team_card, members=cards, as_of=summary["as_of"])


def member_trend(*, team: Team, member: User, last: dt.date, weeks: int = 12) -> list[dict]:
    """The member's weekly figures (compliance per target kind, resolved) over `weeks` weeks
    ending with the week of `last`."""
    return report_trend(scope=ReportScope(team_ids=(team.pk,), assignee_id=member.pk), last=last, weeks=weeks)
