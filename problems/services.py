"""Writes of the problem library: raising and editing a problem (every change recorded,
old → new), linking its incident tickets, and the two bulk actions on its incidents, each
ticket changed through `tickets.services` on its own (a ticket that cannot move is
refused and reported, the others go on). Also the sweep that flags hard problems to the
service admins, once per threshold crossed."""

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from knowledge import services as knowledge
from notifications import services as notify
from servicedesk.exceptions import ApplicationError, ConflictError
from servicedesk.text import multi_line, one_line_field
from teams.models import Team, User
from tickets import services as ticket_services
from tickets.constants import OPEN_STATUSES, RESOLUTION_SUMMARY_MAX, Priority, Status
from tickets.models import Ticket
from tickets.selectors import works_for_team

from .models import (
    OPEN_PROBLEM_STATUSES,
    PROBLEM_TRANSITIONS,
    Problem,
    ProblemChange,
    ProblemFlag,
    ProblemIncident,
    ProblemStatus,
)
from .selectors import service_admins

TITLE_MAX = 200
TEXT_MAX = 20_000
TEXT_FIELDS = ("symptoms", "root_cause", "workaround")
EDITABLE_FIELDS = ("title", *TEXT_FIELDS, "priority", "status")


# --- what a bulk action did to each incident ---------------------------------------------

class Outcome:
    """What happened to one incident in a bulk action."""

    SENT = "sent"
    ALREADY_SENT = "already_sent"
    NOT_OPEN = "not_open"
    RESOLVED = "resolved"
    ALREADY_RESOLVED = "already_resolved"
    LINKED = "linked"
    REFUSED = "refused"


OUTCOME_LABELS = {
    Outcome.SENT: gettext_lazy("workaround sent"),
    Outcome.ALREADY_SENT: gettext_lazy("already has this workaround"),
    Outcome.NOT_OPEN: gettext_lazy("not open: nothing sent"),
    Outcome.RESOLVED: gettext_lazy("resolved"),
    Outcome.ALREADY_RESOLVED: gettext_lazy("already resolved"),
    Outcome.LINKED: gettext_lazy("linked"),
    Outcome.REFUSED: gettext_lazy("refused"),
}


@dataclasses.dataclass
class IncidentOutcome:
    ticket_id: int
    reference: str
    title: str
    outcome: str
    message: str = ""

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])

    @property
    def ok(self) -> bool:
        return self.outcome != Outcome.REFUSED


def _outcome(ticket: Ticket, outcome: str, message: str = "") -> IncidentOutcome:
    return IncidentOutcome(ticket.pk, ticket.reference, ticket.title, outcome, message)


def _record(problem: Problem, actor: User | None, kind: str, **data) -> ProblemChange:
    return ProblemChange.objects.create(problem=problem, actor=actor, kind=kind, data=data)


def _outcomes_data(outcomes: list[IncidentOutcome]) -> list[dict]:
    return [{"ticket": o.ticket_id, "ref": o.reference, "outcome": o.outcome, "message": o.message}
            for o in outcomes]


# --- the problem itself --------------------------------------------------------------------

def _require_team_staff(team_id: int, actor: User) -> None:
    if not works_for_team(user=actor, team_id=team_id):
        raise ApplicationError(_("Only the problem's service team can do this."), code="permission_denied")


def lock_problem(problem: Problem, expected_version: int | None = None) -> Problem:
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(_("%(ref)s was changed by someone else since you opened it. Reload to see the changes.")
                            % {"ref": locked.reference})
    return locked


def _save(problem: Problem, *fields: str) -> None:
    problem.version += 1
    problem.updated_at = timezone.now()
    problem.save(update_fields=[*fields, "version", "updated_at"])


