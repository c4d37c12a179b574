"""SLA outcome benchmark.

--part scan: does writing SLA outcomes slow the deadline scanner? The data of
`bench/sla_scan.py` (N open tickets with running first-response and resolution clocks, bulk
loaded), then rounds that alternate, on the same K clocks made due again each round:
  - "with": the scanner as it ships (each breach step writes its outcome row, set-based
    per batch),
  - "without": the same scanner with the outcome writer replaced by a no-op
    (`sla.outcomes.outcomes_breached_record`), as if outcomes did not exist.
Each round starts from the same state (escalations, history, outbox and outcomes of the
last round deleted, tables vacuumed). Prints escalations per second of each round, the
medians, the difference, and a last JSON line.

--part surveys: runs `bench/_outcomes_surveys.py`'s `run(args) -> dict` when that module
exists (the satisfaction survey sweep's figures); skipped otherwise.

Usage:  .venv/bin/python bench/outcomes.py [--part scan|surveys|all] [--tickets N] [--due K] [--rounds R]
The database is BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/servicedesk_bench_outcomes; DATABASE_URL is ignored so
that the bench never writes into a test or demo database).
"""

import argparse
import importlib.util
import json
import os
import statistics
import time
from pathlib import Path

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/servicedesk_bench_outcomes"
HERE = Path(__file__).resolve().parent


def _reset(team) -> None:
    """The state every round starts from: nothing due, nothing recorded."""
    import sla_scan as scan_bench
    from django.db import connection

    from sla.models import SLAOutcome

    SLAOutcome.objects.filter(team=team).delete()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE sla_slaoutcome")
    scan_bench._reset_idle(team)


def _round(team, due: int, *, with_outcomes: bool) -> dict:
    import sla_scan as scan_bench

    from sla import outcomes
    from sla.models import SLAOutcome
    from sla.scanner import sla_scan

    _reset(team)
    scan_bench._make_due(team, due, 0)
    real = outcomes.outcomes_breached_record
    writer_s = [0.0]

    def timed(**kwargs):
        t = time.perf_counter()
        real(**kwargs)
        writer_s[0] += time.perf_counter() - t

    outcomes.outcomes_breached_record = timed if with_outcomes else (lambda **kwargs: None)
    try:
        t0 = time.perf_counter()
        result = sla_scan()
        elapsed = time.perf_counter() - t0
    finally:
        outcomes.outcomes_breached_record = real
    written = SLAOutcome.objects.filter(team=team).count()
    return {"escalations": result.escalations, "seconds": elapsed, "per_s": result.escalations / elapsed,
            "outcomes_written": written, "writer_s": writer_s[0], "batches": result.batches}


def scan_part(args) -> dict:
    import sla_scan as scan_bench

    from teams.models import Team

    load_s = scan_bench.load(args.tickets, args.reload)
    team = Team.objects.get(slug=scan_bench.BENCH_TEAM)
    # Warm: calendar cache, connections, plans.
    _round(team, min(args.due, 500), with_outcomes=True)
    rounds = {"with": [], "without": []}
    for i in range(args.rounds):
        # Alternate the order, so that neither always runs on the warmer cache.
        order = ("with", "without") if i % 2 == 0 else ("without", "with")
        for name in order:
            figures = _round(team, args.due, with_outcomes=name == "with")
            rounds[name].append(figures)
            print(f"  round {i + 1} {name:>7} outcomes: {figures['escalations']:,} escalations in "
                  f"{figures['seconds']:.2f} s = {figures['per_s']:,.0f}/s, {figures['outcomes_written']:,} "
                  f"outcome rows written in {figures['writer_s'] * 1000:.0f} ms", flush=True)
    with_s = statistics.median(r["per_s"] for r in rounds["with"])
    without_s = statistics.median(r["per_s"] for r in rounds["without"])
    spread = max(r["per_s"] for r in rounds["without"]) - min(r["per_s"] for r in rounds["without"])
    return {
        "open_tickets": args.tickets, "due_clocks": args.due, "rounds": args.rounds, "load_s": round(load_s, 1),
        "escalations_per_round": rounds["with"][0]["escalations"],
        "outcomes_per_round": rounds["with"][0]["outcomes_written"],
        "escalations_per_s_with_outcomes": round(with_s),
        "escalations_per_s_without_outcomes": round(without_s),
        "range_with_outcomes": [round(min(r["per_s"] for r in rounds["with"])),
                                round(max(r["per_s"] for r in rounds["with"]))],
        "range_without_outcomes": [round(min(r["per_s"] for r in rounds["without"])),
                                   round(max(r["per_s"] for r in rounds["without"]))],
        "difference_percent": round((with_s - without_s) / without_s * 100, 1),
        # The writer's own time, measured inside the "with" rounds: the cost with the noise
        # of a shared machine taken out.
        "outcome_writer_ms_per_batch": round(statistics.median(
            r["writer_s"] / r["batches"] * 1000 for r in rounds["with"]), 1),
        "outcome_writer_share_percent": round(statistics.median(
            r["writer_s"] / r["seconds"] * 100 for r in rounds["with"]), 1),
        "noise_without_percent": round(spread / without_s * 100, 1),
        "without_means": "sla.outcomes.outcomes_breached_record replaced by a no-op",
    }


def surveys_part(args) -> dict:
    path = HERE / "_outcomes_surveys.py"
    if not path.exists():
        print("  surveys: bench/_outcomes_surveys.py is not there; skipped")
        return {"surveys": "skipped"}
    spec = importlib.util.spec_from_file_location("_outcomes_surveys", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.run(args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=["scan", "surveys", "all"], default="all")
    parser.add_argument("--tickets", type=int, default=200_000, help="open tickets loaded (scan)")
    parser.add_argument("--due", type=int, default=10_000, help="clocks made due each round (scan)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each variant (scan)")
    parser.add_argument("--reload", action="store_true", help="load the tickets again even if present")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    import _django

    _django.setup()
    figures = {}
    if args.part in ("scan", "all"):
        figures.update(scan_part(args))
    if args.part in ("surveys", "all"):
        figures.update(surveys_part(args))
    for key, value in figures.items():
        print(f"{key:>36}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
