"""Exit 0 when the deadline scanner finished a cycle recently, else 1: the health check of
the beat container (docker-compose.yml)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sla.selectors import scanner_heartbeat_stale, scanner_last_success


class Command(BaseCommand):
    help = "Exit 1 when the deadline scanner's last good cycle is missing or older than HEALTH_SCANNER_MAX_AGE_SECONDS."

    def handle(self, *args, **options):
        if scanner_heartbeat_stale():
            raise CommandError(
                f"stale: the deadline scanner's last good cycle ({scanner_last_success() or 'never'}) is more "
                f"than {settings.HEALTH_SCANNER_MAX_AGE_SECONDS:g} s ago"
            )
        self.stdout.write(f"ok: last good cycle at {scanner_last_success():%Y-%m-%d %H:%M:%S %Z}")
