"""Pages of the knowledge base: home, search results, the article page with its language
switch and feedback, the agents' editor and lifecycle buttons, the leads' review queue,
history and diff, and the reply box's article picker.

An article the user may not see does not exist (404); a visible article whose action the
user's role does not allow is a 403."""

import difflib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from kbsearch.selectors import ranked_articles
from kbsearch.text import excerpt, highlight
from servicedesk.exceptions import ApplicationError
from teams.selectors import is_agent
from tickets.models import ServiceCategory, Ticket
from tickets.selectors import can_work_ticket, ticket_for_user

from . import services
from .forms import ArticleForm, FeedbackForm, ReviewNoteForm
from .models import Article, ArticleRevision, ArticleStatus, ArticleTicketLink, RevisionStatus
from .selectors import (
    article_get,
    article_revisions,
    articles_for_listing,
    articles_visible_to,
    can_publish_articles,
    can_write_articles,
    language_order,
    pending_revisions,
    pick_revision,
    published_articles_visible_to,
    review_queue,
)

LATEST = 10
RESULTS = 50
PICKER_RESULTS = 8


def article_or_404(request: HttpRequest, pk: int) -> Article:
    article = article_get(user=request.user, pk=pk)
    if article is None:
        raise Http404(_("No such article."))
    return article


def _writer_article_or_404(request: HttpRequest, pk: int) -> Article:
    article = article_or_404(request, pk)
    if not can_write_articles(user=request.user, team_id=article.team_id):
        raise PermissionDenied(_("Only the team's agents can write its articles."))
    return article


def _refuse_if_denied(error: ApplicationError) -> None:
    if error.code == "permission_denied":
        raise PermissionDenied(error.message)


def _visible_ticket(request: HttpRequest, ticket_id) -> Ticket | None:
    """A ticket the user may see, from a query parameter; None for none or out of reach."""
    try:
        return ticket_for_user(user=request.user, pk=int(ticket_id))
    except (TypeError, ValueError, Ticket.DoesNotExist):
        return None


def _staff_ticket(request: HttpRequest, ticket_id) -> Ticket | None:
    """A ticket the user works, from a query parameter; None for none or out of reach."""
    ticket = _visible_ticket(request, ticket_id)
    return ticket if ticket is not None and can_work_ticket(user=request.user, ticket=ticket) else None


# --- readers -----------------------------------------------------------------------------

@require_safe
@login_required
def kb_home(request: HttpRequest) -> HttpResponse:
    """Categories with their article counts, the latest articles, and for agents their
    teams' drafts and reviews."""
    visible = published_articles_visible_to(user=request.user)
    category_id = request.GET.get("category")
    category = ServiceCategory.objects.filter(pk=category_id).first() if str(category_id or "").isdigit() else None
    listing = articles_for_listing(user=request.user)
    if category is not None:
        listing = listing.filter(category=category)
    counts = dict(visible.filter(category__isnull=False).values_list("category").annotate(n=Count("id"))
                  .values_list("category", "n"))
    categories = [(c, counts[c.pk]) for c in ServiceCategory.objects.filter(pk__in=counts)]
    working = []
    if is_agent(user=request.user) or request.user.is_admin_role:
        working = list(articles_visible_to(user=request.user)
                       .filter(revisions__status__in=[RevisionStatus.DRAFT, RevisionStatus.IN_REVIEW])
                       .exclude(status=ArticleStatus.ARCHIVED)
                       .distinct().select_related("team").order_by("-updated_at")[:20])
        _attach_titles(working, pending=True)
    return render(request, "knowledge/home.html", {
        "articles": _rows(listing[:RESULTS if category else LATEST]), "categories": categories,
        "category": category, "working": working, "can_write": bool(working) or is_agent(user=request.user)
        or request.user.is_admin_role,
        "review_count": review_queue(user=request.user).count() if is_agent(user=request.user)
        or request.user.is_admin_role else 0,
    })


@require_safe
@login_required
def kb_search(request: HttpRequest) -> HttpResponse:
    """The knowledge base's search box: its results."""
    query = (request.GET.get("q") or "").strip()[:200]
    articles = []
    if query:
        articles = _rows(articles_for_listing(
            user=request.user, articles=ranked_articles(user=request.user, q=query, limit=RESULTS)))
        for article in articles:  # search: the matches marked (kbsearch.text.highlight)
            article.title_html = highlight(article.shown.title, query, length=200) if article.shown else ""
            article.snippet_html = excerpt(article.shown.body, query) if article.shown else ""
    return render(request, "knowledge/search.html", {"q": query, "articles": articles})


def _rows(articles) -> list:
    """Articles with `shown` set to the live revision in the reader's language."""
    language = translation.get_language()
    rows = list(articles)
    for article in rows:
        article.shown = pick_revision(getattr(article, "live_revisions", []), language)
    return rows


def _attach_titles(articles: list[Article], *, pending: bool) -> None:
    language = translation.get_language()
    statuses = [RevisionStatus.DRAFT, RevisionStatus.IN_REVIEW] if pending else [RevisionStatus.PUBLISHED]
    by_article: dict[int, list[ArticleRevision]] = {}
    for revision in ArticleRevision.objects.filter(article__in=articles, status__in=statuses):
        by_article.setdefault(revision.article_id, []).append(revision)
    for article in articles:
        article.shown = pick_revision(by_article.get(article.pk, []), language)


