"""Pages of the suggestions while filing: the suggestions box under the new request's title
(an htmx fragment, refreshed as the requester types) and "This solved it"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from knowledge.selectors import published_articles_visible_to
from servicedesk.exceptions import ApplicationError
from tickets.models import ServiceItem

from .selectors import article_suggestions
from .services import deflection_record, filing_session_parse

MAX_QUERY = 200


def _service_item(value) -> ServiceItem | None:
    """The active service item named by a request parameter, or None."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return ServiceItem.objects.filter(pk=pk, is_active=True).select_related("team").first()


@require_safe
@login_required
def suggestions(request: HttpRequest) -> HttpResponse:
    """Up to five articles for the title being typed (`title` or `q`), for `service_item` first."""
    q = (request.GET.get("title") or request.GET.get("q") or "")[:MAX_QUERY]
    item = _service_item(request.GET.get("service_item"))
    results = article_suggestions(user=request.user, q=q, language=get_language(),
                                  service_item_id=item.pk if item else None)
    return render(request, "kbsearch/partials/suggestions.html", {"results": results, "item": item})


@require_POST
@login_required
def article_solved(request: HttpRequest, pk: int) -> HttpResponse:
    """"This solved it" on a suggestion: a deflection is recorded and nothing is filed."""
    article = published_articles_visible_to(user=request.user).filter(pk=pk).first()
    if article is None:
        raise Http404(_("No such article."))
    item = _service_item(request.POST.get("service_item"))
    try:
        session = filing_session_parse(request.POST.get("filing_session"))
        deflection_record(user=request.user, article=article, filing_session=session, service_item=item)
    except ApplicationError as error:
        raise BadRequest(error.message) from None
    messages.success(request, _("Glad the article solved it. No request was filed."))
    return redirect("kb-article", pk=article.pk)
