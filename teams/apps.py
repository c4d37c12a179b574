from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Teams and people")

    def ready(self) -> None:
        from rest_framework.authtoken.models import Token

        from servicedesk import refcache

        from .models import Membership, Team, User

        # Filing a ticket reads the team's settings and its leads (to notify them) from
        # the reference cache. Handing out tickets moves `round_robin_last` and signing in
        # moves `last_login`: neither is reference data, and both happen all day.
        refcache.watch(Team, ignore_update_fields=frozenset({"round_robin_last"}))
        refcache.watch(User, ignore_update_fields=frozenset({"last_login"}))
        refcache.watch(Membership)
        # API requests authenticate from the cache: issuing or revoking a token must reach
        # every process at once.
        refcache.watch(Token)