@require_safe
@login_required
def kb_article(request: HttpRequest, pk: int) -> HttpResponse:
    """One article in the reader's language (or the one chosen with ?lang=), the others
    offered. Its team's writers also see the pending revisions and the lifecycle buttons."""
    article = article_or_404(request, pk)
    writer = can_write_articles(user=request.user, team_id=article.team_id)
    live = list(article.revisions.filter(status=RevisionStatus.PUBLISHED))
    pending = pending_revisions(article=article) if writer else []
    chosen = request.GET.get("lang") or translation.get_language()
    revision = pick_revision(live, chosen) if article.status != ArticleStatus.ARCHIVED or writer else None
    draft = pick_revision(pending, chosen)
    if revision is None and draft is None:
        raise Http404(_("No such article."))
    from_ticket = None
    if article.status == ArticleStatus.PUBLISHED:
        from_ticket = _visible_ticket(request, request.GET.get("ticket")) if request.GET.get("ticket") else None
        services.article_viewed(article=article, ticket=from_ticket, actor=request.user)
    languages = {r.language for r in live} | {r.language for r in pending}
    return render(request, "knowledge/article.html", {
        "article": article, "revision": revision, "draft": draft, "writer": writer,
        "publisher": can_publish_articles(user=request.user, team_id=article.team_id),
        "languages": [code for code in language_order(translation.get_language()) if code in languages],
        "shown_language": (revision or draft).language,
        "fallback": (revision or draft).language != (translation.get_language() or "en").lower()
        and not request.GET.get("lang"),
        "pending": pending, "feedback_form": FeedbackForm(initial={"revision": revision.pk if revision else None}),
        "review_form": ReviewNoteForm(), "service_items": list(article.service_items.all()),
        "from_ticket": from_ticket,
    })


@require_POST
@login_required
def kb_article_solved(request: HttpRequest, pk: int) -> HttpResponse:
    """"This solved my request": from an article opened from a ticket the user may see."""
    article = article_or_404(request, pk)
    ticket = _visible_ticket(request, request.POST.get("ticket"))
    if ticket is None or article.status != ArticleStatus.PUBLISHED:
        raise Http404(_("No such request."))
    services.article_ticket_link(ticket=ticket, article=article, how=ArticleTicketLink.How.SOLVED,
                                 actor=request.user)
    messages.success(request, _("Thank you: the team sees that this article solved your request."))
    return redirect("ticket-detail", pk=ticket.pk)


@require_POST
@login_required
def kb_article_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    article = article_or_404(request, pk)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the article helped."))
        return redirect("kb-article", pk=article.pk)
    revision = article.revisions.filter(pk=form.cleaned_data["revision"], status=RevisionStatus.PUBLISHED).first()
    if revision is None or article.status != ArticleStatus.PUBLISHED:
        raise Http404(_("No such article."))
    choice, comment = form.cleaned_data["helpful"], form.cleaned_data["comment"]
    if choice == "outdated":
        services.article_report_outdated(revision=revision, user=request.user, comment=comment)
        messages.success(request, _("Thank you: the article's owner was told it is out of date."))
    else:
        services.article_feedback(revision=revision, user=request.user, helpful=choice == "yes", comment=comment)
        messages.success(request, _("Thank you for your feedback."))
    return redirect("kb-article", pk=article.pk)


# --- writers -----------------------------------------------------------------------------

def _require_writer(request: HttpRequest) -> None:
    if not (is_agent(user=request.user) or request.user.is_admin_role):
        raise Http404(_("No such page."))


@login_required
def kb_article_new(request: HttpRequest) -> HttpResponse:
    """Write a new article; `?ticket=` pre-fills it from a ticket the user works."""
    _require_writer(request)
    ticket = _staff_ticket(request, request.POST.get("source_ticket") or request.GET.get("ticket"))
    if request.method == "POST":
        form = ArticleForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                article = services.article_create(actor=request.user, source_ticket=ticket, **form.article_kwargs())
            except ApplicationError as error:
                _refuse_if_denied(error)
                form.add_service_error(error)
            else:
                messages.success(request, _("The draft was saved. Send it for review when it is ready."))
                return redirect("kb-article", pk=article.pk)
    else:
        initial = {"language": translation.get_language(), "visibility": "everyone"}
        if ticket is not None:
            initial |= services.article_prefill_from_ticket(ticket=ticket, fallback_language=translation.get_language())
            initial |= {"team": ticket.team_id, "source_ticket": ticket.pk,
                        "category": ticket.service_item.category_id, "service_items": [ticket.service_item_id]}
        form = ArticleForm(initial=initial, user=request.user)
    return render(request, "knowledge/editor.html", {"form": form, "article": None, "ticket": ticket})


