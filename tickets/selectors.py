"""Reads of tickets and the catalog. Visibility is decided here, in the query itself,
so that a ticket a user may not see is simply not found (404), never a 403 that leaks it."""

import datetime as dt
from statistics import median

from django.conf import settings
from django.db.models import Count, DateTimeField, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from refdata import versions
from servicedesk import cache_guard
from servicedesk import search as text_search
from sla.states import TicketState, ticket_state_q
from teams.models import Membership, Team, User
from teams.selectors import user_team_ids

from .constants import OPEN_STATUSES, Status
from .models import (
    NO_DUE,
    CannedResponse,
    Collaborator,
    Comment,
    ServiceCategory,
    ServiceItem,
    Ticket,
    TicketEvent,
    parse_reference,
)


def tickets_visible_to(*, user: User, team_id: int | None = None) -> QuerySet[Ticket]:
    """Every ticket the user may open: service admins all; agents and leads their teams';
    everybody their own requests. With `team_id`, only that team's tickets."""
    qs = Ticket.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    if user.is_admin_role:
        return qs
    team_ids = user_team_ids(user=user)
    if team_id is not None and team_id in team_ids:
        # Every ticket of a team one works in is visible: the three-way OR below would
        # only cost the planner time (a third of a team queue's SQL time).
        return qs
    # A subquery, not a join: a join on collaborators would repeat tickets.
    collaborating = Collaborator.objects.filter(user=user).values("ticket_id")
    return qs.filter(Q(requester=user) | Q(team_id__in=team_ids) | Q(pk__in=collaborating))


def can_work_ticket(*, user: User, ticket: Ticket) -> bool:
    """Agents and leads of the ticket's team and service admins work a ticket (and see
    its internal notes and its SLA clocks); a requester only follows it."""
    return works_for_team(user=user, team_id=ticket.team_id)


def works_for_team(*, user: User, team_id: int) -> bool:
    """Whether the user works the tickets of this team (its agents and leads, service admins):
    `can_work_ticket` for a ticket known by its team only (a row of the API's list)."""
    if not user.is_authenticated:
        return False
    return user.is_admin_role or team_id in user_team_ids(user=user)


def is_collaborator(*, user: User, ticket: Ticket) -> bool:
    return user.is_authenticated and Collaborator.objects.filter(ticket=ticket, user=user).exists()


def can_see_internal(*, user: User, ticket: Ticket) -> bool:
    """The service team and the collaborators pulled in from other teams see internal notes."""
    return can_work_ticket(user=user, ticket=ticket) or is_collaborator(user=user, ticket=ticket)


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


def requester_tickets(*, user: User, status: str | None = None, search: str = "") -> QuerySet[Ticket]:
    qs = Ticket.objects.filter(requester=user).select_related("team", "service_item", "assignee")
    if search.strip():
        qs = qs.filter(ticket_search_q(search))
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def ticket_search_q(text: str) -> Q:
    """Tickets whose reference is `text`, or whose title or description contains it (in
    either Chinese script, any letter case)."""
    text = text.strip()
    q = text_search.search_q(("title", "description"), text)
    pk = parse_reference(text)
    if pk is not None:
        q |= Q(pk=pk)
    return q


def catalog(*, search: str | None = None) -> QuerySet[ServiceCategory]:
    """Categories with their active items; `search` matches names and descriptions in every
    language and either Chinese script (the items' folded `search_text`)."""
    items = ServiceItem.objects.filter(is_active=True).select_related("team")
    if search and search.strip():
        items = items.filter(search_text__contains=text_search.fold(search.strip()))
    categories = ServiceCategory.objects.filter(items__in=items).distinct()
    return categories.prefetch_related(Prefetch("items", queryset=items.order_by("order", "name")))


def active_service_item(*, pk: int) -> ServiceItem:
    """A catalog item that takes requests, with its team, category and fields (every filed
    ticket reads it: from the reference cache). Raises ServiceItem.DoesNotExist."""
    item = versions.get(
        versions.item_key(pk),
        lambda: ServiceItem.objects.select_related("team", "category").prefetch_related("fields").filter(pk=pk).first(),
    )
    if item is None or not item.is_active:
        raise ServiceItem.DoesNotExist("No active service item with this id.")
    return item


# --- the team lead's workspace: queue views, filters, keyset pages ----------------------



def queue_views(*, user: User, now) -> dict[str, Q]:
    """The named views of a team queue (each on top of the team's open tickets)."""
    return {
        "unassigned": Q(assignee__isnull=True, status__in=[Status.NEW, Status.OPEN]),
        "mine": Q(assignee=user),
        "at_risk": ticket_state_q(TicketState.AT_RISK, now),
        "breached": ticket_state_q(TicketState.BREACHED, now),
        "pending": Q(status=Status.PENDING),
        "open": Q(),
    }


# Each view opens in the order that suits it; "pending" has no running clock to sort by.
VIEW_DEFAULT_SORT = {"pending": "age"}

# sort name → (columns, descending). Keyset pagination compares (columns…, id) as a row,
# in the same order as the partial indexes on open tickets.
QUEUE_ORDERINGS: dict[str, tuple[str, ...]] = {
    "due": ("next_due", "id"),
    "priority": ("priority", "created_at", "id"),
    "age": ("created_at", "id"),
    "-age": ("-created_at", "-id"),
    "updated": ("-updated_at", "-id"),
}


