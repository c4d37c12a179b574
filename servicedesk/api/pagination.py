"""Keyset ("cursor") pagination on any ordering that ends in a unique key.

DRF's own CursorPagination pages on the first ordering field plus an offset, which
breaks down on coarse orderings such as `priority` (thousands of ties), and it passes
the position from the cursor to the database unchecked, so a forged cursor becomes a
500. This one compares the whole ordering tuple, `(priority, created_at, id) > (…)`,
and parses every value of a cursor with the model field before it reaches a query:
a cursor that does not decode or parse is a 400 naming `cursor`.

A view either sets `cursor_ordering` (e.g. `("-created_at", "-id")`) or defines
`get_cursor_ordering(request)`. The last key must be unique (the primary key). Ordering
keys may name annotations; they must not be NULL (wrap them in `Coalesce`).
"""

import base64
import binascii
import datetime as dt
import json
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

BIGINT = 2**63


def _invalid_cursor() -> exceptions.ValidationError:
    return exceptions.ValidationError({"cursor": [_("Invalid cursor.")]})


class CursorPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering: tuple[str, ...] = ("-id",)

    # --- the ordering -------------------------------------------------------------------

    def _ordering(self, request, view) -> tuple[str, ...]:
        if view is not None and hasattr(view, "get_cursor_ordering"):
            return tuple(view.get_cursor_ordering(request))
        return tuple(getattr(view, "cursor_ordering", None) or self.ordering)

    @staticmethod
    def _field(queryset: QuerySet, name: str):
        annotation = queryset.query.annotations.get(name)
        if annotation is not None:
            return annotation.output_field
        if name == "pk":
            return queryset.model._meta.pk
        try:
            return queryset.model._meta.get_field(name)
        except FieldDoesNotExist:  # pragma: no cover - a programming error in a view
            raise AssertionError(f"cannot page on {name!r}") from None

    # --- cursors ------------------------------------------------------------------------

    @staticmethod
    def _encode_value(value: Any) -> Any:
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        return value

    def _encode(self, values: list[Any], reverse: bool) -> str:
        raw = json.dumps({"v": [self._encode_value(v) for v in values], "r": int(reverse)}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def _decode(self, encoded: str, keys: list[tuple[str, bool]], queryset: QuerySet) -> tuple[list[Any], bool]:
        try:
            padded = encoded + "=" * (-len(encoded) % 4)
            data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode())
            raw_values, reverse = data["v"], bool(data.get("r", 0))
        except (ValueError, TypeError, KeyError, AttributeError, UnicodeError, binascii.Error):
            raise _invalid_cursor() from None
        if not isinstance(raw_values, list) or len(raw_values) != len(keys):
            raise _invalid_cursor()
        values = []
        for (name, _desc), raw in zip(keys, raw_values, strict=True):
            if raw is None or isinstance(raw, dict | list | bool):
                raise _invalid_cursor()
            field = self._field(queryset, name)
            try:
                value = field.to_python(raw)
            except (ValidationError, ValueError, TypeError, OverflowError):
                raise _invalid_cursor() from None
            if value is None:
                raise _invalid_cursor()
            if isinstance(value, int) and not -BIGINT <= value < BIGINT:
                raise _invalid_cursor()
            if isinstance(value, str) and "\x00" in value:
                raise _invalid_cursor()
            if isinstance(value, dt.datetime) and value.tzinfo is None:
                raise _invalid_cursor()
            values.append(value)
        return values, reverse

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
        self.request = request
        self.base_url = request.build_absolute_uri()
        page_size = self.get_page_size(request)
        ordering = self._ordering(request, view)
        keys = [(name.lstrip("-"), name.startswith("-")) for name in ordering]
        self.keys = keys

        encoded = request.query_params.get(self.cursor_query_param)
        values, reverse = (None, False) if not encoded else self._decode(encoded, keys, queryset)

        order_by = [f"-{n}" if (desc != reverse) else n for n, desc in keys]
        queryset = queryset.order_by(*order_by)
        if values is not None:
            conditions = []
            for i, (name, desc) in enumerate(keys):
                lookup = "lt" if desc != reverse else "gt"
                equal = {keys[j][0]: values[j] for j in range(i)}
                conditions.append(Q(**equal, **{f"{name}__{lookup}": values[i]}))
            queryset = queryset.filter(reduce(or_, conditions))

        rows = list(queryset[: page_size + 1])
        more = len(rows) > page_size
        page = rows[:page_size]
        if reverse:
            page.reverse()
            self.has_next, self.has_previous = values is not None, more
        else:
            self.has_next, self.has_previous = more, values is not None
        self.page = page
        return page

    def _position(self, instance) -> list[Any]:
        if isinstance(instance, dict):  # a values() row
            return [instance[name] for name, _desc in self.keys]
        return [getattr(instance, name) for name, _desc in self.keys]

    def get_next_link(self) -> str | None:
        if not self.has_next or not self.page:
            return None
        cursor = self._encode(self._position(self.page[-1]), reverse=False)
        return replace_query_param(self.base_url, self.cursor_query_param, cursor)

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if not self.page:
            return remove_query_param(self.base_url, self.cursor_query_param)
        cursor = self._encode(self._position(self.page[0]), reverse=True)
        return replace_query_param(self.base_url, self.cursor_query_param, cursor)

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
