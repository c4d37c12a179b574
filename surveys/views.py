"""Survey pages: the page a survey link opens (no sign-in: the token is the requester's),
the one-click score from the mail, answering from the ticket page, the lead's Satisfaction
page with the follow-ups, and the service admins' survey settings."""

import datetime as dt

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from servicedesk.exceptions import ApplicationError
from teams.middleware import activate_user_timezone
from teams.models import Team
from tickets.models import Ticket
from tickets.selectors import ticket_for_user

from . import selectors, services
from .forms import AnswerForm, FollowUpDoneForm, SurveySettingsForm
from .models import SCORE_MAX, SCORE_MIN, SurveyFollowUp, SurveyInvite, SurveyResponse

# --- the link in the mail ------------------------------------------------------------------


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/link_closed.html", {"reason": "unknown"}, status=404)


def _token_invite(request: HttpRequest, token: str) -> SurveyInvite | None:
    invite = selectors.invite_for_token(token)
    if invite is None:
        return None
    user = request.user
    if user.is_authenticated and user.pk != invite.requester_id:
        raise PermissionDenied(_("Only the requester can answer this survey."))
    return invite


def _apply_errors(form, error: ApplicationError) -> None:
    for field, message in error.field_errors.items():
        form.add_error(field if field in form.fields else None, message)
    if not error.field_errors:
        form.add_error(None, error.message)


@require_http_methods(["GET", "HEAD", "POST"])
def survey_token(request: HttpRequest, token: str) -> HttpResponse:
    """The survey a link opens: the score and comment while it is open, the comment and
    reason for a day after answering, a polite word when it is closed or used."""
    invite = _token_invite(request, token)
    if invite is None:
        return _invalid_link(request)
    # The requester's language and time zone, whoever's browser opens the mail (the
    # middleware puts the zone back after the response).
    activate_user_timezone(invite.requester)
    with translation.override(invite.requester.language or django_settings.LANGUAGE_CODE):
        return _survey_page(request, invite, token)


