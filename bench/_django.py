"""Shared set-up for the benchmarks that need Django: a dedicated PostgreSQL database
(never the demo or test one), migrated, and a small world to hang tickets on."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_BENCH_DB = "postgres://postgres@127.0.0.1:5432/servicedesk_bench"
# The bench process and the gunicorn it starts sign sessions with the same key.
BENCH_SECRET_KEY = "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"


def setup(settings_module: str = "servicedesk.settings.test") -> None:
    os.environ.setdefault("DATABASE_URL", os.environ.get("BENCH_DATABASE_URL", DEFAULT_BENCH_DB))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    os.environ.setdefault("SECRET_KEY", BENCH_SECRET_KEY)
    # The throttle counters live in Redis and outlast a run: a benchmark is not a client
    # to protect the server from.
    os.environ.setdefault("API_THROTTLE_USER", "1000000/min")
    _ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _ensure_database(url: str) -> None:
    import environ
    import psycopg2
    from psycopg2 import sql

    cfg = environ.Env.db_url_config(url)
    conn = psycopg2.connect(dbname="postgres", user=cfg["USER"], host=cfg["HOST"], port=cfg["PORT"] or 5432,
                            password=cfg.get("PASSWORD") or None)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
        if not cur.fetchone():
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))
    conn.close()


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not getrusage: on Linux ru_maxrss
    survives fork and exec, so a child would report its parent's peak."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class StatementCounter:
    """Counts SQL statements sent through Django while active."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)
