"""A team's settings page: members' availability and load, the assignment mode, and the
team's canned responses (leads and service admins)."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from servicedesk.exceptions import ApplicationError
from teams import services as team_services
from teams.models import Team

from .. import services
from ..forms import AssignmentModeForm, CannedResponseForm
from ..models import CannedResponse
from ..selectors import members_with_load
from .access import lead_team_or_404, refuse_if_denied, team_or_404
from .queue import back_to_queue


@require_POST
@login_required
def team_availability(request: HttpRequest, team_slug: str) -> HttpResponse:
    """An agent marks themselves available (or not) for automatic assignment in a team."""
    team = team_or_404(request, team_slug)
    available = request.POST.get("available") == "1"
    try:
        team_services.membership_set_available(user=request.user, team=team, available=available)
    except ApplicationError as error:
        refuse_if_denied(error)
    if available:
        messages.success(request, _("You are available for new tickets in %(team)s.") % {"team": team.tr("name")})
    else:
        messages.success(request, _("You get no new tickets in %(team)s until you are available again.")
                         % {"team": team.tr("name")})
    return back_to_queue(team, request.POST.get("query", ""))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def team_settings(request: HttpRequest, team_slug: str) -> HttpResponse:
    """The lead's page: how new tickets are assigned, who is in the team and how loaded
    they are, and the team's canned responses. A 404 for anyone but the lead or an admin."""
    team = lead_team_or_404(request, team_slug)
    if request.method == "POST":
        form = AssignmentModeForm(request.POST)
        if form.is_valid():
            try:
                team_services.team_set_assignment_mode(team=team, mode=form.cleaned_data["mode"], actor=request.user)
            except ApplicationError as error:
                refuse_if_denied(error)
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Automatic assignment is now: %(mode)s.")
                                 % {"mode": Team.Assignment(form.cleaned_data["mode"]).label})
                return redirect("team-settings", team_slug=team.slug)
    else:
        form = AssignmentModeForm(initial={"mode": team.assignment_mode})
    return render(request, "tickets/team_settings.html", {
        "team": team,
        "mode_form": form,
        "members": list(members_with_load(team)),
        "canned_responses": list(team.canned_responses.all()),
        "canned_form": CannedResponseForm(),
    })


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def canned_response_edit(request: HttpRequest, team_slug: str, pk: int | None = None) -> HttpResponse:
    """Add (no `pk`) or edit one of the team's canned responses; the lead's."""
    team = lead_team_or_404(request, team_slug)
    canned = None
    if pk is not None:
        canned = CannedResponse.objects.filter(team=team, pk=pk).first()
        if canned is None:
            raise Http404(_("No such canned response."))
    initial = {"title": canned.title, "body": canned.body, "language": canned.language} if canned else None
    form = CannedResponseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.canned_response_save(team=team, canned=canned, **form.cleaned_data)
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The canned response “%(title)s” was saved.") % {"title": saved.title})
            return redirect("team-settings", team_slug=team.slug)
    return render(request, "tickets/canned_form.html", {"team": team, "form": form, "canned": canned})


@require_POST
@login_required
def canned_response_delete(request: HttpRequest, team_slug: str, pk: int) -> HttpResponse:
    team = lead_team_or_404(request, team_slug)
    canned = CannedResponse.objects.filter(team=team, pk=pk).first()
    if canned is None:
        raise Http404(_("No such canned response."))
    services.canned_response_delete(canned=canned)
    messages.success(request, _("The canned response “%(title)s” was deleted.") % {"title": canned.title})
    return redirect("team-settings", team_slug=team.slug)
