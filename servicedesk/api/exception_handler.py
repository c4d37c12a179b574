"""One error format for the whole API.

Every error body has `detail` (a sentence for people) and, when input was at fault,
`errors` mapping a field name to a list of messages, e.g.::

    {"detail": "Some service fields are not valid.",
     "errors": {"fields.asset_tag": ["This field is required."]}}

* `ApplicationError` → 400; with `code="permission_denied"` → 403 (the user can see the
  object, the service refused the action; objects out of reach are 404 before any
  service is called, because every lookup goes through the visibility selectors).
* `ConflictError` (a stale `version`), or any `code="conflict"` (an edit of a service
  standard version that is no longer current) → 409.
* DRF validation errors → 400 with the same `errors` shape (nested errors flattened to
  dotted keys: `working_hours.0.start`).
* Django's own `ValidationError` (a value that a model field refused) → 400.
* A body the parser cannot read → 400 (`servicedesk.api.parsers`); one over
  DATA_UPLOAD_MAX_MEMORY_SIZE (Django's `RequestDataTooBig`, or too many multipart
  fields) → 400 here, as JSON, where Django would answer with its HTML page.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from servicedesk.exceptions import ApplicationError, ConflictError

NON_FIELD = "non_field_errors"


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as {"a.0.b": ["message", …]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in flatten_errors(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out[prefix or NON_FIELD] = [str(item) for item in detail]
        else:
            for index, value in enumerate(detail):
                if not value:
                    continue
                name = f"{prefix}.{index}" if prefix else str(index)
                for k, v in flatten_errors(value, name).items():
                    out.setdefault(k, []).extend(v)
    else:
        out[prefix or NON_FIELD] = [str(detail)]
    return out


def _summary(errors: dict[str, list[str]]) -> str:
    if set(errors) == {NON_FIELD}:
        return errors[NON_FIELD][0]
    return _("Invalid input.")


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response({"detail": _("The request body is too large: at most %(n)s bytes.") % {"n": f"{limit:,}"}},
                        status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return Response({"detail": _("The request has too many fields or files.")},
                        status=status.HTTP_400_BAD_REQUEST)

    if isinstance(exc, ApplicationError):
        if isinstance(exc, ConflictError) or exc.code == "conflict":
            code = status.HTTP_409_CONFLICT
        elif exc.code == "permission_denied":
            code = status.HTTP_403_FORBIDDEN
        else:
            code = status.HTTP_400_BAD_REQUEST
        body: dict[str, Any] = {"detail": exc.message}
        if exc.field_errors:
            body["errors"] = {
                NON_FIELD if key == "__all__" else key: [str(message)] for key, message in exc.field_errors.items()
            }
        return Response(body, status=code)

    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError(exc.messages)

    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        return Response({"detail": _summary(errors), "errors": errors}, status=status.HTTP_400_BAD_REQUEST)

    return drf_exception_handler(exc, context)
