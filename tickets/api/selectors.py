"""Reads of the ticket API, built on `tickets.selectors` (which decides visibility):
the filtered, ordered ticket list with its SLA clocks, and what a requester may see
of a ticket's attachments and history."""

import datetime as dt
from typing import Any

from django.db.models import DateTimeField, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from sla.selectors import shown_clocks
from teams.models import User
from tickets.constants import EventKind
from tickets.models import NO_DUE, Attachment, ServiceItem, Ticket, TicketEvent
from tickets.selectors import can_see_internal, can_work_ticket, tickets_visible_to

# Tickets without a running clock sort after all others, in both directions.
NO_DUE_ASCENDING = NO_DUE
NO_DUE_DESCENDING = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

# `ordering` value → keyset ordering (the last key is unique).
TICKET_ORDERINGS: dict[str, tuple[str, ...]] = {
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
    "updated_at": ("updated_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
    "priority": ("priority", "created_at", "id"),
    "-priority": ("-priority", "-created_at", "-id"),
    "due_at": ("next_due", "id"),
    "-due_at": ("-next_due", "-id"),
}
DEFAULT_TICKET_ORDERING = "-created_at"


def with_ticket_relations(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Everything a ticket's API representation reads, in a constant number of queries."""
    return qs.select_related("requester", "assignee", "team", "service_item").prefetch_related(
        Prefetch("sla_clocks", queryset=shown_clocks())
    )


# A ticket as the API list reads it: plain rows (values()), not model instances. A page
# of 50 tickets with their requester, assignee, team, service item and two clocks each
# is ~350 model instances, which cost more than everything else in the request.
PERSON_COLUMNS = ("username", "first_name", "last_name")
TICKET_LIST_ROW = (
    "id", "title", "description", "status", "priority", "created_at", "updated_at", "first_response_at",
    "resolved_at", "resolution_summary", "closed_at", "version", "fields", "team_id", "team__name", "service_item_id",
    "service_item__name", "requester_id", "assignee_id",
)
# With the people's names, which `api_ticket_people` adds to a page of list rows.
TICKET_ROW = (
    *TICKET_LIST_ROW, *(f"requester__{c}" for c in PERSON_COLUMNS), *(f"assignee__{c}" for c in PERSON_COLUMNS),
)
CLOCK_ROW = ("ticket_id", "kind", "cycle", "state", "due_at", "warn_at", "paused_at", "stopped_at")


def api_ticket_rows(qs: QuerySet[Ticket], *, ordering: str = DEFAULT_TICKET_ORDERING) -> QuerySet:
    """Filtered tickets as TICKET_LIST_ROW rows; `ordering` "due_at" sorts by the next due
    time of the ticket's running clocks (annotated as `next_due`).

    That time is `Ticket.sla_due_at`, which the clock bookkeeping keeps equal to the
    earliest `due_at` of the running clocks in the same transaction: the same order as a
    Min over the clocks, without a join and GROUP BY on every page."""
    if ordering.lstrip("-") == "due_at":
        sentinel = NO_DUE_DESCENDING if ordering.startswith("-") else NO_DUE_ASCENDING
        qs = qs.annotate(next_due=Coalesce(F("sla_due_at"), Value(sentinel, output_field=DateTimeField())))
        return qs.values(*TICKET_LIST_ROW, "next_due")
    return qs.values(*TICKET_LIST_ROW)


def api_ticket_people(rows: list[dict[str, Any]]) -> None:
    """Add the requester's and assignee's names to a page of TICKET_LIST_ROW rows (making
    them TICKET_ROW rows), with one statement for the page.

    Not joined into the list's own query: with the two joins on the user table,
    PostgreSQL spent longer choosing a join order for the page (~1.8 ms) than running it."""
    ids = list({row[f"{role}_id"] for row in rows for role in ("requester", "assignee")} - {None})
    names = {pk: person for pk, *person in User.objects.filter(pk__in=ids).values_list("id", *PERSON_COLUMNS)}
    for row in rows:
        for role in ("requester", "assignee"):
            person = names.get(row[f"{role}_id"]) or (None,) * len(PERSON_COLUMNS)
            for column, value in zip(PERSON_COLUMNS, person, strict=True):
                row[f"{role}__{column}"] = value


def api_ticket_clocks(*, ticket_ids: list[int]) -> dict[int, list[Any]]:
    """The SLA clocks of a page of ticket rows, by ticket, as named tuples with the
    attributes `sla.states` reads (kind, cycle, state, due_at, warn_at, paused_at, stopped_at)."""
    rows = shown_clocks().filter(ticket_id__in=ticket_ids).values_list(*CLOCK_ROW, named=True)
    by_ticket: dict[int, list[Any]] = {}
    for clock in rows:
        by_ticket.setdefault(clock.ticket_id, []).append(clock)
    return by_ticket


def api_ticket(*, user: User, pk: Any) -> Ticket:
    """One visible ticket with its relations; Ticket.DoesNotExist when out of reach."""
    return with_ticket_relations(tickets_visible_to(user=user)).get(pk=pk)


def ticket_attachments(*, ticket: Ticket, user: User) -> QuerySet[Attachment]:
    """Attachments of a ticket; files of internal notes only for those who see internal
    notes (the service team and collaborators, never the requester)."""
    qs = ticket.attachments.select_related("uploaded_by").order_by("created_at", "id")
    if can_see_internal(user=user, ticket=ticket):
        return qs
    return qs.filter(Q(comment__isnull=True) | Q(comment__is_internal=False))


def ticket_history(*, ticket: Ticket, user: User) -> QuerySet[TicketEvent]:
    """A ticket's events; requesters never see those of internal notes, and only the
    ticket's team sees the problem it is linked to (a problem is its team's own)."""
    qs = ticket.events.select_related("actor").order_by("created_at", "id")
    if can_work_ticket(user=user, ticket=ticket):
        return qs
    if can_see_internal(user=user, ticket=ticket):
        return qs.exclude(kind=EventKind.PROBLEM)
    return qs.exclude(kind__in=[EventKind.NOTE, EventKind.PROBLEM])


def active_service_items() -> QuerySet[ServiceItem]:
    """The catalog as the API lists it: active items with their field definitions."""
    return (
        ServiceItem.objects.filter(is_active=True)
        .select_related("category", "team")
        .prefetch_related("fields")
        .order_by("category__order", "category__name", "order", "name", "id")
    )