def queue_counts(*, team_id: int, user: User, now) -> dict[str, int]:
    """How many open tickets each view holds, in one query."""
    views = queue_views(user=user, now=now)
    return Ticket.objects.filter(team_id=team_id, status__in=OPEN_STATUSES).aggregate(
        **{name: Count("id", filter=q) if q else Count("id") for name, q in views.items()}
    )


def _queue_counts_key(team_id: int, user: User) -> str:
    return f"queue-counts:{team_id}:{user.pk}"


def queue_counts_forget(*, user: User, team_ids=()) -> None:
    """After `user`'s own change: the counts of their teams' queues and of `team_ids`
    (a service admin works queues of teams they are not in) are counted again on their
    next view; other people's changes reach them within QUEUE_COUNTS_CACHE_SECONDS."""
    if settings.QUEUE_COUNTS_CACHE_SECONDS > 0:
        teams = {*user_team_ids(user=user), *team_ids}
        cache_guard.forget(*(_queue_counts_key(team_id, user) for team_id in sorted(teams)))


def queue_counts_recent(*, team_id: int, user: User, now) -> dict[str, int]:
    """`queue_counts`, at most QUEUE_COUNTS_CACHE_SECONDS old. Counting a 200,000-ticket
    queue costs tens of milliseconds; the tabs refresh themselves every few seconds, so
    every page view need not count again."""
    ttl = settings.QUEUE_COUNTS_CACHE_SECONDS
    if ttl <= 0:
        return queue_counts(team_id=team_id, user=user, now=now)
    key = _queue_counts_key(team_id, user)
    # When the shared cache is down or hung, cache_guard answers None at once: count instead.
    counts = cache_guard.get(key)
    if counts is None:
        counts = queue_counts(team_id=team_id, user=user, now=now)
        cache_guard.store(key, counts, ttl)
    return counts


def queue_tickets(*, team_id: int, user: User, now, view: str) -> QuerySet[Ticket]:
    """A team queue's tickets in one of its views, before the page's filters (the page
    keeps to open work unless finished tickets are asked for). `next_due` (the next due
    time, tickets without a running clock last) is what the due sort pages on, through
    the index on the same expression."""
    qs = Ticket.objects.filter(team_id=team_id).filter(queue_views(user=user, now=now)[view])
    qs = qs.annotate(next_due=Coalesce(F("sla_due_at"), Value(NO_DUE, output_field=DateTimeField())))
    if view == "at_risk":
        # Nothing at risk is due yet: the same bound on the sort's own expression lets the
        # index walk start after the overdue tickets instead of reading past them.
        qs = qs.filter(next_due__gt=now)
    return qs


def agent_dashboard(*, user: User, now) -> dict:
    """The agent's own open tickets by SLA state, and their response times this week."""
    mine = Ticket.objects.filter(assignee=user, status__in=OPEN_STATUSES)
    views = queue_views(user=user, now=now)
    by_state = mine.aggregate(
        open=Count("id"), at_risk=Count("id", filter=views["at_risk"]),
        breached=Count("id", filter=views["breached"]), pending=Count("id", filter=views["pending"]),
    )
    week_start = now - dt.timedelta(days=now.weekday(), hours=now.hour, minutes=now.minute, seconds=now.second)
    firsts = TicketEvent.objects.filter(actor=user, kind="first_response", created_at__gte=week_start).select_related(
        "ticket")
    waits = sorted((e.created_at - e.ticket.created_at).total_seconds() for e in firsts)
    return {
        "by_state": by_state,
        "first_responses": len(waits),
        "median_first_response_s": median(waits) if waits else None,
        "tickets": mine.select_related("team", "requester").prefetch_related("sla_clocks")
        .order_by(F("sla_due_at").asc(nulls_last=True), "id")[:50],
    }


def canned_responses_for(ticket: Ticket) -> list[CannedResponse]:
    """The ticket's team's canned responses: those in the requester's language first, then
    those for every language, then the rest (each group by title)."""
    language = ticket.requester.language if ticket.requester_id else ""
    rank = {language: 0, "": 1}
    responses = CannedResponse.objects.filter(team_id=ticket.team_id).only("id", "title", "language")
    return sorted(responses, key=lambda canned: (rank.get(canned.language, 2), canned.title))


def collaborator_candidates(ticket: Ticket):
    """Agents of other teams who are not on the ticket yet."""
    return (
        User.objects.filter(is_active=True, memberships__isnull=False)
        .exclude(memberships__team_id=ticket.team_id)
        .exclude(collaborations__ticket=ticket)
        .distinct().order_by("first_name", "username")
    )


def transfer_teams(ticket: Ticket):
    return Team.objects.filter(is_active=True).exclude(pk=ticket.team_id).order_by("name")


def members_with_load(team: Team):
    """The team's members with role, availability and open load (their open assigned
    tickets in any team, as automatic assignment counts them), in one query."""
    return (
        Membership.objects.filter(team=team).select_related("user")
        .annotate(open_load=Count("user__assigned_tickets",
                                  filter=Q(user__assigned_tickets__status__in=OPEN_STATUSES)))
        .order_by("-role", "user__username")
    )
