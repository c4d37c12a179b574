"""Run one cycle of the deadline scanner by hand (for operators and benchmarks)."""

import time

from django.core.management.base import BaseCommand

from sla.bookkeeping import clocks_replan_pending
from sla.scanner import sla_scan


class Command(BaseCommand):
    help = "Re-plan clocks after calendar/chain edits, then run one deadline-scanner cycle."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=None, help="clocks claimed per transaction")

    def handle(self, *args, batch_size=None, **options):
        started = time.perf_counter()
        replanned = clocks_replan_pending()
        result = sla_scan(batch_size=batch_size)
        elapsed = (time.perf_counter() - started) * 1000
        self.stdout.write(
            f"replanned {replanned} clocks; claimed {result.claimed} clocks in {result.batches} batches; "
            f"recorded {result.escalations} escalations in {elapsed:.1f} ms"
        )
