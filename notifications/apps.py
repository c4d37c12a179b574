from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from servicedesk import refcache

        from .models import Preference

        # Filing a ticket reads the leads' preferences from the reference cache.
        refcache.watch(Preference)
