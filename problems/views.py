"""Pages of the problem library: the list (flagged first), a problem's page with its
incidents and history, raising and editing a problem, the two bulk actions on its
incidents (the page shows what happened to each ticket), and the links from the ticket
page and the queue's bulk bar. Agents and leads see their teams' problems, service admins
all; anyone else gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from servicedesk.exceptions import ApplicationError, ConflictError
from servicedesk.limits import parse_id
from teams.models import Team
from teams.selectors import user_teams, visible_teams
from tickets.forms import ReferenceForm
from tickets.models import Ticket
from tickets.selectors import can_work_ticket, ticket_for_user, tickets_visible_to

from . import selectors, services
from .forms import ProblemForm, ResolveIncidentsForm, TicketProblemForm
from .models import Problem, ProblemChange, ProblemStatus
from .presentation import describe_change

PROBLEM_PAGE_SIZE = 50


def _library_or_404(request: HttpRequest) -> None:
    if not selectors.can_see_problems(user=request.user):
        raise Http404(_("No such page."))


def _problem_or_404(request: HttpRequest, pk: int) -> Problem:
    try:
        return selectors.problem_for_user(user=request.user, pk=pk)
    except Problem.DoesNotExist:
        raise Http404(_("No such problem.")) from None


def _staff_ticket_or_404(request: HttpRequest, pk: int) -> Ticket:
    """A ticket the user works: one they may not see is a 404, one they only follow a 403."""
    try:
        ticket = ticket_for_user(user=request.user, pk=pk)
    except Ticket.DoesNotExist:
        raise Http404(_("No such request.")) from None
    if not can_work_ticket(user=request.user, ticket=ticket):
        raise PermissionDenied(_("Only the service team can do this."))
    return ticket


def _creatable_teams(user) -> list[Team]:
    if user.is_admin_role:
        return list(Team.objects.filter(is_active=True).order_by("name"))
    return list(user_teams(user=user))


@require_safe
@login_required
def problem_list(request: HttpRequest) -> HttpResponse:
    _library_or_404(request)
    teams = list(visible_teams(user=request.user).order_by("name"))
    team_id = parse_id(request.GET.get("team", ""))
    if team_id is not None and team_id not in {t.pk for t in teams}:
        team_id = None
    status = request.GET.get("status", "open")
    if status not in ("", "open", *ProblemStatus.values):
        status = "open"
    page = Paginator(selectors.problem_list(user=request.user, team_id=team_id, status=status),
                     PROBLEM_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "problems/problem_list.html", {
        "problems": page.object_list, "page": page, "teams": teams, "team_id": team_id, "status": status,
        "statuses": [("open", _("Open (investigating or known error)")), ("", _("All")),
                     *[(s.value, s.label) for s in ProblemStatus]],
    })


@require_http_methods(["GET", "POST"])
@login_required
def problem_new(request: HttpRequest) -> HttpResponse:
    """Raise a problem; `?ticket=<id>` raises it from that ticket (pre-filled from it, and
    linked to it)."""
    _library_or_404(request)
    teams = _creatable_teams(request.user)
    source = None
    ticket_id = parse_id(request.POST.get("ticket") or request.GET.get("ticket") or "")
    if ticket_id is not None:
        source = _staff_ticket_or_404(request, ticket_id)
    if request.method == "POST":
        form = ProblemForm(request.POST, teams=teams)
        if form.is_valid():
            data = form.cleaned_data
            team = next((t for t in teams if t.pk == data["team"]), None)
            try:
                problem = services.problem_create(
                    actor=request.user, team=team, title=data["title"], symptoms=data["symptoms"],
                    root_cause=data["root_cause"], workaround=data["workaround"], priority=data["priority"],
                    from_ticket=source)
            except ApplicationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Problem %(ref)s was raised.") % {"ref": problem.reference})
                return redirect("problem-detail", pk=problem.pk)
    else:
        initial = {}
        if source is not None:
            initial = {"team": source.team_id, "title": source.title, "symptoms": source.description,
                       "priority": source.priority, "ticket": source.pk}
        form = ProblemForm(initial=initial, teams=teams)
    return render(request, "problems/problem_form.html", {"form": form, "problem": None, "source": source})


@require_http_methods(["GET", "POST"])
@login_required
def problem_edit(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem_or_404(request, pk)
    if request.method == "POST":
        form = ProblemForm(request.POST, problem=problem)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.problem_update(
                    problem=problem, actor=request.user, expected_version=data["version"], title=data["title"],
                    symptoms=data["symptoms"], root_cause=data["root_cause"], workaround=data["workaround"],
                    priority=data["priority"], status=data["status"])
            except ConflictError as error:
                messages.error(request, error.message)
                return redirect("problem-detail", pk=problem.pk)
            except ApplicationError as error:
                if error.code == "permission_denied":
                    raise PermissionDenied(error.message) from None
                form.add_service_error(error)
            else:
                messages.success(request, _("The problem was saved."))
                return redirect("problem-detail", pk=problem.pk)
    else:
        form = ProblemForm(problem=problem, initial={
            "title": problem.title, "symptoms": problem.symptoms, "root_cause": problem.root_cause,
            "workaround": problem.workaround, "priority": problem.priority, "status": problem.status,
            "version": problem.version})
    return render(request, "problems/problem_form.html", {"form": form, "problem": problem, "source": None})


def render_problem_page(request: HttpRequest, problem: Problem, *, outcomes=None, action_title: str = "",
                        link_form=None, resolve_form=None) -> HttpResponse:
    incidents = list(selectors.problem_incidents(problem=problem, user=request.user))
    history = [(change, describe_change(change)) for change in selectors.problem_history(problem=problem)]
    open_incidents = sum(1 for i in incidents if i.ticket.is_open)
    return render(request, "problems/problem_detail.html", {
        "problem": problem,
        "incidents": incidents,
        "open_incidents": open_incidents,
        # Only what the services still allow: the workaround goes out while the problem is
        # worked; a resolved problem resolves only incidents still open (reopened, refused).
        "can_send_workaround": problem.is_open,
        "can_resolve": problem.is_open or (problem.status == ProblemStatus.RESOLVED and open_incidents > 0),
        "history": history,
        "flags": list(selectors.problem_flags(problem=problem)),
        "outcomes": outcomes,
        "action_title": action_title,
        "link_form": link_form or ReferenceForm(prefix="link", initial={"version": 1}),
        "resolve_form": resolve_form or ResolveIncidentsForm(initial={"summary": problem.root_cause}),
        "can_change": problem.status != ProblemStatus.CLOSED,
        "articles": [c.data.get("article") for c, _lines in history if c.kind == ProblemChange.Kind.ARTICLE],
    })


@require_safe
@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_problem_page(request, _problem_or_404(request, pk))


def _run(request: HttpRequest, problem: Problem, action) -> HttpResponse | None:
    """Run a service call of the problem page: None on success; a refusal for the user's
    role is a 403; any other refusal is shown as a message on the refreshed page."""
    try:
        action()
    except ApplicationError as error:
        if error.code == "permission_denied":
            raise PermissionDenied(error.message) from None
        messages.error(request, error.message)
        return redirect("problem-detail", pk=problem.pk)
    return None


@require_POST
@login_required
def problem_send_workaround(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem_or_404(request, pk)
    result = {}
    refused = _run(request, problem, lambda: result.update(
        outcomes=services.problem_send_workaround(problem=problem, actor=request.user,
                                                  expected_version=parse_id(request.POST.get("version", "")))))
    if refused:
        return refused
    return render_problem_page(request, _problem_or_404(request, pk), outcomes=result["outcomes"],
                               action_title=_("Send the workaround"))


@require_POST
@login_required
def problem_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem_or_404(request, pk)
    form = ResolveIncidentsForm(request.POST)
    if not form.is_valid():
        return render_problem_page(request, problem, resolve_form=form)
    result = {}
    refused = _run(request, problem, lambda: result.update(outcomes=services.problem_resolve_incidents(
        problem=problem, actor=request.user, summary=form.cleaned_data["summary"],
        versions=form.versions(request.POST))))
    if refused:
        return refused
    return render_problem_page(request, _problem_or_404(request, pk), outcomes=result["outcomes"],
                               action_title=_("Resolve with the problem"))


@require_POST
@login_required
def problem_link_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    """The problem page's "link an incident" by its reference."""
    problem = _problem_or_404(request, pk)
    form = ReferenceForm(request.POST, prefix="link", user=request.user, ticket=Ticket(pk=0))
    if not form.is_valid():
        return render_problem_page(request, problem, link_form=form)
    refused = _run(request, problem, lambda: services.problem_link_incident(
        problem=problem, ticket=form.other, actor=request.user))
    if refused:
        return refused
    messages.success(request, _("%(ref)s was linked.") % {"ref": form.other.reference})
    return redirect("problem-detail", pk=problem.pk)


