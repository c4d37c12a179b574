"""Fault benchmark: a hung Redis (SIGSTOP) under the production stack.

Starts a private redis-server on a free port, gunicorn with the production settings, a
Celery worker and Celery beat, all pointed at that Redis (broker in database 0, Django's
cache in 1). Files tickets through the API from a few client threads while Redis is
stopped for `hang_s` seconds (per-request latencies, errors, tickets found in
PostgreSQL afterwards), with deadlines seeded to fall due during the hang; then resumes
Redis and times how long the worker and beat take to record the breach of every one of
those deadlines (`catch_up_s`).

`measure_hung_redis(database_url)` returns the figures (bench/faults.py imports it);
run directly:  BENCH_DATABASE_URL=postgres://… .venv/bin/python bench/_faults_redis.py
"""

import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager

import _django
import _http
import _load
import _server

CREATED_PREFIX = "Hung redis "


@contextmanager
def _redis_server():
    """A redis-server of our own: no persistence, on a free port."""
    port = _server.free_port()
    proc = subprocess.Popen(
        [shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield proc, port
    finally:
        os.kill(proc.pid, signal.SIGCONT)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def _environ(**values: str):
    """Environment for the children (gunicorn inherits this process's environment)."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def _celery(kind: str, workdir: str, log_path: str):
    """A Celery worker (solo pool) or beat, production settings, environment as set above."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "servicedesk.settings.production",
           "SECRET_KEY": os.environ.get("SECRET_KEY", _django.BENCH_SECRET_KEY), "PYTHONUNBUFFERED": "1"}
    if kind == "worker":
        args = ["worker", "--pool=solo", "--concurrency=1", "--loglevel=INFO"]
    else:
        args = ["beat", "--loglevel=INFO", "-s", os.path.join(workdir, "beat-schedule")]
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "servicedesk", *args], cwd=_django.ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def _file_with_deadline(w, title: str, due_in: float):
    """A ticket filed so that its first-response target runs out `due_in` seconds from now
    (the bench standard: 24x7 calendar)."""
    from django.utils import timezone

    from sla.models import SLAClock
    from tickets import services

    target = w["standard"].first_response_minutes * 60
    ticket = services.ticket_create(
        requester=w["requesters"][1], service_item=w["items"][0], title=title, description="Deadline probe",
        filed_at=timezone.now() - dt.timedelta(seconds=target - due_in))
    return SLAClock.objects.get(ticket=ticket, kind="first_response")


def _breaches_recorded(clock_ids: list[int]) -> int:
    from django.db import connection

    from sla.models import Escalation

    connection.close()  # a fresh snapshot of what the worker committed
    return Escalation.objects.filter(clock_id__in=clock_ids, step="breach").count()


