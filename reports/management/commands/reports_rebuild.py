"""`manage.py reports_rebuild [--from YYYY-MM-DD --to YYYY-MM-DD]`: fold the daily rollups
again from the raw rows — every day (after a change of REPORT_TIME_ZONE, or to check), or
the report days from … to inclusive (in the report time zone)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from reports.rollup import report_zone, rollup_days, rollup_rebuild

MAX_DAYS = 20 * 366


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} {value!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = "Rebuild the report rollups from the raw rows: everything, or the days --from … --to (inclusive)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", metavar="YYYY-MM-DD", help="first report day (inclusive)")
        parser.add_argument("--to", dest="last", metavar="YYYY-MM-DD", help="last report day (inclusive)")

    def handle(self, *args, first=None, last=None, **options):
        if (first is None) != (last is None):
            raise CommandError("Give --from and --to together, or neither to rebuild everything.")
        if first is None:
            run = rollup_rebuild()
            days = run.ticket_days
            self.stdout.write(f"Rebuilt every report day ({len(days)} days in {report_zone()}, "
                              f"{run.rows} rollup rows), complete to {run.as_of:%Y-%m-%d %H:%M:%S %Z}.")
            return
        first_day, last_day = _date(first, "--from"), _date(last, "--to")
        if last_day < first_day:
            raise CommandError(f"--to {last_day} is before --from {first_day}.")
        if (last_day - first_day).days + 1 > MAX_DAYS:
            raise CommandError(f"At most {MAX_DAYS} days at once; without --from and --to everything is rebuilt.")
        run = rollup_days(first=first_day, last=last_day)
        self.stdout.write(f"Rebuilt {len(run.ticket_days)} report days {first_day} … {last_day} "
                          f"in {report_zone()} ({run.rows} rollup rows).")