@login_required
def kb_article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an article: the text becomes a new draft revision; the live one stays live."""
    article = _writer_article_or_404(request, pk)
    language = request.POST.get("language") or request.GET.get("lang") or translation.get_language()
    if request.method == "POST":
        form = ArticleForm(request.POST, user=request.user)
        if form.is_valid():
            kwargs = form.article_kwargs()
            try:
                services.article_edit(article=article, actor=request.user, **kwargs)
            except ApplicationError as error:
                _refuse_if_denied(error)
                form.add_service_error(error)
            else:
                messages.success(request, _("Your changes were saved as a draft."))
                return redirect("kb-article", pk=article.pk)
    else:
        revisions = list(article.revisions.filter(status__in=[RevisionStatus.DRAFT, RevisionStatus.IN_REVIEW,
                                                               RevisionStatus.PUBLISHED]))
        same = [r for r in revisions if r.language == language]
        base = (next((r for r in same if r.status != RevisionStatus.PUBLISHED), None)
                or next(iter(same), None) or pick_revision(revisions, language))
        form = ArticleForm(user=request.user, initial={
            "language": language if same or base is None else base.language,
            "title": base.title if base else "", "body": base.body if base else "",
            "team": article.team_id, "visibility": article.visibility, "category": article.category_id,
            "service_items": [item.pk for item in article.service_items.all()], "tags": ", ".join(article.tags),
            "review_by": article.review_by,
        })
    return render(request, "knowledge/editor.html", {"form": form, "article": article, "ticket": None})


LIFECYCLE = {
    "submit": (services.article_submit, gettext_lazy("Sent for review.")),
    "publish": (services.article_publish, gettext_lazy("Published.")),
    "archive": (services.article_archive, gettext_lazy("Archived: readers no longer find it.")),
}


@require_POST
@login_required
def kb_article_lifecycle(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Submit, publish, archive and request changes: buttons of the article page."""
    article = article_or_404(request, pk)
    try:
        if action == "request-changes":
            form = ReviewNoteForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            services.article_request_changes(article=article, actor=request.user, note=note)
            message = _("Sent back to the writer with your note.")
        else:
            function, message = LIFECYCLE[action]
            function(article=article, actor=request.user)
    except ApplicationError as error:
        _refuse_if_denied(error)
        messages.error(request, error.message)
    else:
        messages.success(request, str(message))
    return redirect("kb-article", pk=article.pk)


@require_safe
@login_required
def kb_review_queue(request: HttpRequest) -> HttpResponse:
    """Articles waiting for review in the teams the user leads."""
    if not (is_agent(user=request.user) or request.user.is_admin_role):
        raise Http404(_("No such page."))
    return render(request, "knowledge/review_queue.html", {"articles": list(review_queue(user=request.user))})


@require_safe
@login_required
def kb_article_history(request: HttpRequest, pk: int) -> HttpResponse:
    article = _writer_article_or_404(request, pk)
    return render(request, "knowledge/history.html", {
        "article": article, "revisions": list(article_revisions(article=article))})


def revision_diff(old: ArticleRevision, new: ArticleRevision) -> list[tuple[str, str]]:
    """A line diff of two revisions' titles and bodies as (kind, line): kind is "add",
    "del", "hunk" or "same". The template escapes the lines."""
    old_lines = [f"# {old.title}", "", *old.body.splitlines()]
    new_lines = [f"# {new.title}", "", *new.body.splitlines()]
    rows = []
    for line in difflib.unified_diff(old_lines, new_lines, lineterm="", n=3):
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
        rows.append((kind, line))
    return rows


@require_safe
@login_required
def kb_article_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """The change between two revisions (?from=&to= numbers; default: the newest two)."""
    article = _writer_article_or_404(request, pk)
    revisions = {r.number: r for r in article.revisions.all()}
    try:
        new = revisions[int(request.GET.get("to") or max(revisions))]
        old_number = request.GET.get("from")
        old = revisions[int(old_number)] if old_number else max(
            (r for r in revisions.values() if r.number < new.number and r.language == new.language),
            key=lambda r: r.number)
    except (KeyError, ValueError):
        raise Http404(_("No such revision.")) from None
    return render(request, "knowledge/diff.html", {
        "article": article, "old": old, "new": new, "rows": revision_diff(old, new)})


@require_safe
@login_required
def kb_reply_picker(request: HttpRequest) -> HttpResponse:
    """The reply box's article search: links the agent can insert into the reply."""
    ticket = _staff_ticket(request, request.GET.get("ticket"))
    if ticket is None:
        raise Http404(_("No such request."))
    query = (request.GET.get("kb_q") or "").strip()[:200]
    articles = []
    if query:
        articles = _rows(articles_for_listing(
            user=request.user, articles=ranked_articles(user=request.user, q=query, limit=PICKER_RESULTS)))
    for article in articles:
        article.link_markdown = article_link_markdown(article)
    return render(request, "knowledge/partials/reply_picker.html", {"articles": articles, "q": query})


def article_link_markdown(article: Article) -> str:
    """A Markdown link to the article for a reply; brackets in its title are escaped."""
    title = article.shown.title if article.shown else f"KB-{article.pk}"
    title = title.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"[{title}]({reverse('kb-article', args=[article.pk])})"
