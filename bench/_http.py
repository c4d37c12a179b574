"""A small HTTP load driver for the benchmarks: worker processes, each with one
connection to a local server (reopened when the server closes it), each timing its own
requests. Loopback only.

The client shares the machine's cores with the server it measures, so it is kept lean:
requests are written as bytes and answers read by Content-Length (or chunks), without
`http.client` and its header parser. Each worker reports the CPU time it used, so that a
run shows what the measuring cost.
"""

import json
import multiprocessing as mp
import resource
import socket
import statistics
import time
from collections.abc import Callable


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


class Connection:
    """HTTP/1.1 over one socket to 127.0.0.1:port; reconnects after `Connection: close`."""

    def __init__(self, port: int, timeout: float = 30) -> None:
        self.port, self.timeout = port, timeout
        self.sock: socket.socket | None = None
        self.buffer = b""

    def request(self, method: str, path: str, body: str | bytes | None, headers: dict[str, str]) -> tuple[int, bytes]:
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.buffer = b""
        payload = body.encode() if isinstance(body, str) else (body or b"")
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        if payload or method in ("POST", "PUT", "PATCH"):
            head.append(f"Content-Length: {len(payload)}")
        self.sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + payload)
        return self._response()

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            self._fill()
        part, _, self.buffer = self.buffer.partition(marker)
        return part

    def _read_exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        part, self.buffer = self.buffer[:size], self.buffer[size:]
        return part

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection mid-answer")
        self.buffer += chunk

    def _response(self) -> tuple[int, bytes]:
        lines = self._read_until(b"\r\n\r\n").split(b"\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip().lower()
        if b"content-length" in headers:
            body = self._read_exactly(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding") == b"chunked":
            parts = []
            while size := int(self._read_until(b"\r\n").split(b";")[0], 16):
                parts.append(self._read_exactly(size))
                self._read_exactly(2)
            self._read_until(b"\r\n")
            body = b"".join(parts)
        else:  # the answer ends when the server closes
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                self.buffer += chunk
            body, self.buffer = self.buffer, b""
            headers[b"connection"] = b"close"
        if headers.get(b"connection") == b"close":
            self.close()
        return status, body

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def _worker(port: int, make_request: Callable[[int, int], tuple], count: int, index: int, out: mp.Queue) -> None:
    conn = Connection(port)
    latencies, statuses = [], {}
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    for i in range(count):
        method, path, body, headers = make_request(index, i)
        started = time.perf_counter()
        status, _body = conn.request(method, path, body, headers)
        latencies.append((time.perf_counter() - started) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
    conn.close()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    out.put((latencies, statuses, cpu))


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
    latencies = [x for lat, _s, _cpu in results for x in lat]
    statuses: dict[int, int] = {}
    for _lat, s, _cpu in results:
        for code, n in s.items():
            statuses[code] = statuses.get(code, 0) + n
    return {
        "requests": len(latencies),
        "per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        # What the measuring cost: the client's CPU time per request, on the same cores.
        "client_cpu_ms": round(sum(cpu for _l, _s, cpu in results) / max(1, len(latencies)) * 1000, 2),
    }


def json_body(data: dict) -> str:
    return json.dumps(data)
