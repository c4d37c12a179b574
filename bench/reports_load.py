"""Reports benchmark (issue 18): N tickets (default 1,000,000) over about a year with their
status events, about 3 SLA outcomes each and 200,000 satisfaction survey responses
(bench/_reports_data.py: bulk SQL, reused when already there), on PostgreSQL. Measures:

- the full rebuild of the daily rollups from all the outcomes (`reports.rollup.rollup_rebuild`,
  target < 5 min) and the rollup of one busy day (`rollup_days(first=day, last=day)`, the
  weekday with the number of outcomes nearest 10,000; target < 5 s);
- the team report's selectors in-process (`reports.selectors`: report_summary, report_breakdown
  by service item and by assignee, report_trend over 12 weeks, backlog) p50/p95 per call and
  for the page's set together, for a team and for a department;
- through gunicorn with concurrent clients: the summary API, the team report page and the
  department report page (target p95 < 300 ms each); a URL that answers 404 is not there yet
  (built on other branches) and is skipped (null in the JSON);
- the XLSX export of 100,000 ticket rows in a child process, as an export job writes it
  (`reports.export.ticket_rows` into `write_xlsx`), target < 60 s and a peak RSS < 300 MB.

Usage:  .venv/bin/python bench/reports_load.py [--tickets N] [--surveys N] [--skip-rebuild]
Uses BENCH_DATABASE_URL (a database of its own: it truncates the tickets there). Prints the
figures and ends with one JSON line.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import _django
import _http
import _reports_data
import _server

EXPORT_ROWS = 100_000
TARGETS = {"rollup_day_s": 5.0, "rebuild_s": 300.0, "summary_api_p95_ms": 300.0, "report_page_p95_ms": 300.0,
           "department_page_p95_ms": 300.0, "export_100k_s": 60.0, "export_peak_rss_mb": 300.0}


def timed(call, rounds: int) -> dict:
    samples = []
    for i in range(rounds):
        t0 = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - t0) * 1000)
    return {"p50_ms": round(statistics.median(samples), 1), "p95_ms": round(_http.percentile(samples, 95), 1),
            "max_ms": round(max(samples), 1)}


# ---------------------------------------------------------------------------------------------
# Rollups


def busy_day(zone) -> tuple[dt.date, int]:
    """The report day whose outcome count is nearest 10,000 (from the weekdays)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT (decided_at AT TIME ZONE %s)::date AS day, count(*) FROM sla_slaoutcome "
                    "GROUP BY 1 ORDER BY abs(count(*) - 10000), 1 DESC LIMIT 1", [str(zone)])
        return cur.fetchone()


def measure_rollups(args, w) -> dict:
    from django.db import connection

    from reports.models import OutcomeBucket, OutcomeRollup, SurveyRollup, TicketRollup
    from reports.rollup import report_zone, rollup_days, rollup_rebuild

    figures = {}
    zone = report_zone()
    if args.skip_rebuild and OutcomeRollup.objects.exists():
        figures["rebuild_s"] = None
        print("rebuild: skipped (--skip-rebuild, rollups there)")
    else:
        connection.close()
        t0 = time.perf_counter()
        run = rollup_rebuild(now=w["now"])
        figures["rebuild_s"] = round(time.perf_counter() - t0, 1)
        figures["rebuild_days"] = len(run.outcome_days)
        figures["rebuild_rows"] = run.rows
        _reports_data.analyze()
        print(f"rebuild: {figures['rebuild_s']} s for {len(run.outcome_days)} days, {run.rows:,} rollup rows "
              f"(target < {TARGETS['rebuild_s']:.0f} s)", flush=True)
    figures["rollup_rows"] = {"tickets": TicketRollup.objects.count(), "outcomes": OutcomeRollup.objects.count(),
                              "buckets": OutcomeBucket.objects.count(), "surveys": SurveyRollup.objects.count()}
    day, outcomes = busy_day(zone)
    samples = []
    for _ in range(args.day_rounds):
        connection.close()
        t0 = time.perf_counter()
        rollup_days(first=day, last=day)
        samples.append(time.perf_counter() - t0)
    figures.update({"rollup_day": str(day), "rollup_day_outcomes": outcomes,
                    "rollup_day_s": round(statistics.median(samples), 2),
                    "rollup_day_runs_s": [round(s, 2) for s in samples]})
    print(f"rollup of {day} ({outcomes:,} outcomes): median {figures['rollup_day_s']} s of "
          f"{figures['rollup_day_runs_s']} (target < {TARGETS['rollup_day_s']:.0f} s)", flush=True)
    return figures


# ---------------------------------------------------------------------------------------------
# Selectors in-process


def report_period(now: dt.datetime):
    """The last whole week (Monday–Sunday) before `now`, in the report time zone."""
    from reports import definitions as d
    from reports.rollup import report_zone

    return d.last_week(d.local_day(now, report_zone()))


