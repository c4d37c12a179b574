"""What one request costs, in-process through Django's test client (the whole stack:
middleware, authentication, the view, the template or serialiser): per URL the best of a few
rounds of wall time, the time spent in SQL statements (an execute wrapper), the rest (Python)
and the number of statements; then the means; with `profile`, a cProfile of the same
requests by cumulative time. Used by kb_request_cost.py and report_request_cost.py."""

import cProfile
import pstats
import statistics
import time


def measure(client, urls: list[str], *, rounds: int, profile: bool = False, label=lambda url: url) -> dict:
    from django.db import connection

    spent = {"sql": 0.0, "statements": 0}

    def timed(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["sql"] += time.perf_counter() - t0
            spent["statements"] += 1

    for url in urls:  # warm: dictionaries, templates, PostgreSQL's pages
        answer = client.get(url)
        assert answer.status_code == 200, (url, answer.status_code)
    rows = []
    with connection.execute_wrapper(timed):
        for url in urls:
            best = None
            for _ in range(rounds):
                spent.update(sql=0.0, statements=0)
                t0 = time.perf_counter()
                answer = client.get(url)
                wall = (time.perf_counter() - t0) * 1000
                assert answer.status_code == 200, (url, answer.status_code)
                if best is None or wall < best[0]:
                    best = (wall, spent["sql"] * 1000, spent["statements"])
            rows.append((url, *best))
            print(f"{label(url):40.40} wall {best[0]:6.1f} ms  SQL {best[1]:6.1f} ms  "
                  f"Python {best[0] - best[1]:6.1f} ms  {best[2]} statements", flush=True)
    means = {"wall_ms": round(statistics.mean(r[1] for r in rows), 1),
             "sql_ms": round(statistics.mean(r[2] for r in rows), 1),
             "python_ms": round(statistics.mean(r[1] - r[2] for r in rows), 1),
             "statements": round(statistics.mean(r[3] for r in rows), 1)}
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for url in urls:
            client.get(url)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
    return means
