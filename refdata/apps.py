from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RefdataConfig(AppConfig):
    name = "refdata"
    verbose_name = _("Reference data versions")

    def ready(self) -> None:
        # The receivers that bump a version when the data behind it changes.
        from . import wiring  # noqa: F401  (imported for its signal receivers; an app's ready() is where they connect)
