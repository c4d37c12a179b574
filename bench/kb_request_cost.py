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
import json
from urllib.parse import quote, unquote

import _django
import _request_cost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("endpoint", choices=["suggest", "search"], nargs="?", default="suggest")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    _django.setup()
    from django.conf import settings
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

    means = {"endpoint": args.endpoint,
             **_request_cost.measure(client, [url(q) for q in QUERIES], rounds=args.rounds, profile=args.profile,
                                     label=lambda u: unquote(u.split("=", 1)[1].split("&")[0]))}
    print(json.dumps(means))


if __name__ == "__main__":
    main()