def _clean(values: Mapping[str, object]) -> dict[str, str]:
    """The editable fields given in `values`, checked; every field at fault named at once."""
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    messages: list[str] = []
    if "title" in values:
        try:
            title = one_line_field(str(values["title"] or ""), field="title")
        except ApplicationError as error:
            messages.append(error.message)
            errors.update(error.field_errors)
        else:
            if not title:
                messages.append(_("Give the problem a title."))
                errors["title"] = _("This field is required.")
            elif len(title) > TITLE_MAX:
                messages.append(_("The title is too long."))
                errors["title"] = _("Enter at most %(n)d characters.") % {"n": TITLE_MAX}
            cleaned["title"] = title
    for field in TEXT_FIELDS:
        if field in values:
            text = multi_line(str(values[field] or "")).strip()
            if len(text) > TEXT_MAX:
                messages.append(_("The text is too long."))
                errors[field] = _("Enter at most %(n)d characters.") % {"n": TEXT_MAX}
            cleaned[field] = text
    if "priority" in values:
        if values["priority"] not in Priority.values:
            messages.append(_("Unknown priority."))
            errors["priority"] = _("Choose one of P1, P2, P3, P4.")
        cleaned["priority"] = str(values["priority"])
    if "status" in values:
        if values["status"] not in ProblemStatus.values:
            messages.append(_("Unknown status."))
            errors["status"] = _("Unknown status.")
        cleaned["status"] = str(values["status"])
    if messages:
        message = messages[0] if len(messages) == 1 else _("Some fields are not valid: see each one.")
        raise ApplicationError(message, field_errors=errors)
    return cleaned


@transaction.atomic
def problem_create(
    *, actor: User, team: Team, title: str, symptoms: str = "", root_cause: str = "", workaround: str = "",
    priority: str = Priority.P3, from_ticket: Ticket | None = None,
) -> Problem:
    """Raise a problem for a service team (its agents and leads, or a service admin).
    `from_ticket`: the incident it was raised from, linked to it at once."""
    _require_team_staff(team.pk, actor)
    cleaned = _clean({"title": title, "symptoms": symptoms, "root_cause": root_cause, "workaround": workaround,
                      "priority": priority})
    if not team.is_active:
        raise ApplicationError(_("That team is not active."), field_errors={"team": _("Inactive team.")})
    if from_ticket is not None and from_ticket.team_id != team.pk:
        raise ApplicationError(_("%(ref)s belongs to another team's queue.") % {"ref": from_ticket.reference},
                               field_errors={"team": _("Only tickets of the problem's team.")})
    now = timezone.now()
    problem = Problem.objects.create(team=team, raised_by=actor, created_at=now, updated_at=now, **cleaned)
    _record(problem, actor, ProblemChange.Kind.CREATED,
            **({"from_ticket": from_ticket.pk, "ref": from_ticket.reference} if from_ticket else {}))
    if from_ticket is not None:
        ticket_services.ticket_problem_link(ticket=from_ticket, problem=problem, actor=actor)
        _record(problem, actor, ProblemChange.Kind.LINKED, ticket=from_ticket.pk, ref=from_ticket.reference)
    return problem


def _move(problem: Problem, to: str, now: dt.datetime) -> list[str]:
    """Set the status and its timestamps; the fields changed. Refuses a move the problem's
    lifecycle does not allow."""
    old = problem.status
    if to == old:
        return []
    if to not in PROBLEM_TRANSITIONS[old]:
        allowed = _(", ").join(str(s.label) for s in ProblemStatus if s in PROBLEM_TRANSITIONS[old]) or _("none")
        raise ApplicationError(
            _("A %(old)s problem cannot become %(to)s. Allowed: %(allowed)s.")
            % {"old": ProblemStatus(old).label, "to": ProblemStatus(to).label, "allowed": allowed},
            field_errors={"status": _("Allowed: %(allowed)s.") % {"allowed": allowed}},
        )
    problem.status = to
    fields = ["status"]
    if to == ProblemStatus.RESOLVED:
        problem.resolved_at = now
        fields.append("resolved_at")
    elif to == ProblemStatus.CLOSED:
        problem.closed_at = now
        fields.append("closed_at")
    elif to == ProblemStatus.INVESTIGATING and problem.resolved_at is not None:
        problem.resolved_at = None  # it came back
        fields.append("resolved_at")
    return fields


