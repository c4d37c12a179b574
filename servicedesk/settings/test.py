"""Settings for the test suite: PostgreSQL and Redis on this machine, fast hashing."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import cache_settings, celery_transport_options, env

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/servicedesk"),
}
# A "replica" alias that is the test database itself (a test mirror: never created, same
# rows once committed). The reports read it only in the tests that turn REPORTS_READ_REPLICA
# on (tests/reports/test_replica.py); everywhere else everything reads the primary.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
REPORTS_READ_REPLICA = False
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_TRANSPORT_OPTIONS = celery_transport_options(CELERY_BROKER_URL)
CACHES = cache_settings(CELERY_BROKER_URL, DATABASES["default"]["NAME"])
if "KEY_PREFIX" in CACHES["default"]:
    # The test run's keys apart from the demo's and a benchmark's on the same Redis, and
    # per pytest-xdist worker: tests.cache.cache_clear() deletes only these.
    CACHES["default"]["KEY_PREFIX"] = "test:{}:{}".format(
        Path(str(DATABASES["default"]["NAME"])).name, env("PYTEST_XDIST_WORKER", default="main"))
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
