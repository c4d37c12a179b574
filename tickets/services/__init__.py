"""Every write to tickets goes through this package: one place for the lifecycle, its
history (`TicketEvent`), its SLA clocks and its notifications. Its modules by job:

- `lifecycle`: filing, status moves (the one place that changes `status`), priority, edits,
  the auto-close sweep;
- `conversation`: replies and internal notes and what they do to the ticket;
- `attachments`: upload checks and stored files;
- `assignment`: assigning by hand and the team's automatic assignment;
- `triage`: transfer to another team, bulk changes, collaborators, links and merges;
- `workspace`: saved views and canned responses;
- `problems`: linking a ticket to a problem of the problem library, and unlinking it;
- `base` and `validation`: what the others share.

The names below are the package's public surface (`from tickets import services`).
"""

from .assignment import ticket_assign
from .attachments import attachment_add, validate_upload
from .conversation import comment_create, ticket_transition_with_reply
from .lifecycle import (
    UNSET,
    ticket_create,
    ticket_set_priority,
    ticket_transition,
    ticket_update,
    tickets_close_resolved,
)
from .problems import ticket_problem_link, ticket_problem_unlink
from .triage import (
    BULK_ACTIONS,
    BulkResult,
    collaborator_add,
    ticket_link,
    ticket_merge,
    ticket_transfer,
    tickets_bulk_update,
)
from .validation import TITLE_MAX, validate_item_fields
from .workspace import (
    canned_response_delete,
    canned_response_render,
    canned_response_save,
    saved_view_delete,
    saved_view_save,
)

__all__ = [
    "BULK_ACTIONS", "TITLE_MAX", "UNSET", "BulkResult", "attachment_add", "canned_response_delete", "canned_response_render",
    "canned_response_save", "collaborator_add", "comment_create", "saved_view_delete", "saved_view_save",
    "ticket_assign", "ticket_create", "ticket_link", "ticket_merge", "ticket_problem_link", "ticket_problem_unlink",
    "ticket_set_priority", "ticket_transfer",
    "ticket_transition", "ticket_transition_with_reply", "ticket_update", "tickets_bulk_update",
    "tickets_close_resolved", "validate_item_fields", "validate_upload",
]