def measure_selectors(args, w, period) -> dict:
    from reports.selectors import ReportScope, backlog, report_breakdown, report_summary, report_trend

    now = w["now"]
    team_scopes = [ReportScope(team_ids=(t.pk,)) for t in w["teams"]]
    dept_scopes = [ReportScope(department_id=dep.pk) for dep in w["departments"]]
    figures = {}
    for label, scopes in (("team", team_scopes), ("department", dept_scopes)):
        calls = {
            "summary": lambda i, s=scopes: report_summary(scope=s[i % len(s)], period=period, now=now),
            "breakdown_service_item": lambda i, s=scopes: report_breakdown(scope=s[i % len(s)], period=period,
                                                                           by="service_item_id"),
            "breakdown_assignee": lambda i, s=scopes: report_breakdown(scope=s[i % len(s)], period=period,
                                                                       by="assignee_id"),
            "trend_12_weeks": lambda i, s=scopes: report_trend(scope=s[i % len(s)], last=period.last, weeks=12),
            "backlog": lambda i, s=scopes: backlog(scope=s[i % len(s)], now=now),
        }

        page = [call for name, call in calls.items() if name != "backlog"]  # report_summary gives the backlog

        def together(i, page=page):
            for call in page:
                call(i)

        calls["together"] = together
        for i in range(len(scopes)):  # warm PostgreSQL's pages and Django's caches
            together(i)
        for name, call in calls.items():
            result = timed(call, args.rounds)
            figures[f"{label}_{name}"] = result
            print(f"  {label:>10} {name:<24} p50 {result['p50_ms']:8.1f} ms  p95 {result['p95_ms']:8.1f} ms  "
                  f"max {result['max_ms']:8.1f} ms", flush=True)
    return figures


def explain_selectors(w, period) -> None:
    """EXPLAIN ANALYZE of every statement the page's selectors send, for one team."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.selectors import ReportScope, report_breakdown, report_summary, report_trend

    scope = ReportScope(team_ids=(w["teams"][0].pk,))
    with CaptureQueriesContext(connection) as ctx:
        report_summary(scope=scope, period=period, now=w["now"])
        report_breakdown(scope=scope, period=period, by="service_item_id")
        report_breakdown(scope=scope, period=period, by="assignee_id")
        report_trend(scope=scope, last=period.last, weeks=12)
    with connection.cursor() as cur:
        for query in ctx.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cur.fetchall())
            print(f"--- {query['time']} s: {sql[:300]}\n{plan}\n")


# ---------------------------------------------------------------------------------------------
# HTTP


def _session_cookie(user) -> str:
    """A signed-in session for `user`, as the login page makes it: the backend recorded is the
    one that authenticates (ModelBackend; axes' backend only counts failures and cannot load a
    user, so a session naming it answers 500 under the production settings)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    backend = next(b for b in settings.AUTHENTICATION_BACKENDS if not b.startswith("axes."))
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def measure_http(args, w, period) -> dict:
    from rest_framework.authtoken.models import Token

    team, dept, lead, head = w["teams"][0], w["departments"][0], w["leads"][0], w["head"]
    dates = f"from={period.first.isoformat()}&to={period.last.isoformat()}"
    token = Token.objects.get_or_create(user=lead)[0].key
    endpoints = {
        "summary_api": (f"/api/v1/reports/summary/?team={team.pk}&{dates}", {"Authorization": f"Token {token}",
                                                                            "Accept": "application/json"}),
        "report_page": (f"/reports/teams/{team.slug}/?{dates}", {"Cookie": _session_cookie(lead)}),
        "department_page": (f"/reports/departments/{dept.code}/?{dates}", {"Cookie": _session_cookie(head)}),
    }
    figures: dict = {}
    with _server.gunicorn(workers=args.workers) as port:
        for name, (path, headers) in endpoints.items():
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=120) as answer:
                    status = answer.status
            except urllib.error.HTTPError as error:
                status = error.code
            if status == 404:
                print(f"  {name}: GET {path} answers 404 — not there yet (built on another branch): skipped")
                figures[f"{name}_p95_ms"] = figures[f"{name}_p50_ms"] = None
                figures[f"{name}_statuses"] = {"404": 1}
                continue

            def make(worker, i, path=path, headers=headers):
                return "GET", path, None, headers

            _http.run(port, make, total=args.concurrency * 2, concurrency=args.concurrency)  # warm the workers
            result = _http.run(port, make, total=args.requests, concurrency=args.concurrency)
            valid = set(result["statuses"]) == {"200"}
            figures[f"{name}_p50_ms"] = result["p50_ms"] if valid else None
            figures[f"{name}_p95_ms"] = result["p95_ms"] if valid else None
            figures[f"{name}_per_s"], figures[f"{name}_statuses"] = result["per_s"], result["statuses"]
            print(f"  {name}: GET {path}  p50 {result['p50_ms']} ms  p95 {result['p95_ms']} ms  "
                  f"{result['per_s']}/s  {result['statuses']}"
                  + ("" if valid else "  — NOT every answer was 200: no figure kept"), flush=True)
    return figures


