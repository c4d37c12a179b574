"""Production settings: secrets come from the environment with no defaults.

`manage.py check --deploy` passes with no warning on these settings as they stand; the
variables below that relax them (README, "Deploying") bring the matching warnings back.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, cache_settings, env, replica_database

DEBUG = False
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if replica_database(DATABASES["default"]):
    DATABASES["replica"] = replica_database(DATABASES["default"])
REPORTS_READ_REPLICA = "replica" in DATABASES
CACHES = cache_settings(CELERY_BROKER_URL, DATABASES["default"]["NAME"])

# --- Secret key: refuse to start with a weak one ----------------------------------------
# The demo's fallback key (base.py) and Django's startproject keys are public.
KNOWN_INSECURE_SECRET_KEYS = {"insecure-servicedesk-demo-key-change-me", "change-me", "changeme", "secret"}
SECRET_KEY = env("SECRET_KEY")
if (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY in KNOWN_INSECURE_SECRET_KEYS
    or SECRET_KEY.startswith("django-insecure-")
):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

# --- HTTPS --------------------------------------------------------------------------------
# LOCAL_HTTP=true: a trial on http://localhost with no TLS anywhere (no redirect, no HSTS,
# cookies without Secure). Never for a real deployment.
LOCAL_HTTP = env.bool("LOCAL_HTTP", default=False)
# HTTP → HTTPS redirect here; SECURE_SSL_REDIRECT=false when the proxy redirects itself.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not LOCAL_HTTP)
# The container's health checks call over plain HTTP from inside it.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
# Strict-Transport-Security, sent whoever redirects.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if LOCAL_HTTP else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not LOCAL_HTTP)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not LOCAL_HTTP)
# X-Forwarded-Proto is believed only when a proxy that sets it (and strips a client's)
# stands in front: otherwise any client could claim HTTPS.
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
