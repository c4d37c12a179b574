"""The employee portal: the start page, the service catalog, filing a request, my requests
and attachment downloads."""


import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kbsearch.services import ticket_suggestions_keep
from servicedesk.exceptions import ApplicationError
from teams.selectors import user_teams

from .. import services
from ..filters import TicketFilterSet
from ..forms import CatalogSearchForm, MyRequestsFilterForm, TicketCreateForm, TicketSearchForm
from ..models import Attachment, ServiceItem, parse_reference
from ..selectors import active_service_item, can_see_internal, catalog, requester_tickets, tickets_visible_to
from .access import render_page

MY_REQUESTS_PAGE_SIZE = 20


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Agents start at their first team's queue; everyone else at the catalog."""
    first_team = user_teams(user=request.user).first()
    if first_team is not None:
        return redirect("team-queue", team_slug=first_team.slug)
    return redirect("catalog")


@require_safe
@login_required
def catalog_view(request: HttpRequest) -> HttpResponse:
    form = CatalogSearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    context = {"form": form, "search": search, "categories": catalog(search=search or None)}
    return render_page(request, "tickets/catalog.html", "tickets/partials/catalog_results.html", context)


@login_required
def ticket_new(request: HttpRequest, item_id: int) -> HttpResponse:
    """File a request for one service; nothing is stored unless all of it is valid."""
    try:
        item = active_service_item(pk=item_id)
    except ServiceItem.DoesNotExist:
        raise Http404(_("No such service.")) from None
    if request.method == "POST":
        form = TicketCreateForm(request.POST, request.FILES, item=item)
        if form.is_valid():
            try:
                ticket = services.ticket_create(requester=request.user, service_item=item, **form.service_kwargs())
            except ApplicationError as error:
                form.add_service_error(error)
            else:
                ticket_suggestions_keep(ticket=ticket, article_ids=_article_ids(request.POST.getlist("kb_suggested")))
                messages.success(
                    request,
                    _("Your request %(reference)s was filed. %(team)s will get back to you here.")
                    % {"reference": ticket.reference, "team": item.team.tr("name")},
                )
                return redirect("ticket-detail", pk=ticket.pk)
    else:
        form = TicketCreateForm(item=item)
    # Articles that may answer the request, refreshed as the title is typed (kbsearch.views).
    form.fields["title"].widget.attrs.update({
        "hx-get": f"{reverse('kb-suggestions')}?service_item={item.pk}", "hx-trigger": "load, input changed delay:400ms",
        "hx-target": "#kb-suggestions", "hx-sync": "this:replace", "autocomplete": "off",
    })
    return render(request, "tickets/ticket_new.html", {
        "item": item, "form": form, "files_dropped": bool(request.FILES) and form.errors,
        "filing_session": _filing_session(request.POST.get("filing_session")),
    })


def _article_ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit() and len(value) < 19]


def _filing_session(value: str | None) -> uuid.UUID:
    """One attempt at filing, kept across a re-shown form: "This solved it" counts once in it."""
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return uuid.uuid4()


@require_safe
@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    form = MyRequestsFilterForm(request.GET or None)
    valid = form.is_valid()
    status = form.cleaned_data["status"] if valid else ""
    search = form.cleaned_data["q"].strip() if valid else ""
    tickets = requester_tickets(user=request.user, status=status or None, search=search)
    page = Paginator(tickets, MY_REQUESTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tickets/my_requests.html",
                  {"form": form, "page": page, "status": status or "all", "search": search})


@require_safe
@login_required
def ticket_search(request: HttpRequest) -> HttpResponse:
    """The header's search: a reference of a ticket the user may see opens it; other text
    lists the tickets the user may see (requesters their own, agents their teams' too)
    whose reference, title, description or replies contain it — internal notes only on
    their own teams' tickets, as in the queue."""
    form = TicketSearchForm(request.GET or None)
    text = form.cleaned_data["q"].strip() if form.is_valid() else ""
    page = None
    if text:
        visible = tickets_visible_to(user=request.user)
        pk = parse_reference(text)
        if pk is not None and visible.filter(pk=pk).exists():
            return redirect("ticket-detail", pk=pk)
        filters = TicketFilterSet({"search": text}, visible, user=request.user, now=timezone.now())
        results = filters.qs.select_related("team", "service_item").order_by("-updated_at", "-id")
        page = Paginator(results, MY_REQUESTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tickets/search.html", {"form": form, "search": text, "page": page})


@require_safe
@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """A file of a ticket the user may see; the files of internal notes only for those who
    see internal notes (never the requester)."""
    try:
        attachment = (
            Attachment.objects.select_related("ticket", "comment")
            .filter(ticket__in=tickets_visible_to(user=request.user))
            .get(pk=pk)
        )
    except Attachment.DoesNotExist:
        raise Http404(_("No such file.")) from None
    if attachment.comment_id and attachment.comment.is_internal and not can_see_internal(
        user=request.user, ticket=attachment.ticket
    ):
        raise Http404(_("No such file."))
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from storage.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway, it runs no script and reaches nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
