"""Domain errors raised by services; forms show them and the API turns them into a 400."""


class ApplicationError(Exception):
    """A business rule refused the change.

    `message` is for people; `field_errors` maps a field name to its message when the
    problem belongs to one input, so that forms and the API can point at it.
    """

    def __init__(self, message: str, *, field_errors: dict[str, str] | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}
        self.code = code


class ConflictError(ApplicationError):
    """The object changed since the client read it (optimistic concurrency)."""

    def __init__(self, message: str):
        super().__init__(message, code="conflict")
