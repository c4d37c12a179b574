"""
WSGI config for servicedesk project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'servicedesk.settings.local')

application = get_wsgi_application()

# Load the URLconf (and with it every view and serializer) now rather than on the first
# request. Everything loaded so far lives as long as the process: the garbage collector's
# full passes need not walk it on every request's behalf.
get_resolver().url_patterns  # noqa: B018 - imported for its side effect
gc.freeze()
