"""The feedback pages: sending feedback on a service team, "My feedback", one item's page
(with the team's answer form for its lead and service admins), a team's list for its lead,
and the attachment's download. What a user may not see is a 404 (`feedback.selectors`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from servicedesk.exceptions import ApplicationError

from . import selectors, services
from .forms import FeedbackAnswerForm, FeedbackForm, TeamFeedbackFilterForm
from .models import Feedback

PAGE_SIZE = 20


def _feedback_or_404(request: HttpRequest, pk: int) -> Feedback:
    try:
        return selectors.feedback_for_user(user=request.user, pk=pk)
    except Feedback.DoesNotExist:
        raise Http404(_("No such feedback.")) from None


@login_required
def feedback_new(request: HttpRequest) -> HttpResponse:
    """Send feedback to a team; nothing is stored unless all of it is valid."""
    if request.method == "POST":
        form = FeedbackForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                feedback = services.feedback_create(
                    sender=request.user, team=data["team"], kind=data["kind"], text=data["text"],
                    anonymous=data["anonymous"], attachment=data["attachment"])
            except ApplicationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Thank you. Your feedback was sent to %(team)s.")
                                 % {"team": feedback.team.tr("name")})
                return redirect("feedback-detail", pk=feedback.pk)
    else:
        form = FeedbackForm(initial={"kind": Feedback.Kind.SUGGESTION})
    return render(request, "feedback/new.html", {"form": form, "files_dropped": bool(request.FILES) and form.errors})


@require_safe
@login_required
def feedback_mine(request: HttpRequest) -> HttpResponse:
    """What I sent, with where each stands; the teams whose feedback I handle."""
    page = Paginator(selectors.feedback_sent_by(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    teams = list(selectors.feedback_handled_teams(user=request.user))
    counts = selectors.feedback_counts(team_ids=[t.pk for t in teams]) if teams else {}
    handled = [(team, counts[team.pk]["status"][Feedback.Status.NEW], counts[team.pk]["total"]) for team in teams]
    return render(request, "feedback/mine.html", {"page": page, "handled": handled})


@require_safe
@login_required
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = _feedback_or_404(request, pk)
    return _detail(request, feedback)


def _detail(request: HttpRequest, feedback: Feedback, form: FeedbackAnswerForm | None = None,
            status: int = 200) -> HttpResponse:
    can_handle = selectors.can_handle_feedback(user=request.user, feedback=feedback)
    allowed = services.status_choices_after(feedback.status)
    if can_handle and form is None:
        form = FeedbackAnswerForm(allowed_statuses=allowed, initial={"answer": feedback.answer})
    return render(request, "feedback/detail.html", {
        "feedback": feedback,
        "show_sender": selectors.sender_visible_to(user=request.user, feedback=feedback),
        "is_sender": feedback.sender_id == request.user.pk,
        "can_handle": can_handle,
        "form": form if can_handle else None,
        "events": selectors.feedback_events(feedback=feedback),
        "attachment": getattr(feedback, "attachment", None),
    }, status=status)


@require_POST
@login_required
def feedback_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead's (or a service admin's) answer and status move; anyone else: not found."""
    feedback = _feedback_or_404(request, pk)
    if not selectors.can_handle_feedback(user=request.user, feedback=feedback):
        raise Http404(_("No such feedback."))
    form = FeedbackAnswerForm(request.POST, allowed_statuses=services.status_choices_after(feedback.status))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.feedback_answer(feedback=feedback, actor=request.user, answer=data["answer"],
                                     status=data["status"] or None, note=data["note"])
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Saved. The sender is told."))
            return redirect("feedback-detail", pk=feedback.pk)
    return _detail(request, feedback, form=form, status=400)


@require_safe
@login_required
def team_feedback(request: HttpRequest, team_slug: str) -> HttpResponse:
    """A team's feedback for its lead and service admins, with counts and filters."""
    team = selectors.feedback_handled_teams(user=request.user).filter(slug=team_slug).first()
    if team is None:
        raise Http404(_("No such page."))
    form = TeamFeedbackFilterForm(request.GET or None)
    kind = status = ""
    if form.is_valid():
        kind, status = form.cleaned_data["kind"], form.cleaned_data["status"]
    items = selectors.team_feedback(team=team, kind=kind or None, status=status or None)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for item in page.object_list:
        item.show_sender = selectors.sender_visible_to(user=request.user, feedback=item)
    counts = selectors.feedback_counts(team_ids=[team.pk])[team.pk]
    return render(request, "feedback/team.html", {
        "team": team, "form": form, "page": page, "kind": kind, "status": status,
        "status_counts": [(value, label, counts["status"][value]) for value, label in Feedback.Status.choices],
        "kind_counts": [(value, label, counts["kind"][value]) for value, label in Feedback.Kind.choices],
        "total": counts["total"],
    })


@require_safe
@login_required
def feedback_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """The file of feedback the user may see."""
    feedback = _feedback_or_404(request, pk)
    attachment = getattr(feedback, "attachment", None)
    if attachment is None:
        raise Http404(_("No such file."))
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from storage.")) from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