@transaction.atomic
def problem_update(*, problem: Problem, actor: User, expected_version: int | None = None,
                   **values: object) -> Problem:
    """Edit a problem's title, symptoms, root cause, workaround, priority or status; the
    history records each field changed, old → new. Nothing changed: nothing recorded."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown field."), field_errors={name: _("Unknown field.") for name in unknown})
    problem = lock_problem(problem, expected_version)
    _require_team_staff(problem.team_id, actor)
    cleaned = _clean(values)
    if problem.status == ProblemStatus.CLOSED:
        raise ApplicationError(_("A closed problem cannot be changed."), field_errors={"status": _("Closed.")})
    diff = {field: [getattr(problem, field), value] for field, value in cleaned.items()
            if field != "status" and getattr(problem, field) != value}
    fields = list(diff)
    for field, (_old, new) in diff.items():
        setattr(problem, field, new)
    if "status" in cleaned and cleaned["status"] != problem.status:
        old_status = problem.status
        fields += _move(problem, cleaned["status"], timezone.now())
        diff["status"] = [old_status, problem.status]
    if not diff:
        return problem
    _save(problem, *fields)
    _record(problem, actor, ProblemChange.Kind.EDITED, **diff)
    return problem


# --- its incidents -------------------------------------------------------------------------

def problem_link_incidents(*, problem: Problem, tickets: Iterable[Ticket], actor: User) -> list[IncidentOutcome]:
    """Link tickets to the problem, each on its own: one that cannot be linked (another
    team's, linked to another problem, the problem not open) is refused and reported."""
    _require_team_staff(problem.team_id, actor)
    outcomes = []
    for ticket in tickets:
        try:
            with transaction.atomic():
                locked = lock_problem(problem)
                already = ProblemIncident.objects.filter(ticket=ticket, problem=locked).exists()
                ticket_services.ticket_problem_link(ticket=ticket, problem=locked, actor=actor)
                if not already:
                    _record(locked, actor, ProblemChange.Kind.LINKED, ticket=ticket.pk, ref=ticket.reference)
        except ApplicationError as error:
            outcomes.append(_outcome(ticket, Outcome.REFUSED, error.message))
        else:
            outcomes.append(_outcome(ticket, Outcome.LINKED))
    return outcomes


@transaction.atomic
def problem_link_incident(*, problem: Problem, ticket: Ticket, actor: User,
                          expected_version: int | None = None) -> None:
    """Link one ticket (the ticket page, the API): a refusal is raised, not reported."""
    locked = lock_problem(problem)
    _require_team_staff(locked.team_id, actor)
    already = ProblemIncident.objects.filter(ticket=ticket, problem=locked).exists()
    ticket_services.ticket_problem_link(ticket=ticket, problem=locked, actor=actor, expected_version=expected_version)
    if not already:
        _record(locked, actor, ProblemChange.Kind.LINKED, ticket=ticket.pk, ref=ticket.reference)


@transaction.atomic
def problem_unlink_incident(*, problem: Problem, ticket: Ticket, actor: User,
                            expected_version: int | None = None) -> None:
    """Unlink one of the problem's incidents."""
    locked = lock_problem(problem)
    _require_team_staff(locked.team_id, actor)
    if not ProblemIncident.objects.filter(problem=locked, ticket=ticket).exists():
        raise ApplicationError(_("%(ref)s is not linked to this problem.") % {"ref": ticket.reference},
                               field_errors={"ticket": _("Not linked to this problem.")})
    ticket_services.ticket_problem_unlink(ticket=ticket, actor=actor, expected_version=expected_version)
    _record(locked, actor, ProblemChange.Kind.UNLINKED, ticket=ticket.pk, ref=ticket.reference)


def workaround_reply(problem: Problem, requester: User) -> str:
    """The public reply that carries the workaround, introduced in the requester's language."""
    with translation.override(requester.language or settings.LANGUAGE_CODE):
        # No problem reference: requesters cannot open a problem (its page is staff-only);
        # the reference stays in the staff-facing histories (the ticket's link, the problem's).
        intro = _("We know this problem and are working on its cause. Until it is fixed, this helps:")
    return f"{intro}\n\n{problem.workaround}"


@transaction.atomic
def problem_send_workaround(*, problem: Problem, actor: User,
                            expected_version: int | None = None) -> list[IncidentOutcome]:
    """Post the workaround as one public reply to every linked open incident, each through
    the ticket conversation (audited in its own ticket, its requester notified as for any
    reply). Idempotent per incident: an incident that already got this exact workaround is
    not sent it again; after the workaround is edited, sending posts the new text once.
    Incidents no longer open get nothing; a ticket the reply is refused on is reported.
    `expected_version`: the problem as the caller read it (so the workaround they read is
    the one sent)."""
    problem = lock_problem(problem, expected_version)
    _require_team_staff(problem.team_id, actor)
    if not problem.workaround.strip():
        raise ApplicationError(_("Write the workaround first."), field_errors={"workaround": _("Empty.")})
    if not problem.is_open:
        message = _("A %(status)s problem sends no workaround: its incidents are resolved with it. "
                    "Reopen it first.") % {"status": ProblemStatus(problem.status).label}
        raise ApplicationError(message, field_errors={"status": message})
    outcomes = []
    links = list(problem.incidents.select_related("ticket__requester").order_by("linked_at", "id"))
    for link in links:
        ticket = link.ticket
        if ticket.status not in OPEN_STATUSES:
            outcomes.append(_outcome(ticket, Outcome.NOT_OPEN))
            continue
        if link.workaround_sent == problem.workaround:
            outcomes.append(_outcome(ticket, Outcome.ALREADY_SENT))
            continue
        try:
            with transaction.atomic():
                ticket_services.comment_create(ticket=ticket, author=actor, body=workaround_reply(problem, ticket.requester))
                link.workaround_sent = problem.workaround
                link.workaround_sent_at = timezone.now()
                link.save(update_fields=["workaround_sent", "workaround_sent_at"])
        except ApplicationError as error:
            outcomes.append(_outcome(ticket, Outcome.REFUSED, error.message))
        else:
            outcomes.append(_outcome(ticket, Outcome.SENT))
    if any(o.outcome == Outcome.SENT for o in outcomes):
        _record(problem, actor, ProblemChange.Kind.WORKAROUND_SENT, outcomes=_outcomes_data(outcomes))
    return outcomes


@transaction.atomic
def problem_resolve_incidents(*, problem: Problem, actor: User, summary: str = "",
                              versions: Mapping[int, int] | None = None) -> list[IncidentOutcome]:
    """Resolve the problem (if it is not yet) and, with it, every linked incident, each
    through `ticket_transition` with the resolution summary. An incident that cannot move
    (closed, cancelled, changed since the caller saw it: `versions` maps a ticket id to the
    version the caller saw) is refused and reported; the others are resolved. Already
    resolved incidents are left as they are."""
    problem = lock_problem(problem)
    _require_team_staff(problem.team_id, actor)
    summary = multi_line(summary).strip() or problem.root_cause or problem.title
    if len(summary) > RESOLUTION_SUMMARY_MAX:
        message = _("Keep the resolution summary under %(n)d characters.") % {"n": RESOLUTION_SUMMARY_MAX}
        raise ApplicationError(message, field_errors={"summary": message})
    if problem.status == ProblemStatus.CLOSED:
        raise ApplicationError(_("A closed problem cannot resolve its incidents."),
                               field_errors={"status": _("Closed.")})
    if problem.status == ProblemStatus.RESOLVED and not problem.incidents.filter(
            ticket__status__in=OPEN_STATUSES).exists():
        message = _("This problem is resolved and none of its incidents is open: nothing left to resolve.")
        raise ApplicationError(message, field_errors={"status": message})
    if problem.status != ProblemStatus.RESOLVED:
        old = problem.status
        _save(problem, *_move(problem, ProblemStatus.RESOLVED, timezone.now()))
        _record(problem, actor, ProblemChange.Kind.EDITED, status=[old, problem.status])
    versions = versions or {}
    outcomes = []
    for link in problem.incidents.select_related("ticket").order_by("linked_at", "id"):
        ticket = link.ticket
        if ticket.status == Status.RESOLVED:
            outcomes.append(_outcome(ticket, Outcome.ALREADY_RESOLVED))
            continue
        try:
            with transaction.atomic():
                ticket_services.ticket_transition(ticket=ticket, to=Status.RESOLVED, actor=actor,
                                                  expected_version=versions.get(ticket.pk),
                                                  resolution_summary=summary)
        except ApplicationError as error:
            outcomes.append(_outcome(ticket, Outcome.REFUSED, error.message))
        else:
            outcomes.append(_outcome(ticket, Outcome.RESOLVED))
    _record(problem, actor, ProblemChange.Kind.INCIDENTS_RESOLVED, summary=summary,
            outcomes=_outcomes_data(outcomes))
    return outcomes


# --- the knowledge base ---------------------------------------------------------------------

@transaction.atomic
def problem_publish_article(*, problem: Problem, actor: User):
    """A known error written down as a knowledge-base article in one step (symptoms, root
    cause, workaround): published at once when the actor may publish the team's articles
    (its lead, a service admin), otherwise sent for review (`knowledge.services`). Once per
    problem; the history records the article."""
    problem = lock_problem(problem)
    _require_team_staff(problem.team_id, actor)
    if problem.status != ProblemStatus.KNOWN_ERROR:
        raise ApplicationError(_("Only a known error is published as an article."),
                               field_errors={"status": _("Not a known error.")})
    if not problem.workaround.strip():
        raise ApplicationError(_("Write the workaround first."), field_errors={"workaround": _("Empty.")})
    if problem.changes.filter(kind=ProblemChange.Kind.ARTICLE).exists():
        raise ApplicationError(_("This known error is already an article."),
                               field_errors={"status": _("Already published.")})
    article = knowledge.article_create_from_problem(
        problem_title=problem.title, symptoms=problem.symptoms, workaround=problem.workaround,
        root_cause=problem.root_cause, team=problem.team, actor=actor)
    _record(problem, actor, ProblemChange.Kind.ARTICLE, article=article.pk, status=article.status)
    return article


# --- flagging hard problems ----------------------------------------------------------------

def _thresholds(values) -> list[int]:
    return sorted({int(v) for v in values if int(v) > 0})


def problems_flag_sweep(*, now: dt.datetime | None = None, chunk: int = 200) -> int:
    """Flag every open problem that has crossed a threshold (settings
    PROBLEM_FLAG_INCIDENTS: linked incidents; PROBLEM_FLAG_DAYS: days open) to the service
    admins, once per (problem, threshold): the unique flag row says it was done. Selects
    by state, claims problems with `select_for_update(skip_locked=True)` (a sweep running
    at the same time skips them), so running it twice is harmless. Returns the flags made."""
    now = now or timezone.now()
    by_count = _thresholds(settings.PROBLEM_FLAG_INCIDENTS)
    by_days = _thresholds(settings.PROBLEM_FLAG_DAYS)
    if not by_count and not by_days:
        return 0
    open_problems = Problem.objects.filter(status__in=OPEN_PROBLEM_STATUSES)
    ids: set[int] = set()
    if by_count:  # past the lowest threshold of each kind; which ones exactly is decided under the lock
        ids |= set(open_problems.annotate(incident_count=Count("incidents"))
                   .filter(incident_count__gte=by_count[0]).values_list("pk", flat=True))
    if by_days:
        ids |= set(open_problems.filter(created_at__lte=now - dt.timedelta(days=by_days[0]))
                   .values_list("pk", flat=True))
    made = 0
    ordered = sorted(ids)
    for start in range(0, len(ordered), chunk):
        made += _flag_chunk(ordered[start:start + chunk], now, by_count, by_days)
    return made


@transaction.atomic
def _flag_chunk(ids: list[int], now: dt.datetime, by_count: list[int], by_days: list[int]) -> int:
    problems = list(Problem.objects.filter(pk__in=ids, status__in=OPEN_PROBLEM_STATUSES)
                    .select_for_update(skip_locked=True).order_by("pk"))
    if not problems:
        return 0
    pks = [p.pk for p in problems]
    counts = dict(ProblemIncident.objects.filter(problem_id__in=pks).values("problem_id")
                  .annotate(n=Count("id")).values_list("problem_id", "n"))
    done = set(ProblemFlag.objects.filter(problem_id__in=pks).values_list("problem_id", "threshold"))
    admins = list(service_admins())
    made = 0
    for problem in problems:
        count = counts.get(problem.pk, 0)
        days = (now - problem.created_at).days
        crossed = [(f"incidents:{n}", count) for n in by_count if count >= n]
        crossed += [(f"days:{n}", days) for n in by_days if days >= n]
        for threshold, value in crossed:
            if (problem.pk, threshold) in done:
                continue
            ProblemFlag.objects.create(problem=problem, threshold=threshold, value=value, recorded_at=now)
            _record(problem, None, ProblemChange.Kind.FLAGGED, threshold=threshold, value=value)
            notify.problem_flagged(problem=problem, recipients=admins, threshold=threshold, value=value,
                                   url=reverse("problem-detail", args=[problem.pk]))
            made += 1
    return made
