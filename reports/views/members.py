"""Member scorecards (绩效卡): the team's members with the team's row (its lead and service
admins), and one member's figures beside the team's (the lead, admins and the member
themself; never a peer or a department head). Anything out of reach is a 404
(reports.access)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from reports import definitions as d
from reports import periods
from reports.access import can_see_all_scorecards, can_see_scorecard
from reports.member_forms import MemberReportForm
from reports.rollup import report_zone
from reports.scorecards import TeamScorecards, member_trend, team_scorecards
from reports.tables import SCORECARD_CASES, Table, member_trend_table, members_table
from servicedesk.db_router import reports_reading
from teams.models import Team, User
from teams.selectors import team_members


def _team_or_404(slug: str) -> Team:
    team = Team.objects.filter(slug=slug).first()
    if team is None:
        raise Http404(_("No such service team."))
    return team


def _presets(request: HttpRequest) -> list[dict]:
    """The preset periods as links keeping the rest of the query string."""
    today = d.local_day(timezone.now(), report_zone())
    chosen = (request.GET.get("from"), request.GET.get("to"))
    out = []
    for key in periods.PRESETS:
        period = periods.preset_period(key, today)
        if period is None:  # custom: the dates typed
            continue
        query = request.GET.copy()
        query["from"], query["to"] = period.first.isoformat(), period.last.isoformat()
        current = chosen == (query["from"], query["to"]) or (key == periods.DEFAULT_PRESET and not any(chosen))
        out.append({"label": periods.PRESET_LABELS[key], "query": query.urlencode(), "current": current})
    return out


# Columns the exports write and the pages leave out (the page marks few cases with a *).
PAGE_HIDDEN = ("note",)


def _columns(table: Table) -> list:
    return [column for column in table.columns if column.key not in PAGE_HIDDEN]


def _rows(table: Table, cards: list[dict], links: list[str | None]) -> list[dict]:
    """The table's rows for the partial: each cell with its kind, and whether its figure was
    counted over few cases."""
    rows = []
    for row, card, link in zip(table.rows, cards, links, strict=True):
        few = set(card["few_cases"]) if card else set()
        rows.append({"link": link, "cells": [
            {"value": value, "kind": column.kind, "few": SCORECARD_CASES.get(column.key) in few}
            for value, column in zip(row, table.columns, strict=True) if column.key not in PAGE_HIDDEN]})
    return rows


def _filter_form(request: HttpRequest, team: Team) -> MemberReportForm:
    form = MemberReportForm(request.GET, user=request.user, team=team)
    form.is_valid()
    return form


def _common(request: HttpRequest, team: Team, form: MemberReportForm) -> dict:
    return {"team": team, "form": form, "presets": _presets(request),
            "period": form.period() if not form.errors else None}


@require_safe
@login_required
@reports_reading()
def report_members(request: HttpRequest, team_slug: str) -> HttpResponse:
    """Every member's scorecard of the team, the team's row first."""
    team = _team_or_404(team_slug)
    if not can_see_all_scorecards(user=request.user, team=team):
        raise Http404(_("No such service team."))
    form = _filter_form(request, team)
    context = _common(request, team, form)
    if form.errors:
        return render(request, "reports/members.html", context, status=400)
    cards = team_scorecards(team=team, members=list(team_members(team=team)), period=form.period(),
                            now=timezone.now())
    table = members_table(cards)
    links = [None] + [reverse("report-member", args=[team.slug, member.username]) + "?" + request.GET.urlencode()
                      for member, _card in cards.members]
    context.update({
        "table": table, "columns": _columns(table),
        "rows": _rows(table, [cards.team] + [card for _m, card in cards.members], links),
        "as_of": cards.as_of, "export_query": urlencode({"team": team.pk, **_period_query(form)}),
    })
    return render(request, "reports/members.html", context)


def _period_query(form: MemberReportForm) -> dict:
    period = form.period()
    return {"from": period.first.isoformat(), "to": period.last.isoformat()}


def _side_by_side(table: Table, cards: TeamScorecards) -> list[dict]:
    """The members table of one member turned on its side: one line per figure, the member's
    value beside the team's."""
    team_row, member_row = table.rows[0], table.rows[1]
    member_card = cards.members[0][1]
    lines = []
    for index, column in enumerate(table.columns):
        if column.key in ("name", "note"):
            continue
        case = SCORECARD_CASES.get(column.key)
        lines.append({"label": column.label, "kind": column.kind, "help": column.help,
                      "member": member_row[index], "team": team_row[index],
                      "few": case in member_card["few_cases"], "team_few": case in cards.team["few_cases"]})
    return lines


@require_safe
@login_required
@reports_reading()
def report_member(request: HttpRequest, team_slug: str, username: str) -> HttpResponse:
    """One member's scorecard beside the team's, and their compliance over 12 weeks."""
    team = _team_or_404(team_slug)
    member = User.objects.filter(username=username).first()
    if member is None or not can_see_scorecard(user=request.user, team=team, member=member):
        raise Http404(_("No such scorecard."))
    form = _filter_form(request, team)
    context = _common(request, team, form)
    context["member"] = member
    if form.errors:
        return render(request, "reports/member.html", context, status=400)
    period = form.period()
    cards = team_scorecards(team=team, members=[member], period=period, now=timezone.now())
    table = members_table(cards)
    trend = member_trend_table(member_trend(team=team, member=member, last=period.last))
    context.update({
        "table": table, "lines": _side_by_side(table, cards), "as_of": cards.as_of,
        "trend": trend, "trend_columns": _columns(trend),
        "trend_rows": _rows(trend, [None] * len(trend.rows), [None] * len(trend.rows)),
        "export_query": urlencode({"team": team.pk, "assignee": member.pk, **_period_query(form)}),
        "can_see_all": can_see_all_scorecards(user=request.user, team=team),
    })
    return render(request, "reports/member.html", context)