def _survey_page(request: HttpRequest, invite: SurveyInvite, token: str) -> HttpResponse:
    settings = selectors.survey_settings_for(team_id=invite.team_id)
    reasons = selectors.survey_reasons_for(settings=settings)
    response = SurveyResponse.objects.filter(invite=invite).select_related("reason").first()
    now = timezone.now()
    context = {"invite": invite, "ticket": invite.ticket, "token": token, "settings": settings,
               "scores": range(SCORE_MIN, SCORE_MAX + 1), "response": response}
    if response is not None:
        editable = now <= response.editable_until
        form = None
        if editable:
            initial = {"comment": response.comment, "reason": response.reason.key if response.reason else ""}
            form = AnswerForm(request.POST or None, initial=initial, reasons=reasons, with_score=False)
            if request.method == "POST" and form.is_valid():
                try:
                    services.survey_response_update(response=response, comment=form.cleaned_data["comment"],
                                                    reason=form.cleaned_data["reason"], actor=request.user)
                except ApplicationError as error:
                    _apply_errors(form, error)
                else:
                    messages.success(request, _("Thank you: your comment is saved."))
                    return redirect("survey-token", token=token)
        context.update({"form": form, "editable": editable,
                        "needs_reason": response.score <= settings.low_score and not response.reason_id})
        return render(request, "surveys/answered.html", context)
    if invite.state == SurveyInvite.State.SENT and invite.expires_at and invite.expires_at <= now:
        return render(request, "surveys/link_closed.html", {**context, "reason": SurveyInvite.State.EXPIRED})
    if invite.state != SurveyInvite.State.SENT:
        return render(request, "surveys/link_closed.html", {**context, "reason": invite.state})
    form = AnswerForm(request.POST or None, reasons=reasons)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(invite=invite, score=form.cleaned_data["score"],
                                   comment=form.cleaned_data["comment"], reason=form.cleaned_data["reason"],
                                   actor=request.user, channel=SurveyResponse.Channel.PAGE)
        except ApplicationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Thank you for your answer."))
            return redirect("survey-token", token=token)
    context["form"] = form
    return render(request, "surveys/answer.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def survey_score(request: HttpRequest, token: str, score: int) -> HttpResponse:
    """A score link of the mail. Opening it shows a page that sends the score at once (a
    small script submits its form; without scripts it is one button), so that a mail
    scanner or link preview that opens every link of a mail records nothing; the POST
    records the score, then the survey page opens for the comment (a used or closed link
    lands there too and says so)."""
    invite = _token_invite(request, token)
    if invite is None or not SCORE_MIN <= score <= SCORE_MAX:
        return _invalid_link(request)
    if request.method != "POST":
        if invite.state != SurveyInvite.State.SENT:
            return redirect("survey-token", token=token)
        with translation.override(invite.requester.language or django_settings.LANGUAGE_CODE):
            return render(request, "surveys/score_send.html",
                          {"invite": invite, "ticket": invite.ticket, "token": token, "score": score})
    if invite.state == SurveyInvite.State.SENT:
        try:
            services.survey_answer(invite=invite, score=score, actor=request.user,
                                   channel=SurveyResponse.Channel.EMAIL, require_reason=False)
        except ApplicationError:
            pass  # expired since: the page says so
    return redirect("survey-token", token=token)


# --- the ticket page -----------------------------------------------------------------------


@require_POST
@login_required
def ticket_survey_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed-in requester answers the ticket's open survey from the ticket page."""
    try:
        ticket = ticket_for_user(user=request.user, pk=pk)
    except Ticket.DoesNotExist:
        raise Http404(_("No such request.")) from None
    invite = selectors.current_invite(ticket=ticket)
    if invite is None or request.user.pk != ticket.requester_id:
        raise Http404(_("No survey here."))
    settings = selectors.survey_settings_for(team_id=invite.team_id)
    form = AnswerForm(request.POST, reasons=selectors.survey_reasons_for(settings=settings))
    if form.is_valid():
        try:
            services.survey_answer(invite=invite, score=form.cleaned_data["score"],
                                   comment=form.cleaned_data["comment"], reason=form.cleaned_data["reason"],
                                   actor=request.user, channel=SurveyResponse.Channel.PAGE)
        except ApplicationError as error:
            if error.code == "permission_denied":
                raise PermissionDenied(error.message) from None
            messages.error(request, " ".join([error.message, *error.field_errors.values()]))
        else:
            messages.success(request, _("Thank you for your answer."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("ticket-detail", pk=ticket.pk)


# --- the lead's pages ----------------------------------------------------------------------


def _lead_team_or_404(request: HttpRequest, team_slug: str) -> Team:
    team = Team.objects.filter(slug=team_slug).first()
    if team is None or not selectors.can_read_team_surveys(user=request.user, team_id=team.pk):
        raise Http404(_("No such page."))
    return team


def _day(text: str | None) -> dt.date | None:
    try:
        return parse_date(text or "")
    except ValueError:
        return None


PAGE_ROWS = 200


@require_safe
@login_required
def team_satisfaction(request: HttpRequest, team_slug: str) -> HttpResponse:
    """Responses of one team with their count, mean and share of 4–5, and the follow-ups
    of low scores (open first). Leads of the team and service admins."""
    team = _lead_team_or_404(request, team_slug)
    start, end = _day(request.GET.get("from")), _day(request.GET.get("to"))
    tz = timezone.get_current_timezone()
    responses = selectors.responses_visible_to(
        user=request.user, team_id=team.pk,
        start=dt.datetime.combine(start, dt.time(), tz) if start else None,
        end=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tz) if end else None,
    ).order_by("-answered_at", "-id")
    settings = selectors.survey_settings_for(team_id=team.pk)
    follow_ups = list(SurveyFollowUp.objects.filter(team=team).select_related("response", "response__reason",
                                                                               "ticket", "done_by")
                      .order_by("state", "-opened_at")[:PAGE_ROWS])
    return render(request, "surveys/satisfaction.html", {
        "team": team, "summary": selectors.responses_summary(responses), "responses": responses[:PAGE_ROWS],
        "page_rows": PAGE_ROWS, "follow_ups": follow_ups, "settings": settings, "start": start, "end": end,
        "done_form": FollowUpDoneForm(),
    })


@require_POST
@login_required
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = SurveyFollowUp.objects.select_related("team").filter(pk=pk).first()
    if follow_up is None or not selectors.can_read_team_surveys(user=request.user, team_id=follow_up.team_id):
        raise Http404(_("No such follow-up."))
    form = FollowUpDoneForm(request.POST)
    if form.is_valid():
        try:
            services.survey_follow_up_done(follow_up=follow_up, actor=request.user, note=form.cleaned_data["note"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The follow-up is done."))
    else:
        messages.error(request, _("Say what was done in a note."))
    back = request.POST.get("next", "")
    allowed = {reverse("ticket-detail", args=[follow_up.ticket_id]),
               reverse("survey-satisfaction", args=[follow_up.team.slug])}
    return redirect(back if back in allowed else reverse("survey-satisfaction", args=[follow_up.team.slug]))


# --- settings ------------------------------------------------------------------------------


def _reasons_text(reasons) -> str:
    return "\n".join(" | ".join([r.key, r.name, *((r.translations or {}).get(lang, {}).get("name", "")
                                                   for lang in ("zh-hans", "zh-hant"))]) for r in reasons)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def survey_settings(request: HttpRequest, team_slug: str | None = None) -> HttpResponse:
    """A team's survey settings (or, without a team, the defaults for all): service admins."""
    if not request.user.is_admin_role:
        raise Http404(_("No such page."))
    team = None
    if team_slug is not None:
        team = Team.objects.filter(slug=team_slug).first()
        if team is None:
            raise Http404(_("No such page."))
    current = selectors.survey_settings_for(team_id=team.pk if team else None)
    own = current.pk is not None and current.team_id == (team.pk if team else None)
    own_reasons = list(current.reasons.filter(is_active=True)) if own else []
    form = SurveySettingsForm(request.POST or None, instance=None,
                              initial={**{f: getattr(current, f) for f in services.SETTINGS_FIELDS},
                                       "reasons": _reasons_text(own_reasons)})
    if request.method == "POST" and form.is_valid():
        try:
            reasons = services.parse_reasons(form.cleaned_data.get("reasons") or "")
            services.survey_settings_save(actor=request.user, team=team, reasons=reasons,
                                          values={f: form.cleaned_data[f] for f in services.SETTINGS_FIELDS})
        except ApplicationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Survey settings saved."))
            return redirect(request.path)
    return render(request, "surveys/settings.html", {
        "team": team, "form": form, "own": own, "teams": Team.objects.order_by("name"),
        "default_reasons": selectors.survey_reasons_for(settings=current) if not own_reasons else [],
    })
