"""A small HTTP load driver for the benchmarks: worker processes with keep-alive
connections to a local server, each timing its own requests. Loopback only."""

import http.client
import json
import multiprocessing as mp
import statistics
import time
from collections.abc import Callable


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def _worker(port: int, make_request: Callable[[int, int], tuple], count: int, index: int, out: mp.Queue) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, statuses = [], {}
    for i in range(count):
        method, path, body, headers = make_request(index, i)
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        latencies.append((time.perf_counter() - started) * 1000)
        statuses[response.status] = statuses.get(response.status, 0) + 1
    conn.close()
    out.put((latencies, statuses))


def run(port: int, make_request: Callable[[int, int], tuple], *, total: int, concurrency: int) -> dict:
    """Send `total` requests over `concurrency` connections; latency figures in ms."""
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    per = total // concurrency
    procs = [ctx.Process(target=_worker, args=(port, make_request, per, i, out)) for i in range(concurrency)]
    started = time.perf_counter()
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    elapsed = time.perf_counter() - started
    for p in procs:
        p.join()
    latencies = [x for lat, _s in results for x in lat]
    statuses: dict[int, int] = {}
    for _lat, s in results:
        for code, n in s.items():
            statuses[code] = statuses.get(code, 0) + n
    return {
        "requests": len(latencies),
        "per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def json_body(data: dict) -> str:
    return json.dumps(data)