# ---------------------------------------------------------------------------------------------
# Export (child process)


def export_child(path: str, team_id: int) -> None:
    """In the child: write EXPORT_ROWS tickets of a team to `path` as XLSX the way an export
    job does (reports.export: the ticket list's rows, `ticket_rows`, written by `write_xlsx`
    with its header block); print one JSON line."""
    _django.setup()
    from django.utils import timezone

    from reports.export import TICKET_COLUMNS, Sheet, ticket_rows, write_xlsx
    from tickets.models import Ticket

    tickets = Ticket.objects.filter(pk__in=Ticket.objects.filter(team_id=team_id).order_by("-created_at")
                                    .values("pk")[:EXPORT_ROWS]).order_by("-created_at")
    sheet = Sheet(key="tickets_created", title="Created", columns=TICKET_COLUMNS, rows=ticket_rows(tickets),
                  total=EXPORT_ROWS, header=[("Service team", str(team_id))])
    started = time.perf_counter()
    with open(path, "wb") as out:
        written = write_xlsx(sheet, out, zone=timezone.get_default_timezone())
    seconds = time.perf_counter() - started
    assert written == EXPORT_ROWS, written
    print(json.dumps({"export_s": round(seconds, 2), "peak_rss_mb": round(_django.peak_rss_mb(), 1),
                      "measured": "reports.export.write_xlsx of ticket_rows (an export job's path)",
                      "bytes": os.path.getsize(path)}))


def measure_export(w) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "tickets.xlsx")
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, __file__, "--export-child", path, "--team", str(w["teams"][0].pk)],
                              capture_output=True, text=True, env=os.environ, check=False)
        wall = time.perf_counter() - t0
    if done.returncode != 0:
        print(done.stdout, done.stderr)
        raise SystemExit("the export child failed")
    child = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"export: {EXPORT_ROWS:,} rows in {child['export_s']} s ({wall:.1f} s with the child's start), "
          f"peak RSS {child['peak_rss_mb']} MB, {child['bytes'] / 1e6:.1f} MB file — measured: {child['measured']}")
    return {"export_100k_s": child["export_s"], "export_peak_rss_mb": child["peak_rss_mb"],
            "export_measured": child["measured"], "export_child_wall_s": round(wall, 1)}


# ---------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--surveys", type=int, default=None, help="survey responses (default tickets / 5)")
    parser.add_argument("--rounds", type=int, default=60, help="in-process calls per selector")
    parser.add_argument("--day-rounds", type=int, default=3, help="rollups of the busy day")
    parser.add_argument("--requests", type=int, default=200, help="HTTP requests per endpoint")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--skip-rebuild", action="store_true", help="reuse the rollups when there")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the selectors' SQL")
    parser.add_argument("--only", default="rollup,selectors,http,export",
                        help="comma-separated parts to run (rollup, selectors, http, export)")
    parser.add_argument("--export-child", help=argparse.SUPPRESS)
    parser.add_argument("--team", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_child:
        export_child(args.export_child, args.team)
        return
    surveys = args.surveys if args.surveys is not None else args.tickets // 5
    parts = set(args.only.split(","))
    _django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    w = _reports_data.load(args.tickets, surveys)
    print(f"data: {args.tickets:,} tickets, {w['outcomes']:,} outcomes, {surveys:,} survey responses "
          + (f"generated in {w['load_s']:.0f} s" if w["loaded"] else "reused") + f" (as of {w['now']:%Y-%m-%d %H:%M} UTC)",
          flush=True)
    figures: dict = {"tickets": args.tickets, "outcomes": w["outcomes"], "survey_responses": surveys,
                     "load_s": round(w["load_s"], 1) if w["load_s"] else None}
    if "rollup" in parts:
        figures.update(measure_rollups(args, w))
    period = report_period(w["now"])
    figures["period"] = [str(period.first), str(period.last)]
    if args.explain:
        explain_selectors(w, period)
    if "selectors" in parts:
        print(f"selectors in-process, period {period.first} … {period.last} ({args.rounds} calls each):")
        figures["selectors"] = measure_selectors(args, w, period)
    if "http" in parts:
        print(f"HTTP through gunicorn ({args.workers} workers, {args.concurrency} clients, {args.requests} requests each):")
        figures.update(measure_http(args, w, period))
        figures["concurrency"] = args.concurrency
    if "export" in parts:
        figures.update(measure_export(w))
    load = os.getloadavg()
    figures["load_average"] = [round(x, 1) for x in load]
    figures["within_target"] = {key: (figures[key] < target if figures.get(key) is not None else None)
                                for key, target in TARGETS.items()}
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} (2 cores shared with other work)")
    for key, ok in figures["within_target"].items():
        print(f"  {key:>24}: {figures.get(key)!s:>8}  target < {TARGETS[key]:g}: "
              + ("not measured" if ok is None else "met" if ok else "NOT met"))
    for key in TARGETS:
        figures.setdefault(key, None)
    print(json.dumps(figures, default=str))


if __name__ == "__main__":
    main()
