"""
WSGI config for servicedesk project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'servicedesk.settings.local')

application = get_wsgi_application()

# The objects loaded so far (Django, the apps, their models) live as long as the process:
# the garbage collector's full passes need not walk them on every request's behalf.
gc.freeze()
