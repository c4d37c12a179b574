"""Keyset ("cursor") pagination for the API on any ordering that ends in a unique key,
through `servicedesk.keyset` (the same pager as the queue page).

DRF's own CursorPagination pages on the first ordering field plus an offset, which
breaks down on coarse orderings such as `priority` (thousands of ties), and it passes
the position from the cursor to the database unchecked, so a forged cursor becomes a
500. Here a cursor that does not decode or parse is a 400 naming `cursor`.

A view either sets `cursor_ordering` (e.g. `("-created_at", "-id")`) or defines
`get_cursor_ordering(request)`. The last key must be unique (the primary key). Ordering
keys may name annotations; they must not be NULL (wrap them in `Coalesce`).
"""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from servicedesk.keyset import InvalidCursor, keyset_page


class CursorPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering: tuple[str, ...] = ("-id",)

    def _ordering(self, request, view) -> tuple[str, ...]:
        if view is not None and hasattr(view, "get_cursor_ordering"):
            return tuple(view.get_cursor_ordering(request))
        return tuple(getattr(view, "cursor_ordering", None) or self.ordering)

    # --- paging -------------------------------------------------------------------------

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 6 and 1 <= int(raw) <= self.max_page_size):
            raise exceptions.ValidationError(
                {self.page_size_query_param: [_("Enter a whole number from 1 to %(max)d.") % {"max": self.max_page_size}]}
            )
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        self.base_url = request.build_absolute_uri()
        try:
            self.page = keyset_page(queryset, self._ordering(request, view), size=self.get_page_size(request),
                                    cursor=request.query_params.get(self.cursor_query_param))
        except InvalidCursor:
            raise exceptions.ValidationError({"cursor": [_("Invalid cursor.")]}) from None
        return self.page.rows

    def get_next_link(self) -> str | None:
        if self.page.next_cursor is None:
            return None
        return replace_query_param(self.base_url, self.cursor_query_param, self.page.next_cursor)

    def get_previous_link(self) -> str | None:
        if self.page.previous_cursor is None:
            return None
        if not self.page.previous_cursor:  # back to the first page
            return remove_query_param(self.base_url, self.cursor_query_param)
        return replace_query_param(self.base_url, self.cursor_query_param, self.page.previous_cursor)

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {"name": self.cursor_query_param, "required": False, "in": "query",
             "description": "The cursor of a page, from a `next` or `previous` link.", "schema": {"type": "string"}},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "description": f"Results per page (1–{self.max_page_size}, default {self.page_size}).",
             "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size}},
        ]
