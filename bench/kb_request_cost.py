"""What one knowledge-base search request costs, in-process through Django's test client
(the whole stack: middleware, token authentication, throttling, the view, serialisation),
on the data of `bench/kb_search.py` (run it first): per query of its mix, the best of a few
rounds of wall time, time spent in SQL statements (an execute wrapper) and the rest
(Python), and the number of statements; then the means. With `--profile`, a cProfile of
the same requests, by cumulative time.

Usage:  .venv/bin/python bench/kb_request_cost.py [suggest|search] [--rounds N] [--profile]
Uses BENCH_DATABASE_URL like the other benchmarks. Ends with one JSON line of the means.
"""

import argparse
import cProfile
import json
import pstats
import statistics
import time
from urllib.parse import quote

import _django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("endpoint", choices=["suggest", "search"], nargs="?", default="suggest")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    _django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from kb_search import QUERIES
    from rest_framework.authtoken.models import Token

    from teams.models import User
    from tickets.models import ServiceItem

    settings.ALLOWED_HOSTS = ["*"]
    employee = User.objects.get(username="bench.req0")
    item_id = ServiceItem.objects.get(name="Bench item 0").pk
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=employee)[0].key}")

    def url(q: str) -> str:
        if args.endpoint == "suggest":
            return f"/api/v1/kb/suggest/?q={quote(q)}&service_item={item_id}"
        return f"/api/v1/kb/articles/?search={quote(q)}"

    spent = {"sql": 0.0, "statements": 0}

    def timed(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["sql"] += time.perf_counter() - t0
            spent["statements"] += 1

    for q in QUERIES:  # warm: jieba's dictionary, PostgreSQL's pages
        assert client.get(url(q)).status_code == 200
    rows = []
    with connection.execute_wrapper(timed):
        for q in QUERIES:
            best = None
            for _ in range(args.rounds):
                spent.update(sql=0.0, statements=0)
                t0 = time.perf_counter()
                answer = client.get(url(q))
                wall = (time.perf_counter() - t0) * 1000
                assert answer.status_code == 200
                if best is None or wall < best[0]:
                    best = (wall, spent["sql"] * 1000, spent["statements"])
            rows.append((q, *best))
            print(f"{q:26} wall {best[0]:6.1f} ms  SQL {best[1]:6.1f} ms  Python {best[0] - best[1]:6.1f} ms  "
                  f"{best[2]} statements")
    means = {"endpoint": args.endpoint,
             "wall_ms": round(statistics.mean(r[1] for r in rows), 1),
             "sql_ms": round(statistics.mean(r[2] for r in rows), 1),
             "python_ms": round(statistics.mean(r[1] - r[2] for r in rows), 1),
             "statements": round(statistics.mean(r[3] for r in rows), 1)}
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for q in QUERIES:
            client.get(url(q))
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    print(json.dumps(means))


if __name__ == "__main__":
    main()
