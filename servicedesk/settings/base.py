"""Settings shared by every environment, read from the environment with django-environ.

With nothing set, the app runs on an embedded default that needs no server: a SQLite
file and Celery's filesystem broker, so `make run` works on any machine with Python.
`DATABASE_URL` and `CELERY_BROKER_URL` switch it to PostgreSQL and Redis.
"""

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab, schedule

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# Local state of the embedded default (SQLite file, filesystem broker, uploads, mail).
VAR_DIR = Path(env.str("SERVICEDESK_VAR_DIR", default=str(BASE_DIR / "var")))
if "DATABASE_URL" not in env:
    # The embedded SQLite file needs its folder; a real deployment may run read-only.
    VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
# The fallback key only serves the embedded demo; production.py refuses to start without one.
SECRET_KEY = env("SECRET_KEY", default="insecure-servicedesk-demo-key-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "csp",
    "health_check",
    "axes",
    "teams",
    "tickets",
    "sla",
    "notifications",
    "webhooks",
    "surveys",
    "feedback",
    "problems",
    "refdata",
    "knowledge",
    "kbsearch",
    "reports",
    "reviews",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "servicedesk.middleware.PermissionsPolicyMiddleware",
    "servicedesk.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "teams.middleware.UserTimezoneMiddleware",
    # Last: turns a locked-out sign-in on the login page into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "servicedesk.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "servicedesk.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "servicedesk.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'servicedesk.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))


def replica_database(default: dict) -> dict | None:
    """The read replica of DATABASE_REPLICA_URL (reports and exports read there, see
    servicedesk/db_router.py), None without it."""
    if not env("DATABASE_REPLICA_URL", default=""):
        return None
    replica = env.db("DATABASE_REPLICA_URL")
    replica["CONN_MAX_AGE"] = default.get("CONN_MAX_AGE", 0)
    return replica


if replica_database(DATABASES["default"]):
    DATABASES["replica"] = replica_database(DATABASES["default"])
# Whether the reports read the replica (servicedesk.db_router): with a replica configured.
REPORTS_READ_REPLICA = "replica" in DATABASES
DATABASE_ROUTERS = ["servicedesk.db_router.ReportsReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "teams.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in protection (teams.signin): django-axes' backend refuses a locked-out user name
# before the model backend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failures are kept in PostgreSQL, not in the cache: the lock holds when Redis is down.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("SIGNIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("SIGNIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lock runs out SIGNIN_LOCKOUT_MINUTES after the last counted failure: tries during it
# are refused without being counted.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "teams.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "teams.signin.client_ip"
AXES_VERBOSE = False
# Reverse proxies in front of the app whose X-Forwarded-For is trusted (0: use the
# connection's address). Decides the client address of sign-in locks and API throttling.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env("TIME_ZONE", default="UTC")

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# No route serves MEDIA_URL (servicedesk.urls): files go out through the attachment view only.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Attachments: a size limit and an allow-list of file types by extension; the content must
# agree with the extension (servicedesk.uploads.check_content).
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_ALLOWED_EXTENSIONS = env.list(
    "ATTACHMENT_ALLOWED_EXTENSIONS",
    default=["pdf", "png", "jpg", "jpeg", "gif", "txt", "log", "csv", "docx", "xlsx", "pptx", "zip"],
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# The queue's tab counts may be this many seconds old (they refresh every 15 s anyway).
QUEUE_COUNTS_CACHE_SECONDS = env.int("QUEUE_COUNTS_CACHE_SECONDS", default=10)

# Ticket lifecycle knobs.
TICKET_REOPEN_DAYS = env.int("TICKET_REOPEN_DAYS", default=7)
TICKET_AUTOCLOSE_DAYS = env.int("TICKET_AUTOCLOSE_DAYS", default=5)

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="servicedesk@localhost")
# Seconds the SMTP server has to answer each command; it also bounds how long a worker may
# take over one email (notifications.services), so it must never be None.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10.0)
# How long a delivering worker holds a claimed batch of outbox messages; the messages of a
# worker that died come due again after it (at least twenty EMAIL_TIMEOUTs).
OUTBOX_CLAIM_SECONDS = env.float("OUTBOX_CLAIM_SECONDS", default=300.0)

# Celery. The filesystem transport is the embedded default: it needs no server.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
def celery_transport_options(broker_url: str) -> dict:
    """Transport options for the broker in use (the test settings call it again)."""
    if broker_url.startswith("filesystem://"):
        queue_dir = VAR_DIR / "celery" / "queue"
        return {
            "data_folder_in": str(queue_dir),
            "data_folder_out": str(queue_dir),
            "processed_folder": str(VAR_DIR / "celery" / "processed"),
            "control_folder": str(VAR_DIR / "celery" / "control"),
            "store_processed": False,
        }
    return {
        # A hung Redis must not hang a web request that files a ticket: short socket
        # timeouts and a bounded retry make publishing fail fast (the deadlines and the
        # outbox live in PostgreSQL, so the next scan catches up).
        "socket_timeout": 2,
        "socket_connect_timeout": 2,
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
        # Unacknowledged messages of a killed worker come back quickly.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=300),
        "health_check_interval": 10,
    }


CELERY_BROKER_TRANSPORT_OPTIONS = celery_transport_options(CELERY_BROKER_URL)


def cache_settings(broker_url: str, database_name: str) -> dict:
    """Django's cache: `CACHE_URL` when set; else, when the broker is Redis, the same
    Redis server (database 1, or 2 when the broker uses 1), so that throttling counters,
    queue counts and the reference cache are shared by every web and worker process;
    else a per-process memory cache (the embedded default, one web process)."""
    url = env("CACHE_URL", default="")
    if not url and broker_url.startswith(("redis://", "rediss://")):
        parts = urlsplit(broker_url)
        broker_db = parts.path.strip("/") or "0"
        url = urlunsplit(parts._replace(path="/2" if broker_db == "1" else "/1"))
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if url.startswith(("redis://", "rediss://")):
        # Per database by default: the test suite and a benchmark may share one Redis.
        return {"default": redis_cache(url, env("CACHE_KEY_PREFIX", default=f"sd:{Path(str(database_name)).name}"))}
    return {"default": env.cache_url_config(url)}


def redis_cache(url: str, key_prefix: str) -> dict:
    """Django's Redis cache at `url`. Requests use it (through `servicedesk.cache_guard`),
    so a hung Redis may cost one of them one socket timeout, short, before the breaker
    opens; redis-py makes no second attempt (no `retry_on_timeout`)."""
    timeout = env.float("CACHE_SOCKET_TIMEOUT", default=0.3)
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": key_prefix,
        "OPTIONS": {"socket_timeout": timeout, "socket_connect_timeout": timeout},
    }


CACHES = cache_settings(CELERY_BROKER_URL, DATABASES["default"]["NAME"])
# After the shared cache failed (down, or slower than CACHE_SOCKET_TIMEOUT), each process
# leaves it alone this long, then tries it once (servicedesk.cache_guard).
CACHE_BREAKER_SECONDS = env.float("CACHE_BREAKER_SECONDS", default=30.0)
# refdata.versions: each process keeps the reference data every filed ticket reads, checked
# against a per-key version row in PostgreSQL; false reads it from PostgreSQL every time.
REFERENCE_CACHE = env.bool("REFERENCE_CACHE", default=True)
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
SLA_SCAN_INTERVAL_SECONDS = env.float("SLA_SCAN_INTERVAL_SECONDS", default=30.0)
SLA_SCAN_BATCH_SIZE = env.int("SLA_SCAN_BATCH_SIZE", default=500)
OUTBOX_DELIVERY_INTERVAL_SECONDS = env.float("OUTBOX_DELIVERY_INTERVAL_SECONDS", default=10.0)
CELERY_BEAT_SCHEDULE = {
    # `expires` drops runs that a stopped worker could not take in time: the next one
    # does the same work, so a backlog of identical sweeps is useless.
    "scan-sla-deadlines": {
        "task": "sla.tasks.scan_deadlines",
        "schedule": schedule(run_every=SLA_SCAN_INTERVAL_SECONDS),
        "options": {"expires": SLA_SCAN_INTERVAL_SECONDS},
    },
    "deliver-outbox": {
        "task": "notifications.tasks.deliver_outbox",
        "schedule": schedule(run_every=OUTBOX_DELIVERY_INTERVAL_SECONDS),
        "options": {"expires": OUTBOX_DELIVERY_INTERVAL_SECONDS},
    },
    "lead-digests": {
        "task": "notifications.tasks.send_lead_digests",
        "schedule": crontab(hour=env.int("LEAD_DIGEST_HOUR_UTC", default=0), minute=30),
    },
    "close-resolved-tickets": {
        "task": "tickets.tasks.close_resolved_tickets",
        "schedule": schedule(run_every=env.float("AUTOCLOSE_INTERVAL_SECONDS", default=3600.0)),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "servicedesk.api.exception_handler.api_exception_handler",
    # JSON only (the upload endpoint reads multipart); what it cannot read is a 400.
    "DEFAULT_PARSER_CLASSES": ["servicedesk.api.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "servicedesk.api.throttling.UserRateThrottle",
        "servicedesk.api.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env("API_THROTTLE_USER", default="2000/min"),
        "anon": env("API_THROTTLE_ANON", default="100/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "servicedesk.api.pagination.CursorPagination",
    # The client address of anonymous throttling: as sign-in locks (teams.signin.client_ip),
    # never an X-Forwarded-For that no trusted proxy wrote.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
from servicedesk.api.schema import SCHEMA_SETTINGS  # noqa: E402 (plain data, no Django)

SPECTACULAR_SETTINGS = {
    "TITLE": "servicedesk API",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One list of enum names, the schema view's (servicedesk/api/schema.py).
    "ENUM_NAME_OVERRIDES": SCHEMA_SETTINGS["ENUM_NAME_OVERRIDES"],
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True, "validatorUrl": None},
}

# Webhooks: HTTPS endpoints only (plain http to localhost only when allowed, for tests),
# at public addresses only, except the host names, addresses and networks listed here
# (e.g. "hooks.corp.local,10.1.2.3,10.9.0.0/16"): see webhooks/addresses.py.
WEBHOOK_ALLOW_HTTP_LOCALHOST = env.bool("WEBHOOK_ALLOW_HTTP_LOCALHOST", default=False)
WEBHOOK_ALLOWED_INTERNAL_HOSTS = env.list("WEBHOOK_ALLOWED_INTERNAL_HOSTS", default=[])
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30.0)
# Satisfaction surveys: the sweep that sends due invites and expires old ones.
SURVEY_SWEEP_INTERVAL_SECONDS = env.float("SURVEY_SWEEP_INTERVAL_SECONDS", default=30.0)
CELERY_BEAT_SCHEDULE["send-surveys"] = {
    "task": "surveys.tasks.sweep_surveys",
    "schedule": schedule(run_every=SURVEY_SWEEP_INTERVAL_SECONDS),
    "options": {"expires": SURVEY_SWEEP_INTERVAL_SECONDS},
}
# The problem library: a problem still open with at least each of these numbers of linked
# incidents, or open longer than each of these numbers of days, is flagged to the service
# admins, once per threshold crossed, by the sweep run every PROBLEM_FLAG_INTERVAL_SECONDS.
PROBLEM_FLAG_INCIDENTS = env.list("PROBLEM_FLAG_INCIDENTS", cast=int, default=[5, 10])
PROBLEM_FLAG_DAYS = env.list("PROBLEM_FLAG_DAYS", cast=int, default=[14, 30])
CELERY_BEAT_SCHEDULE["flag-hard-problems"] = {
    "task": "problems.tasks.flag_hard_problems",
    "schedule": schedule(run_every=env.float("PROBLEM_FLAG_INTERVAL_SECONDS", default=900.0)),
    "options": {"expires": 900.0},
}
# Knowledge base: owners of articles past their review-by date hear once a week.
CELERY_BEAT_SCHEDULE["kb-review-reminders"] = {
    "task": "knowledge.tasks.send_review_reminders",
    "schedule": crontab(day_of_week=env.int("KB_REVIEW_REMINDER_WEEKDAY", default=1),
                        hour=env.int("KB_REVIEW_REMINDER_HOUR_UTC", default=1), minute=15),
}
# Reports (reports/): days are cut in this time zone; the rollup folds what was written since
# its last run (less the lag, for transactions that commit late) every few minutes, and the
# last days once more every night.
REPORT_TIME_ZONE = env("REPORT_TIME_ZONE", default="Asia/Shanghai")
REPORT_ROLLUP_INTERVAL_SECONDS = env.float("REPORT_ROLLUP_INTERVAL_SECONDS", default=300.0)
REPORT_ROLLUP_LAG_SECONDS = env.int("REPORT_ROLLUP_LAG_SECONDS", default=900)
REPORT_ROLLUP_NIGHTLY_DAYS = env.int("REPORT_ROLLUP_NIGHTLY_DAYS", default=3)
CELERY_BEAT_SCHEDULE["reports-rollup"] = {
    "task": "reports.tasks.rollup_reports",
    "schedule": schedule(run_every=REPORT_ROLLUP_INTERVAL_SECONDS),
    "options": {"expires": REPORT_ROLLUP_INTERVAL_SECONDS},
}
CELERY_BEAT_SCHEDULE["reports-rollup-nightly"] = {
    "task": "reports.tasks.rollup_recent_days",
    "schedule": crontab(hour=env.int("REPORT_ROLLUP_NIGHTLY_HOUR_UTC", default=19), minute=5),
}

# Report exports (reports.export, reports.exports): a table or ticket list of more rows than
# this is built by a Celery task (progress on its page), never in the request; its file is
# kept this many days. Report subscriptions: the beat sends each due summary mail once.
EXPORT_INLINE_MAX_ROWS = env.int("EXPORT_INLINE_MAX_ROWS", default=5000)
EXPORT_KEEP_DAYS = env.int("EXPORT_KEEP_DAYS", default=7)
# The sweep sends a job still queued after this long to the workers again (a lost message).
EXPORT_REQUEUE_SECONDS = env.int("EXPORT_REQUEUE_SECONDS", default=300)
CELERY_BEAT_SCHEDULE["reports-export-sweep"] = {
    "task": "reports.tasks.sweep_exports",
    "schedule": schedule(run_every=env.float("EXPORT_SWEEP_INTERVAL_SECONDS", default=3600.0)),
    "options": {"expires": 600.0},
}
CELERY_BEAT_SCHEDULE["reports-subscriptions"] = {
    "task": "reports.tasks.send_report_subscriptions",
    "schedule": schedule(run_every=env.float("REPORT_SUBSCRIPTION_INTERVAL_SECONDS", default=900.0)),
    "options": {"expires": 600.0},
}
# Quarterly review of the service standards (reviews/): the beat drafts the current quarter's
# review at its start (daily, once per quarter); the flags' thresholds (reviews.rules).
CELERY_BEAT_SCHEDULE["reviews-draft-quarter"] = {
    "task": "reviews.tasks.draft_quarter_review",
    "schedule": crontab(hour=env.int("REVIEW_DRAFT_HOUR_UTC", default=17), minute=10),
}
REVIEW_FLAG_MISS_RATE = env.float("REVIEW_FLAG_MISS_RATE", default=0.10)
REVIEW_FLAG_EASY_FRACTION = env.float("REVIEW_FLAG_EASY_FRACTION", default=1 / 3)
REVIEW_FLAG_MIN_N = env.int("REVIEW_FLAG_MIN_N", default=20)

CELERY_BEAT_SCHEDULE["deliver-webhooks"] = {
    "task": "webhooks.tasks.deliver_webhooks",
    "schedule": schedule(run_every=env.float("WEBHOOK_DELIVERY_INTERVAL_SECONDS", default=10.0)),
    "options": {"expires": 10.0},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Demo mode: only `seed_demo` gives accounts a known password, and it refuses to run otherwise.
DEMO_MODE = env.bool("DEMO_MODE", default=False)
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- Security headers (every environment, so that the tests see them) ----------------
# Content-Security-Policy (django-csp): scripts and styles only from our own static files;
# the templates carry no inline <script>, <style>, style="" or on…= handlers, and htmx runs
# without eval (templates/base.html, meta htmx-config). Enforced, not report-only. The API's
# HTML pages (Swagger UI, DRF's browsable API) also allow inline styles (servicedesk.middleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# servicedesk.middleware.PermissionsPolicyMiddleware: browser features no page uses.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Health endpoints (servicedesk/health.py) ------------------------------------------
# Readiness fails when the scanner's last successful cycle is older than this (default:
# three scan intervals), or when an email of the outbox is overdue by more than the other.
HEALTH_SCANNER_MAX_AGE_SECONDS = env.float("HEALTH_SCANNER_MAX_AGE_SECONDS", default=3 * SLA_SCAN_INTERVAL_SECONDS)
HEALTH_OUTBOX_MAX_DELAY_SECONDS = env.float("HEALTH_OUTBOX_MAX_DELAY_SECONDS", default=600.0)
