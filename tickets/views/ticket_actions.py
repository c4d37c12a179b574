"""What the ticket page's forms post to: reply, status, assignment, priority, files,
canned responses, links and merges, collaborators and transfers. Each runs the service
through `ticket_action`: success redirects to the page, a refusal shows it again with
the error on the form."""


from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from knowledge.services import articles_used_in_reply
from teams.selectors import team_members

from .. import services
from ..constants import Priority, Status
from ..forms import (
    AssignForm,
    AttachForm,
    CollaboratorForm,
    PreviewForm,
    PriorityForm,
    ReferenceForm,
    ReplyForm,
    TransferForm,
    TransitionForm,
)
from ..models import CannedResponse, Ticket
from ..selectors import can_see_internal, can_work_ticket, collaborator_candidates, tickets_visible_to, transfer_teams
from .access import staff_ticket_or_404, ticket_or_404
from .flow import ticket_action
from .ticket_page import draft_key, reply_form


@require_POST
@login_required
def ticket_reply(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_or_404(request, pk)
    form = reply_form(
        request.user, ticket, can_work_ticket(user=request.user, ticket=ticket),
        can_see_internal(user=request.user, ticket=ticket), data=request.POST, files=request.FILES,
    )

    def reply(data):
        with transaction.atomic():  # the reply and the articles it links to (knowledge base), together
            services.comment_create(
                ticket=ticket, author=request.user, body=data["body"], internal=form.is_internal,
                attachments=data["attachments"], expected_version=data["version"],
            )
            if not form.is_internal and can_work_ticket(user=request.user, ticket=ticket):
                articles_used_in_reply(ticket=ticket, text=data["body"], actor=request.user)
        return _("Your internal note was added.") if form.is_internal else _("Your reply was sent.")

    def keep_draft(data):  # a reply refused as stale is offered again on the refreshed page
        if data["body"].strip():
            request.session[draft_key(ticket.pk)] = data["body"]

    return ticket_action(request, ticket, form, "reply_form", reply, on_conflict=keep_draft)


@require_POST
@login_required
def ticket_transition(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_or_404(request, pk)

    def move(data):
        services.ticket_transition_with_reply(ticket=ticket, to=data["to"], actor=request.user,
                                              comment=data["comment"], expected_version=data["version"],
                                              resolution_summary=data["resolution_summary"])
        return _("The status is now “%(status)s”.") % {"status": Status(data["to"]).label}

    return ticket_action(request, ticket, TransitionForm(request.POST), "transition_form", move)


@require_POST
@login_required
def ticket_assign(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_or_404(request, pk)
    form = AssignForm(request.POST, members=list(team_members(team=ticket.team)))

    def assign(data):
        assignee = form.assignee_user
        services.ticket_assign(ticket=ticket, assignee=assignee, actor=request.user, expected_version=data["version"])
        if assignee is None:
            return _("The ticket is now unassigned.")
        return _("Assigned to %(name)s.") % {"name": assignee.display_name}

    return ticket_action(request, ticket, form, "assign_form", assign)


@require_POST
@login_required
def ticket_priority(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_or_404(request, pk)

    def set_priority(data):
        services.ticket_set_priority(ticket=ticket, priority=data["priority"], actor=request.user,
                                     expected_version=data["version"])
        return _("The priority is now %(priority)s.") % {"priority": Priority(data["priority"]).label}

    return ticket_action(request, ticket, PriorityForm(request.POST), "priority_form", set_priority)


@require_POST
@login_required
def ticket_attach(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_or_404(request, pk)

    def attach(data):
        stored = services.attachment_add(ticket=ticket, uploads=data["attachments"], actor=request.user,
                                         expected_version=data["version"])
        return _("%(count)d file(s) attached.") % {"count": len(stored)}

    return ticket_action(request, ticket, AttachForm(request.POST, request.FILES), "attach_form", attach)


def canned_text(*, ticket: Ticket, canned_id) -> str | None:
    """A canned response of the ticket's team with its placeholders filled, or None."""
    if not str(canned_id or "").isdigit():
        return None
    canned = CannedResponse.objects.filter(team_id=ticket.team_id, pk=int(canned_id)).first()
    if canned is None:
        return None
    return services.canned_response_render(body=canned.body, ticket=ticket)


@require_POST
@login_required
def ticket_canned(request: HttpRequest, pk: int) -> HttpResponse:
    """The reply box with a canned response put in (after what was already typed). It
    writes nothing: it is a POST only because the draft can be long."""
    ticket = staff_ticket_or_404(request, pk)
    if not request.POST.get("canned"):
        return HttpResponse(status=204)  # the select's "choose…" line: nothing to put in
    text = canned_text(ticket=ticket, canned_id=request.POST.get("canned"))
    if text is None:
        raise Http404(_("No such canned response."))
    draft = (request.POST.get("body") or "").rstrip()
    body = f"{draft}\n\n{text}" if draft else text
    form = ReplyForm(initial={"body": body})
    return render(request, "tickets/partials/reply_body.html", {"field": form["body"]})


@require_POST
@login_required
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """The reply box rendered as it will be shown: through the same sanitising `markdown`
    filter as the conversation, so that a preview cannot run script either."""
    form = PreviewForm(request.POST)
    body = form.cleaned_data["body"] if form.is_valid() else ""
    return render(request, "tickets/partials/markdown_preview.html", {"body": body})


@require_POST
@login_required
def ticket_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark another ticket (by reference) as related to this one."""
    ticket = staff_ticket_or_404(request, pk)
    form = ReferenceForm(request.POST, user=request.user, ticket=ticket, prefix="link")

    def link(data):
        services.ticket_link(source=ticket, target=form.other, actor=request.user, expected_version=data["version"])
        return _("Linked to %(ref)s.") % {"ref": form.other.reference}

    return ticket_action(request, ticket, form, "link_form", link)


@require_POST
@login_required
def ticket_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge this ticket into another (it is a duplicate). The first POST asks for
    confirmation on a page that shows both tickets; the confirmed POST merges."""
    ticket = staff_ticket_or_404(request, pk)
    form = ReferenceForm(request.POST, user=request.user, ticket=ticket, prefix="merge")
    if form.is_valid() and not form.cleaned_data["confirm"]:
        return render(request, "tickets/merge_confirm.html", {"ticket": ticket, "target": form.other, "form": form})

    def merge(data):
        target = services.ticket_merge(source=ticket, target=form.other, actor=request.user,
                                       expected_version=data["version"])
        message = _("%(ref)s was merged into %(target)s.") % {"ref": ticket.reference, "target": target.reference}
        return message, redirect("ticket-detail", pk=target.pk)

    return ticket_action(request, ticket, form, "merge_form", merge)


@require_POST
@login_required
def ticket_collaborator_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Pull an agent of another team into the ticket."""
    ticket = staff_ticket_or_404(request, pk)
    form = CollaboratorForm(request.POST, candidates=list(collaborator_candidates(ticket)))

    def add(data):
        person = form.candidates[data["user"]]
        services.collaborator_add(ticket=ticket, user=person, actor=request.user, expected_version=data["version"])
        return _("%(name)s now collaborates on this ticket.") % {"name": person.display_name}

    return ticket_action(request, ticket, form, "collaborator_form", add)


@require_POST
@login_required
def ticket_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """Transfer the ticket to another service team, with a reason for its history."""
    ticket = staff_ticket_or_404(request, pk)
    form = TransferForm(request.POST, teams=list(transfer_teams(ticket)))

    def transfer(data):
        team = form.teams[data["team"]]
        services.ticket_transfer(ticket=ticket, team=team, actor=request.user, reason=data["reason"],
                                 expected_version=data["version"])
        message = _("%(ref)s transferred to %(team)s.") % {"ref": ticket.reference, "team": team.tr("name")}
        # Someone outside the new team no longer sees the ticket: back to their queue.
        if tickets_visible_to(user=request.user).filter(pk=ticket.pk).exists():
            return message
        return message, redirect("team-queue", team_slug=ticket.team.slug)

    return ticket_action(request, ticket, form, "transfer_form", transfer)
