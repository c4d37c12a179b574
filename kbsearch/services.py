"""Writes of the suggestions while filing: a deflection when an article solved the request,
and the suggestions shown kept on the ticket when the requester filed anyway."""

import uuid
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from knowledge.models import Article, ArticleTicketLink
from knowledge.selectors import published_articles_visible_to
from knowledge.services import article_ticket_link
from servicedesk.exceptions import ApplicationError
from teams.models import User
from tickets.models import ServiceItem, Ticket

from .models import Deflection
from .selectors import SUGGESTION_LIMIT


def filing_session_parse(value) -> uuid.UUID:
    """The id of one attempt at filing (a UUID the new-request page or the API client makes)."""
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise ApplicationError(_("This filing session is not valid; reload the page."),
                               field_errors={"filing_session": _("Give the UUID of this filing session.")}) from None


def deflection_record(*, user: User, article: Article, filing_session: uuid.UUID,
                      service_item: ServiceItem | None = None) -> tuple[Deflection, bool]:
    """"This solved it": the requester will not file, because `article` answered them. Counted
    once per (user, article, filing session); the team is the one that would have got the
    request. Returns the deflection and whether it is new. The caller found `article`
    among the published articles visible to `user`; it is checked again here."""
    if not published_articles_visible_to(user=user).filter(pk=article.pk).exists():
        raise ApplicationError(_("This article is not available."), field_errors={"article": _("Not available.")})
    if service_item is not None and not service_item.is_active:
        raise ApplicationError(_("This service is not offered any more."),
                               field_errors={"service_item": _("Inactive.")})
    team_id = service_item.team_id if service_item is not None else article.team_id
    key = {"user": user, "article": article, "filing_session": filing_session}
    try:
        with transaction.atomic():
            return Deflection.objects.get_or_create(
                **key, defaults={"service_item": service_item, "team_id": team_id, "created_at": timezone.now()})
    except IntegrityError:  # the same press arrived twice at once: the other one counted
        return Deflection.objects.get(**key), False


@transaction.atomic
def ticket_suggestions_keep(*, ticket: Ticket, article_ids: Iterable[int]) -> list[int]:
    """The articles suggested while the request was filed, kept on the ticket (links of kind
    "suggested") for the agent. Only published articles the requester may see count, five
    at most (what the page shows). Returns the ids kept."""
    wanted = list(dict.fromkeys(article_ids))[:SUGGESTION_LIMIT]
    if not wanted:
        return []
    articles = list(published_articles_visible_to(user=ticket.requester).filter(pk__in=wanted).order_by("pk"))
    for article in articles:
        article_ticket_link(ticket=ticket, article=article, how=ArticleTicketLink.How.SUGGESTED,
                            actor=ticket.requester)
    return [article.pk for article in articles]
