"""drf-spectacular settings of the API's schema, applied by the schema view (and by
`manage.py spectacular --custom-settings servicedesk.api.schema.SCHEMA_SETTINGS`), so the
schema is right whatever SPECTACULAR_SETTINGS holds."""

SCHEMA_SETTINGS = {
    "DESCRIPTION": (
        "The servicedesk REST API. Authenticate with `Authorization: Token <key>` (from `POST "
        "/api/v1/auth/token/`) or the browser session. Errors are `{\"detail\": …, \"errors\": {field: "
        "[messages]}}`: 400 invalid input, 401 not signed in, 403 not allowed, 404 not found (or not "
        "yours to see), 409 stale `version`, 429 too many requests (see `Retry-After`)."
    ),
    # Separate request and response components: read-only fields are not asked for.
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "Priority": "tickets.constants.Priority",
        "TicketStatus": "tickets.constants.Status",
        "WebhookEvent": "webhooks.models.WebhookEvent",
        "FeedbackKind": "feedback.models.Feedback.Kind",
        "FeedbackStatus": "feedback.models.Feedback.Status",
        "FeedbackEventKind": "feedback.models.FeedbackEvent.Kind",
        "ProblemStatus": "problems.models.ProblemStatus",
        "ArticleStatus": "knowledge.models.ArticleStatus",
        "ArticleVisibility": "knowledge.models.Visibility",
        "ArticleRevisionStatus": "knowledge.models.RevisionStatus",
        "ReviewState": "reviews.models.StandardReview.State",
        "ReviewDecision": "reviews.models.ReviewItem.Decision",
    },
}

# Swagger UI: no validator badge (it would call validator.swagger.io from the browser).
SWAGGER_UI_SETTINGS = {"deepLinking": True, "persistAuthorization": True, "validatorUrl": None}
