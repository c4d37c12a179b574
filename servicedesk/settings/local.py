"""Default settings for `make run` and development: debug on, embedded defaults allowed."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
DEMO_MODE = env.bool("DEMO_MODE", default=True)

# Demo mail goes to files under var/mail rather than flooding the console; EMAIL_URL
# (e.g. smtp://…) still wins when set.
if not env("EMAIL_URL", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"  # noqa: F405
