"""The REST API: shared pieces (error format, pagination, throttling, auth tokens) and
the `/api/` routes that mount each app's `api` package."""