def _wait(predicate, timeout: float, poll: float = 0.25) -> float | None:
    """Seconds until `predicate()` held, or None after `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return round(time.monotonic() - started, 2)
        time.sleep(poll)
    return None


def measure_hung_redis(database_url: str, *, hang_s: float = 30.0, clients: int = 4, deadlines: int = 5,
                       due_after_s: float = 10.0, scan_interval_s: float = 5.0,
                       catch_up_timeout_s: float = 180.0) -> dict:
    """Figures of the production stack while its Redis is hung for `hang_s` seconds:
    `hung_redis_create_p99_ms` (POST /api/v1/tickets/, per request), `hung_redis_create_n`,
    `hung_redis_errors` (answers other than 201, and failed connections),
    `hung_redis_lost` (201 answers whose ticket is not in PostgreSQL) and `catch_up_s`
    (from SIGCONT until every deadline that fell due during the hang has its breach
    escalation recorded; None if not within `catch_up_timeout_s`)."""
    from django.apps import apps

    if not apps.ready:
        os.environ["DATABASE_URL"] = database_url
        _django.setup()
    from rest_framework.authtoken.models import Token

    from tickets.models import Ticket

    w = _load.world()
    token = Token.objects.get_or_create(user=w["requesters"][0])[0].key
    item_id = w["items"][0].pk
    run = f"{CREATED_PREFIX}{int(time.time())} "

    with tempfile.TemporaryDirectory() as workdir, _redis_server() as (redis_proc, port), _environ(
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/0",
        CACHE_URL=f"redis://127.0.0.1:{port}/1",
        SLA_SCAN_INTERVAL_SECONDS=str(scan_interval_s),
        OUTBOX_DELIVERY_INTERVAL_SECONDS=str(scan_interval_s),
        WEBHOOK_DELIVERY_INTERVAL_SECONDS=str(scan_interval_s),
    ), _server.gunicorn(workers=4) as web_port, _celery("worker", workdir, os.path.join(workdir, "worker.log")), \
            _celery("beat", workdir, os.path.join(workdir, "beat.log")):

        def create(connection: _http.Connection, title: str) -> int:
            body = json.dumps({"service_item": item_id, "title": title, "description": "Printer jammed."})
            status, _ = connection.request("POST", "/api/v1/tickets/", body, {
                "Authorization": f"Token {token}", "Content-Type": "application/json"})
            return status

        # The stack works: a few tickets filed, and a deadline already passed escalated by the worker.
        warm = _http.Connection(web_port)
        for i in range(8):
            assert create(warm, f"{run}warm {i}") == 201
        warm.close()
        probe = _file_with_deadline(w, f"{run}probe", due_in=-1)
        ready_s = _wait(lambda: _breaches_recorded([probe.pk]) == 1, timeout=120)
        if ready_s is None:
            raise RuntimeError(f"the worker recorded nothing before the hang; see {workdir}")

        # Deadlines that fall due during the hang, then the hang.
        due = [_file_with_deadline(w, f"{run}due {i}", due_in=due_after_s).pk for i in range(deadlines)]
        os.kill(redis_proc.pid, signal.SIGSTOP)
        hang_ends = time.monotonic() + hang_s
        latencies: list[float] = []
        created: list[str] = []
        errors: dict[str, int] = {}
        lock = threading.Lock()

        def client(index: int) -> None:
            connection = _http.Connection(web_port, timeout=60)
            i = 0
            while time.monotonic() < hang_ends:
                title = f"{run}c{index}-{i}"
                i += 1
                started = time.perf_counter()
                try:
                    status = create(connection, title)
                except OSError as exc:
                    status = type(exc).__name__
                    connection.close()
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    if status == 201:
                        created.append(title)
                    else:
                        errors[str(status)] = errors.get(str(status), 0) + 1
            connection.close()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        during_hang = _breaches_recorded(due)
        os.kill(redis_proc.pid, signal.SIGCONT)
        catch_up_s = _wait(lambda: _breaches_recorded(due) == len(due), timeout=catch_up_timeout_s)

    in_db = Ticket.objects.filter(title__startswith=f"{run}c").count()
    return {
        "hung_redis_hang_s": hang_s,
        "hung_redis_create_n": len(latencies),
        "hung_redis_create_p50_ms": round(_http.percentile(latencies, 50), 1),
        "hung_redis_create_p99_ms": round(_http.percentile(latencies, 99), 1),
        "hung_redis_create_max_ms": round(max(latencies), 1) if latencies else None,
        "hung_redis_errors": sum(errors.values()),
        "hung_redis_error_kinds": errors,
        "hung_redis_lost": len(created) - in_db,
        "deadlines_due_in_hang": len(due),
        "escalated_during_hang": during_hang,
        "catch_up_s": catch_up_s,
        "scan_interval_s": scan_interval_s,
        "stack_ready_s": ready_s,
    }


if __name__ == "__main__":
    url = os.environ.get("BENCH_DATABASE_URL", _django.DEFAULT_BENCH_DB)
    print(json.dumps(measure_hung_redis(url)))
