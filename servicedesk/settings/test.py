"""Settings for the test suite: PostgreSQL and Redis on this machine, fast hashing."""

from .base import *  # noqa: F403
from .base import cache_settings, celery_transport_options, env

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/servicedesk"),
}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_TRANSPORT_OPTIONS = celery_transport_options(CELERY_BROKER_URL)
CACHES = cache_settings(CELERY_BROKER_URL, DATABASES["default"]["NAME"])
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Mail stays in memory, except for a worker that a test points at its local SMTP sink.
if env("TEST_EMAIL_URL", default=""):
    vars().update(env.email("TEST_EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEMO_MODE = True
# Tests see every change at once; tests/tickets/selectors covers the cached counts.
QUEUE_COUNTS_CACHE_SECONDS = 0
