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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*", default=["team", "department", "summary"],
                        choices=["team", "department", "summary"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
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
    teams, leads = w["teams"][:3], w["leads"][:3]
    departments = w["departments"][:1]
    results = {}
    for page in args.pages:
        print(f"{page}:")
        if page == "department":
            for department in departments:
                client = Client()
                client.force_login(department.head)
                urls = [f"/reports/departments/{department.code}/?{dates}"]
                results[page] = _request_cost.measure(client, urls, rounds=args.rounds, profile=args.profile)
            continue
        costs = []
        for team, lead in zip(teams, leads, strict=True):
            client = Client()
            client.force_login(lead)
            url = (f"/reports/teams/{team.slug}/?{dates}" if page == "team"
                   else f"/api/v1/reports/summary/?team={team.pk}&{dates}")
            costs.append(_request_cost.measure(client, [url], rounds=args.rounds, profile=args.profile and not costs))
        results[page] = {key: round(sum(c[key] for c in costs) / len(costs), 1) for key in costs[0]}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