@require_POST
@login_required
def problem_unlink_ticket(request: HttpRequest, pk: int, ticket_pk: int) -> HttpResponse:
    problem = _problem_or_404(request, pk)
    ticket = tickets_visible_to(user=request.user).filter(pk=ticket_pk).first()
    if ticket is None:
        raise Http404(_("No such request."))
    refused = _run(request, problem, lambda: services.problem_unlink_incident(
        problem=problem, ticket=ticket, actor=request.user))
    if refused:
        return refused
    messages.success(request, _("%(ref)s was unlinked.") % {"ref": ticket.reference})
    return redirect("problem-detail", pk=problem.pk)


@require_POST
@login_required
def problem_publish_article(request: HttpRequest, pk: int) -> HttpResponse:
    """"Publish as an article": the known error in the knowledge base in one step."""
    problem = _problem_or_404(request, pk)
    refused = _run(request, problem, lambda: services.problem_publish_article(problem=problem, actor=request.user))
    if refused:
        return refused
    messages.success(request, _("The known error is now a knowledge article."))
    return redirect("problem-detail", pk=problem.pk)


# --- from the ticket page and the queue ----------------------------------------------------

@require_POST
@login_required
def ticket_link_problem(request: HttpRequest, pk: int) -> HttpResponse:
    """The ticket page's "link to a problem": one of the open problems of the ticket's team."""
    ticket = _staff_ticket_or_404(request, pk)
    form = TicketProblemForm(request.POST, problems=selectors.open_problems_of_team(team_id=ticket.team_id))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("ticket-detail", pk=ticket.pk)
    problem = selectors.open_problems_of_team(team_id=ticket.team_id).get(pk=form.cleaned_data["problem"])
    try:
        services.problem_link_incident(problem=problem, ticket=ticket, actor=request.user,
                                       expected_version=form.cleaned_data["version"])
    except ApplicationError as error:
        if error.code == "permission_denied":
            raise PermissionDenied(error.message) from None
        messages.error(request, error.message)
    else:
        messages.success(request, _("Linked to problem %(ref)s.") % {"ref": problem.reference})
    return redirect("ticket-detail", pk=ticket.pk)


