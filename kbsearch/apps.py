from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbsearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kbsearch"
    verbose_name = _("Knowledge base search")
