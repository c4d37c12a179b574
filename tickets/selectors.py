"""Reads of tickets and the catalog. Visibility is decided here, in the query itself,
so that a ticket a user may not see is simply not found (404), never a 403 that leaks it."""

from django.db.models import Prefetch, Q, QuerySet

from teams.models import User
from teams.selectors import user_team_ids

from .constants import Status
from .models import Comment, ServiceCategory, ServiceItem, Ticket, TicketEvent, parse_reference


def tickets_visible_to(*, user: User) -> QuerySet[Ticket]:
    """Every ticket the user may open: service admins all; agents and leads their teams';
    everybody their own requests."""
    qs = Ticket.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.is_admin_role:
        return qs
    team_ids = user_team_ids(user=user)
    return qs.filter(Q(requester=user) | Q(team_id__in=team_ids))


def can_work_ticket(*, user: User, ticket: Ticket) -> bool:
    """Agents and leads of the ticket's team and service admins work a ticket (and see
    its internal notes); a requester only follows it."""
    if not user.is_authenticated:
        return False
    return user.is_admin_role or ticket.team_id in user_team_ids(user=user)


def ticket_for_user(*, user: User, pk: int) -> Ticket:
    """The ticket with related rows for its page; raises Ticket.DoesNotExist when not visible."""
    return (
        tickets_visible_to(user=user)
        .select_related("requester", "requester_department", "team", "service_item__category", "assignee")
        .get(pk=pk)
    )


def ticket_comments(*, ticket: Ticket, include_internal: bool) -> QuerySet[Comment]:
    qs = ticket.comments.select_related("author").prefetch_related("attachments")
    return qs if include_internal else qs.filter(is_internal=False)


def ticket_events(*, ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related("actor")


def requester_tickets(*, user: User, status: str | None = None) -> QuerySet[Ticket]:
    qs = Ticket.objects.filter(requester=user).select_related("team", "service_item", "assignee")
    if status == "open":
        qs = qs.filter(status__in=[Status.NEW, Status.OPEN, Status.PENDING])
    elif status in Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


QUEUE_SORTS = {
    "age": ("created_at", "id"),
    "-age": ("-created_at", "-id"),
    "priority": ("priority", "created_at", "id"),
    "updated": ("-updated_at", "-id"),
}


def team_queue(
    *,
    team_id: int,
    status: str | None = None,
    priority: str | None = None,
    assignee: str | None = None,
    search: str | None = None,
    sort: str = "priority",
) -> QuerySet[Ticket]:
    """A team's queue with the filters of the queue page. `status` defaults to open work;
    `assignee` is a user id, "me:<id>" is not needed: "none" means unassigned."""
    qs = Ticket.objects.filter(team_id=team_id).select_related("requester", "service_item", "assignee")
    if not status or status == "open":
        qs = qs.filter(status__in=[Status.NEW, Status.OPEN, Status.PENDING])
    elif status != "all" and status in Status.values:
        qs = qs.filter(status=status)
    if priority:
        qs = qs.filter(priority=priority)
    if assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif assignee and assignee.isdigit():
        qs = qs.filter(assignee_id=int(assignee))
    if search:
        qs = qs.filter(ticket_search_q(search))
    return qs.order_by(*QUEUE_SORTS.get(sort, QUEUE_SORTS["priority"]))


def ticket_search_q(text: str) -> Q:
    text = text.strip()
    q = Q(title__icontains=text) | Q(description__icontains=text)
    pk = parse_reference(text)
    if pk is not None:
        q |= Q(pk=pk)
    return q


def catalog(*, search: str | None = None) -> QuerySet[ServiceCategory]:
    """Categories with their active items; `search` matches names in every language."""
    items = ServiceItem.objects.filter(is_active=True).select_related("team")
    if search:
        text = search.strip()
        items = items.filter(
            Q(name__icontains=text) | Q(description__icontains=text) | Q(translations__icontains=text)
        )
    categories = ServiceCategory.objects.filter(items__in=items).distinct()
    return categories.prefetch_related(Prefetch("items", queryset=items.order_by("order", "name")))


def active_service_item(*, pk: int) -> ServiceItem:
    return ServiceItem.objects.select_related("team", "category").prefetch_related("fields").get(
        pk=pk, is_active=True
    )
