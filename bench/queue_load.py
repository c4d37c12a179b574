"""Team queue benchmark: the queue workspace page of a team with 200,000 open tickets out
of 1,000,000 (by default), through gunicorn with the production settings on PostgreSQL,
with concurrent clients on loopback.

For each view (all open, unassigned, mine, at risk, breached, pending) it measures the
page's latency p50/p95 (client side, loopback: an upper bound of the server time) and the
SQL queries one page makes (in-process, the same page).

Usage:  .venv/bin/python bench/queue_load.py [--tickets N] [--requests N] [--concurrency C]
Ends with one JSON line: {"p95_ms": {view: ms}, "p50_ms": {...}, "queries": {view: n}, ...}.
"""

import argparse
import json

import _django
import _http
import _load
import _server

VIEWS = ["open", "unassigned", "mine", "at_risk", "breached", "pending"]


def _session_cookie(user) -> str:
    """A signed-in session for `user`, as the login page would make it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _queries(path: str, user) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    return len(ctx)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=None, help="open tickets in the team (default N/5)")
    parser.add_argument("--requests", type=int, default=400, help="requests per view")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"],
                        help="gunicorn worker class (default sync, as docker-compose.yml runs it)")
    args = parser.parse_args()
    _django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    w = _load.load_tickets(args.tickets, args.open or args.tickets // 5)
    agent = w["agents"][0]
    cookie = _session_cookie(agent)
    slug = w["team"].slug
    paths = {view: f"/queues/{slug}/?view={view}" for view in VIEWS}
    queries = {view: _queries(path, agent) for view, path in paths.items()}
    p50, p95, per_s, statuses = {}, {}, {}, {}
    with _server.gunicorn(workers=args.workers, worker_class=args.worker_class) as port:
        for view, path in paths.items():
            def request(worker: int, i: int, path=path):
                return "GET", path, None, {"Cookie": cookie}

            _http.run(port, request, total=args.concurrency * 3, concurrency=args.concurrency)  # warm
            result = _http.run(port, request, total=args.requests, concurrency=args.concurrency)
            p50[view], p95[view], per_s[view] = result["p50_ms"], result["p95_ms"], result["per_s"]
            statuses[view] = result["statuses"]
    figures = {
        "tickets": args.tickets, "open_in_team": args.open or args.tickets // 5, "concurrency": args.concurrency,
        "p50_ms": p50, "p95_ms": p95, "pages_per_s": per_s, "queries": queries, "statuses": statuses,
    }
    for view in VIEWS:
        print(f"{view:>11}: p50 {p50[view]:7.1f} ms  p95 {p95[view]:7.1f} ms  {per_s[view]:6.1f}/s  "
              f"{queries[view]} queries  {statuses[view]}")
    print(json.dumps(figures))
    if any(set(s) != {"200"} for s in statuses.values()):
        raise SystemExit("some pages did not answer 200: the figures above are not valid")


if __name__ == "__main__":
    main()