@require_POST
@login_required
def ticket_unlink_problem(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _staff_ticket_or_404(request, pk)
    problem = selectors.ticket_problem(ticket=ticket)
    if problem is None:
        messages.error(request, _("This ticket is not linked to a problem."))
        return redirect("ticket-detail", pk=ticket.pk)
    try:
        services.problem_unlink_incident(problem=problem, ticket=ticket, actor=request.user,
                                         expected_version=parse_id(request.POST.get("version", "")))
    except ApplicationError as error:
        if error.code == "permission_denied":
            raise PermissionDenied(error.message) from None
        messages.error(request, error.message)
    else:
        messages.success(request, _("Unlinked from problem %(ref)s.") % {"ref": problem.reference})
    return redirect("ticket-detail", pk=ticket.pk)


@require_POST
@login_required
def queue_link_problem(request: HttpRequest, team_slug: str) -> HttpResponse:
    """The queue's bulk bar, "link to problem…": the ticked tickets of this queue, each
    linked on its own; those that cannot be are listed with the reason."""
    team = visible_teams(user=request.user).filter(slug=team_slug).first()
    if team is None:
        raise Http404(_("No such queue."))
    back = reverse("team-queue", args=[team.slug])
    query = request.POST.get("query", "")
    if query:
        back = f"{back}?{query}"
    problem = selectors.open_problems_of_team(team_id=team.pk).filter(
        pk=parse_id(request.POST.get("problem", "")) or 0).first()
    if problem is None:
        messages.error(request, _("Choose an open problem of this team."))
        return redirect(back)
    ids = [pk for pk in map(parse_id, request.POST.getlist("ticket")) if pk is not None]
    tickets = list(tickets_visible_to(user=request.user).filter(team=team, pk__in=ids).order_by("pk"))
    if not tickets:
        messages.error(request, _("Select at least one ticket."))
        return redirect(back)
    try:
        outcomes = services.problem_link_incidents(problem=problem, tickets=tickets, actor=request.user)
    except ApplicationError as error:
        if error.code == "permission_denied":
            raise PermissionDenied(error.message) from None
        messages.error(request, error.message)
        return redirect(back)
    refused = [o for o in outcomes if not o.ok]
    summary = _("%(linked)d linked to %(ref)s, %(refused)d refused.") % {
        "linked": len(outcomes) - len(refused), "ref": problem.reference, "refused": len(refused)}
    (messages.warning if refused else messages.success)(request, summary)
    for outcome in refused:
        messages.warning(request, _("%(reference)s refused: %(reason)s") % {
            "reference": outcome.reference, "reason": outcome.message})
    return redirect(back)
