"""What one report page costs, in-process through Django's test client (the whole stack:
session, middleware, the view, the selectors, the template), on the data of
`bench/reports_load.py` (run it first, with its rollups): the team report of each team as
its lead sees it, the department report as its head sees it, and the summary API, each the
best of a few rounds: wall time, SQL time, Python time and the number of statements; then
the means per page. With `--profile`, a cProfile of the same requests.

Usage:  .venv/bin/python bench/report_request_cost.py [team|department|summary] [--rounds N] [--profile]
Uses BENCH_DATABASE_URL like the other benchmarks. Ends with one JSON line of the means.
"""

import argparse
import json

import _django
import _reports_data
import _request_cost

PAGES = ["team", "department", "summary"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*", help=f"some of {', '.join(PAGES)} (default: all three)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    pages = args.pages or PAGES
    if set(pages) - set(PAGES):
        parser.error(f"no such page: {', '.join(sorted(set(pages) - set(PAGES)))} (pages: {', '.join(PAGES)})")
    _django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from reports_load import report_period

    from reports.models import TicketRollup

    settings.ALLOWED_HOSTS = ["*"]
    assert TicketRollup.objects.exists(), "no rollups: run bench/reports_load.py first"
    with connection.cursor() as cursor:
        period = report_period(_reports_data.marker(cursor)[3])  # the page reports_load.py measures
    dates = f"from={period.first.isoformat()}&to={period.last.isoformat()}"
    w = _reports_data.world()
    # (page, who reads it, its URL): each team's lead (three teams), the one department head
    readers = {
        "team": [(lead, f"/reports/teams/{team.slug}/?{dates}")
                 for team, lead in zip(w["teams"][:3], w["leads"][:3], strict=True)],
        "summary": [(lead, f"/api/v1/reports/summary/?team={team.pk}&{dates}")
                    for team, lead in zip(w["teams"][:3], w["leads"][:3], strict=True)],
        "department": [(w["head"], f"/reports/departments/{w['departments'][0].code}/?{dates}")],
    }
    results = {}
    for page in pages:
        print(f"{page}:")
        costs = []
        for reader, url in readers[page]:
            client = Client()
            client.force_login(reader)
            costs.append(_request_cost.measure(client, [url], rounds=args.rounds, profile=args.profile and not costs))
        results[page] = {key: round(sum(c[key] for c in costs) / len(costs), 1) for key in costs[0]}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
