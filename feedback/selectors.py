"""Who may see which feedback, and the counts the reports read. The pages and the API ask
these; what a user may not see is not found (404).

- The sender sees what they sent (with the answer, the status and its history).
- The lead of the team (a `lead` membership) sees the team's feedback and handles it.
- Service admins see and handle all of it.
- The team's other agents see none of it: feedback may be about them, and it is the
  lead's to act on and to share; what changed because of it reaches them from the lead.
- Anonymous feedback never shows its sender to the team; service admins (and the sender)
  still see who sent it (`sender_visible_to`).
"""

import datetime as dt

from django.db.models import Count, Q, QuerySet

from teams.models import Team, User
from teams.selectors import led_team_ids

from .models import Feedback, FeedbackEvent


def feedback_visible_to(*, user: User) -> QuerySet[Feedback]:
    """The feedback a user may open: their own, their led teams', all for service admins."""
    qs = Feedback.objects.select_related("team", "sender", "answered_by", "attachment")
    if not user.is_authenticated:
        return qs.none()
    if user.is_admin_role:
        return qs
    return qs.filter(Q(sender_id=user.pk) | Q(team_id__in=led_team_ids(user=user)))


def feedback_for_user(*, user: User, pk: int) -> Feedback:
    """One piece of feedback the user may see (Feedback.DoesNotExist otherwise)."""
    return feedback_visible_to(user=user).get(pk=pk)


def can_handle_feedback(*, user: User, feedback: Feedback) -> bool:
    """Answer it and move its status: the team's lead and service admins."""
    return user.is_authenticated and (user.is_admin_role or feedback.team_id in led_team_ids(user=user))


def sender_visible_to(*, user: User, feedback: Feedback) -> bool:
    """Whether `user` may know who sent it: anyone who sees it when it is signed; when it is
    anonymous to the team, only the sender and service admins."""
    return not feedback.anonymous or user.is_admin_role or feedback.sender_id == user.pk


def feedback_sent_by(*, user: User) -> QuerySet[Feedback]:
    """What a user sent ("My feedback"), newest first."""
    return feedback_visible_to(user=user).filter(sender_id=user.pk)


def feedback_handled_teams(*, user: User) -> QuerySet[Team]:
    """The teams whose feedback a user handles: led teams, every active team for admins."""
    if not user.is_authenticated:
        return Team.objects.none()
    if user.is_admin_role:
        return Team.objects.filter(is_active=True).order_by("name")
    return Team.objects.filter(pk__in=led_team_ids(user=user)).order_by("name")


def team_feedback(*, team: Team, kind: str | None = None, status: str | None = None) -> QuerySet[Feedback]:
    """A team's feedback for its lead's list, newest first, optionally of one kind and status."""
    qs = Feedback.objects.filter(team=team).select_related("team", "sender", "attachment")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs


def feedback_events(*, feedback: Feedback) -> QuerySet[FeedbackEvent]:
    return feedback.events.select_related("actor")


def feedback_teams() -> QuerySet[Team]:
    """The teams an employee may send feedback to."""
    return Team.objects.filter(is_active=True).order_by("name")


def _empty_counts() -> dict:
    return {"total": 0, "kind": dict.fromkeys(Feedback.Kind.values, 0),
            "status": dict.fromkeys(Feedback.Status.values, 0),
            "kind_status": {kind: dict.fromkeys(Feedback.Status.values, 0) for kind in Feedback.Kind.values}}


def feedback_counts(*, team_ids: list[int] | None = None, start: dt.datetime | None = None,
                    end: dt.datetime | None = None) -> dict[int, dict]:
    """Feedback counted by kind and by status, per team, for the reports (issue 18) and the
    lead's list. One GROUP BY query.

    - `team_ids`: only these teams (None: every team that has feedback). A team asked for
      that has none is in the answer with zeros.
    - `start` / `end`: feedback *sent* in [start, end) (aware datetimes; None: unbounded).
      The status counted is the one each item has now.

    Returns ``{team_id: {"total": n, "kind": {kind: n}, "status": {status: n},
    "kind_status": {kind: {status: n}}}}`` with every kind and status present (zeros
    included), keyed by the code values of `Feedback.Kind` and `Feedback.Status`.
    """
    qs = Feedback.objects.all()
    if team_ids is not None:
        qs = qs.filter(team_id__in=team_ids)
    if start is not None:
        qs = qs.filter(created_at__gte=start)
    if end is not None:
        qs = qs.filter(created_at__lt=end)
    result: dict[int, dict] = {team_id: _empty_counts() for team_id in team_ids or []}
    rows = qs.order_by().values("team_id", "kind", "status").annotate(n=Count("id"))
    for row in rows:
        counts = result.setdefault(row["team_id"], _empty_counts())
        counts["total"] += row["n"]
        counts["kind"][row["kind"]] += row["n"]
        counts["status"][row["status"]] += row["n"]
        counts["kind_status"][row["kind"]][row["status"]] += row["n"]
    return result
