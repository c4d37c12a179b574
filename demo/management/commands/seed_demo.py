"""`manage.py seed_demo`: fill an empty (or half-filled) database with the demo company.

Safe to run at every start: it only adds what is missing (see `demo.seed`).
"""

from django.core.management.base import BaseCommand, CommandError

from demo.data import PASSWORD, demo_logins
from demo.seed import DemoModeRequired, seed


class Command(BaseCommand):
    help = (
        "Create the demo teams, people, catalog, service standards and tickets that are missing. "
        f"Every demo account has the password “{PASSWORD}”, so this runs only with DEMO_MODE on."
    )

    def handle(self, *args, **options):
        try:
            report = seed()
        except DemoModeRequired as exc:
            raise CommandError(str(exc)) from None

        if report.total:
            created = ", ".join(f"{name} {count}" for name, count in sorted(report.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo data created: {created}."))
        else:
            self.stdout.write("Demo data already present; nothing to add.")
        self._print_logins()

    def _print_logins(self) -> None:
        rows = [("username", "password", "role", "team / department")]
        rows += [(username, PASSWORD, role, where) for username, role, where in demo_logins()]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        line = "  ".join("-" * width for width in widths)
        self.stdout.write("")
        self.stdout.write("Demo logins (sign in at /accounts/login/):")
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
            if index == 0:
                self.stdout.write(line)
