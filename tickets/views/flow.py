"""The flow every action of the ticket page shares, written once."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from servicedesk.exceptions import ApplicationError, ConflictError

from ..models import Ticket
from ..selectors import queue_counts_forget
from .access import refuse_if_denied
from .ticket_page import render_ticket_page

# What an action returns on success: the message to show, or the message and the response
# to send instead of going back to the ticket page.
ActionResult = str | tuple[str, HttpResponse]


def ticket_action(
    request: HttpRequest,
    ticket: Ticket,
    form: forms.Form,
    form_name: str,
    action: Callable[[dict[str, Any]], ActionResult],
    *,
    on_conflict: Callable[[dict[str, Any]], None] | None = None,
) -> HttpResponse:
    """Run one action of the ticket page. A valid form runs `action(cleaned_data)`, which
    calls the service. Success shows its message on the ticket page. A stale version
    (someone changed the ticket since the page was opened) goes back to the refreshed page
    with "changed by someone else", after `on_conflict`; a refusal for the user's role is
    a 403; any other refusal is shown on the form (`form_name` in the page's context)."""
    if form.is_valid():
        try:
            result = action(form.cleaned_data)
        except ConflictError as error:
            if on_conflict is not None:
                on_conflict(form.cleaned_data)
            messages.error(request, error.message)
            return redirect("ticket-detail", pk=ticket.pk)
        except ApplicationError as error:
            refuse_if_denied(error)
            form.add_service_error(error)
        else:
            message, response = result if isinstance(result, tuple) else (result, None)
            queue_counts_forget(user=request.user, team_ids=[ticket.team_id])
            messages.success(request, message)
            return response or redirect("ticket-detail", pk=ticket.pk)
    return render_ticket_page(request, ticket, **{form_name: form})
