from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = _("Service standards")

    def ready(self) -> None:
        from servicedesk import refcache

        from . import models as m

        refcache.watch(m.ServiceStandard, m.BusinessCalendar, m.WorkingHours, m.Holiday, m.ExtraWorkingDay,
                       m.EscalationChain, m.EscalationLevel)
