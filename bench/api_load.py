"""REST API benchmark: gunicorn with the production settings on PostgreSQL, a database of
N tickets (default 1,000,000; 200,000 of them open in one team), concurrent clients on
loopback.

Measures ticket creation (POST /api/v1/tickets/) throughput and p50/p95/p99 latency, and
the list of the team's open tickets ordered by due time (GET /api/v1/tickets/?team=…&
status=new,open,pending&ordering=due_at), p50/p95, plus the SQL queries one list request
makes (the same whatever the page size).

Usage:  .venv/bin/python bench/api_load.py [--tickets N] [--creates N] [--lists N] [--concurrency C]
Ends with one JSON line of the figures.
"""

import argparse
import json

import _django
import _http
import _load
import _server


def _tokens(w) -> tuple[str, str]:
    from rest_framework.authtoken.models import Token

    requester = w["requesters"][0]
    agent = w["agents"][0]
    return Token.objects.get_or_create(user=requester)[0].key, Token.objects.get_or_create(user=agent)[0].key


def _list_path(team_id: int, page_size: int = 50) -> str:
    return f"/api/v1/tickets/?team={team_id}&status=new,open,pending&ordering=due_at&page_size={page_size}"


def _queries_per_list(team_id: int, agent) -> dict[int, int]:
    """SQL statements of one list request in-process, for two page sizes."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(agent)
    counts = {}
    for size in (10, 100):
        client.get(_list_path(team_id, size))  # warm
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(_list_path(team_id, size))
        assert response.status_code == 200, response.content[:500]
        counts[size] = len(ctx)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=None, help="open tickets in the bench team (default N/5)")
    parser.add_argument("--creates", type=int, default=3000)
    parser.add_argument("--lists", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"],
                        help="gunicorn worker class (default sync, as docker-compose.yml runs it)")
    args = parser.parse_args()
    _django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    w = _load.load_tickets(args.tickets, args.open or args.tickets // 5)
    requester_token, agent_token = _tokens(w)
    team_id, item_id = w["team"].pk, w["items"][0].pk
    queries = _queries_per_list(team_id, w["agents"][0])

    def create(worker: int, i: int):
        body = json.dumps({"service_item": item_id, "title": f"{_load.CREATED_PREFIX}{worker}-{i}",
                           "description": "Printer on floor 3 is jammed."})
        return "POST", "/api/v1/tickets/", body, {"Authorization": f"Token {requester_token}",
                                                  "Content-Type": "application/json"}

    def listing(worker: int, i: int):
        return "GET", _list_path(team_id), None, {"Authorization": f"Token {agent_token}"}

    with _server.gunicorn(workers=args.workers, worker_class=args.worker_class) as port:
        _http.run(port, listing, total=args.concurrency * 5, concurrency=args.concurrency)  # warm the workers
        creates = _http.run(port, create, total=args.creates, concurrency=args.concurrency)
        lists = _http.run(port, listing, total=args.lists, concurrency=args.concurrency)
    figures = {
        "tickets": args.tickets,
        "open_in_team": args.open or args.tickets // 5,
        "concurrency": args.concurrency,
        "creates_per_s": creates["per_s"],
        "create_p50_ms": creates["p50_ms"],
        "create_p95_ms": creates["p95_ms"],
        "create_p99_ms": creates["p99_ms"],
        "create_statuses": creates["statuses"],
        "create_client_cpu_ms": creates["client_cpu_ms"],
        "lists_per_s": lists["per_s"],
        "list_p50_ms": lists["p50_ms"],
        "list_p95_ms": lists["p95_ms"],
        "list_p99_ms": lists["p99_ms"],
        "list_statuses": lists["statuses"],
        "list_queries": queries[100],
        "list_queries_page_10": queries[10],
        "list_queries_page_100": queries[100],
    }
    for key, value in figures.items():
        print(f"{key:>22}: {value}")
    print(json.dumps(figures))
    if set(creates["statuses"]) != {"201"} or set(lists["statuses"]) != {"200"}:
        raise SystemExit("some requests failed: the figures above are not valid")


if __name__ == "__main__":
    main()
