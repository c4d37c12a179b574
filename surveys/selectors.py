"""Reads of the satisfaction surveys: a team's settings and reasons, the invite a token or a
ticket names, the SLA facts of a resolution cycle, and who may see which responses."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet

from sla.models import SLAClock, SLAOutcome
from teams.models import User
from teams.selectors import led_team_ids
from tickets.models import Ticket

from . import tokens
from .models import SurveyFollowUp, SurveyInvite, SurveyReason, SurveyResponse, SurveySettings


def survey_settings_for(*, team_id: int | None) -> SurveySettings:
    """The team's own settings, else the defaults row, else the built-in defaults (unsaved)."""
    rows = {s.team_id: s for s in SurveySettings.objects.filter(Q(team_id=team_id) | Q(team__isnull=True))}
    return rows.get(team_id) or rows.get(None) or SurveySettings()


def survey_reasons_for(*, settings: SurveySettings) -> list[SurveyReason]:
    """The active reasons of these settings; a team without reasons of its own offers the
    defaults' reasons."""
    if settings.pk:
        own = list(settings.reasons.filter(is_active=True))
        if own or settings.team_id is None:
            return own
    return list(SurveyReason.objects.filter(settings__team__isnull=True, is_active=True))


def invite_for_token(token: str) -> SurveyInvite | None:
    """The invite this token opens, or None: unknown, tampered or malformed all look alike."""
    invite_id = tokens.token_invite_id(token)
    if invite_id is None:
        return None
    invite = (SurveyInvite.objects.select_related("ticket", "requester", "team")
              .filter(pk=invite_id).first())
    if invite is None or not tokens.token_matches(token, invite_id=invite.pk, ticket_id=invite.ticket_id,
                                                  cycle=invite.cycle, stored_hash=invite.token_hash):
        return None
    return invite


def invite_token(invite: SurveyInvite) -> str:
    return tokens.make_token(invite_id=invite.pk, ticket_id=invite.ticket_id, cycle=invite.cycle)


def current_invite(*, ticket: Ticket) -> SurveyInvite | None:
    """The ticket's survey of its latest surveyed cycle, with its response if any."""
    return (SurveyInvite.objects.filter(ticket=ticket).select_related("response", "response__reason")
            .order_by("-cycle").first())


def cycle_sla_met(*, ticket: Ticket, cycle: int) -> dict[str, bool | None]:
    """Whether each SLA target of one resolution cycle was met, as its SLA outcomes say
    (None: not tracked or not decided). The first response belongs to cycle 1; the next
    responses are those started within the cycle's resolution (all of them must be met).
    The one place the survey snapshot reads the SLA."""
    outcomes = list(SLAOutcome.objects.filter(ticket=ticket).in_force().order_by("started_at", "id"))
    resolution = next((o for o in outcomes if o.kind == SLAClock.Kind.RESOLUTION and o.cycle == cycle), None)
    first = next((o for o in outcomes if o.kind == SLAClock.Kind.FIRST_RESPONSE), None) if cycle == 1 else None
    next_met = None
    if resolution is not None:
        within = [o.met for o in outcomes if o.kind == SLAClock.Kind.NEXT_RESPONSE
                  and o.started_at >= resolution.started_at
                  and (resolution.stopped_at is None or o.started_at <= resolution.stopped_at)]
        next_met = all(within) if within else None
    return {"first_response": first.met if first else None, "resolution": resolution.met if resolution else None,
            "next_response": next_met}


def can_read_team_surveys(*, user: User, team_id: int) -> bool:
    """Leads of the team and service admins read its responses and follow-ups."""
    return user.is_authenticated and (user.is_admin_role or team_id in led_team_ids(user=user))


def responses_visible_to(*, user: User, team_id: int | None = None, start: dt.datetime | None = None,
                         end: dt.datetime | None = None) -> QuerySet[SurveyResponse]:
    """Responses of the teams the user leads (every team for service admins)."""
    qs = SurveyResponse.objects.select_related("ticket", "team", "respondent", "assignee", "service_item",
                                               "reason", "follow_up")
    if not user.is_authenticated:
        return qs.none()
    if not user.is_admin_role:
        qs = qs.filter(team_id__in=led_team_ids(user=user))
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    if start is not None:
        qs = qs.filter(answered_at__gte=start)
    if end is not None:
        qs = qs.filter(answered_at__lt=end)
    return qs


def respondent_hidden(*, user: User, team_id: int, settings: SurveySettings) -> bool:
    """Whether `user` may not see who gave a score: agents of an anonymous team (leads and
    service admins follow low scores up, so they see the requester)."""
    return settings.anonymous and not user.is_admin_role and team_id not in led_team_ids(user=user)


@dataclass
class Summary:
    count: int
    mean: float | None
    satisfied_share: float | None  # share of 4 and 5
    follow_ups_open: int
    follow_ups_done: int


def responses_summary(responses: QuerySet[SurveyResponse]) -> Summary:
    figures = responses.order_by().aggregate(n=Count("id"), mean=Avg("score"), satisfied=Count("id", filter=Q(score__gte=4)))
    follow = SurveyFollowUp.objects.filter(response__in=responses.order_by().values("pk")).aggregate(
        open=Count("id", filter=Q(state=SurveyFollowUp.State.OPEN)),
        done=Count("id", filter=Q(state=SurveyFollowUp.State.DONE)))
    n = figures["n"]
    return Summary(count=n, mean=round(figures["mean"], 2) if n else None,
                   satisfied_share=round(figures["satisfied"] / n, 3) if n else None,
                   follow_ups_open=follow["open"], follow_ups_done=follow["done"])


def ticket_follow_ups(*, ticket: Ticket) -> QuerySet[SurveyFollowUp]:
    return (SurveyFollowUp.objects.filter(ticket=ticket).select_related("response", "response__reason", "done_by")
            .order_by("opened_at"))
