"""Fault injection for email delivery, shared by the tests and `bench/faults.py`: a local
SMTP server that keeps what it accepts (aiosmtpd), and a real Celery worker that is
killed with SIGKILL in the middle of delivering and started again."""

import logging
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]
logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
DELIVER_TASK = "notifications.tasks.deliver_outbox"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Accepted:
    """One message the sink accepted. `acknowledged`: the client went on with its session
    (MAIL, RSET or QUIT) after the server's 250, so it had the answer; a message without
    it is the one case where a client may not know that it was delivered."""

    message_id: str
    subject: str
    session: int
    acknowledged: bool = False


class SmtpSink:
    """An SMTP server on 127.0.0.1 that accepts everything and keeps it in `accepted`.
    `refuse = n`: the next n messages are refused (451, try again later).
    `drop_after_accept = n`: the next n messages are accepted and then the connection
    is cut before the 250 reaches the client (the reply lost)."""

    def __init__(self):
        self.port = free_port()
        self.accepted: list[Accepted] = []
        self.refuse = 0
        self.drop_after_accept = 0
        self._lock = threading.Lock()
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpSink":
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def count(self) -> int:
        return len(self.accepted)

    def copies(self, key: str = "message_id") -> Counter:
        with self._lock:
            return Counter(getattr(m, key) for m in self.accepted)

    def repeats(self, key: str = "message_id") -> dict[str, list[Accepted]]:
        """The messages that arrived more than once, each with its copies in order."""
        with self._lock:
            groups: dict[str, list[Accepted]] = {}
            for m in self.accepted:
                groups.setdefault(getattr(m, key), []).append(m)
        return {k: v for k, v in groups.items() if len(v) > 1}

    def _record(self, session, message: Accepted) -> None:
        with self._lock:
            self.accepted.append(message)

    def _acknowledge(self, session) -> None:
        with self._lock:
            for m in reversed(self.accepted):
                if m.session == id(session) and not m.acknowledged:
                    m.acknowledged = True
                    break


class _Handler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.sink._acknowledge(session)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RSET(self, server, session, envelope):
        self.sink._acknowledge(session)
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):
        self.sink._acknowledge(session)
        return "221 Bye"

    async def handle_DATA(self, server, session, envelope):
        if self.sink.refuse > 0:
            self.sink.refuse -= 1
            return "451 Try again later"
        parsed = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.sink._record(session, Accepted(message_id=str(parsed["Message-ID"]), subject=str(parsed["Subject"]),
                                            session=id(session)))
        if self.sink.drop_after_accept > 0:
            self.sink.drop_after_accept -= 1
            server.transport.abort()
        return "250 OK"


class Worker:
    """`celery worker` (solo pool, no beat) in its own process group, on `env`."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.env = env
        self.log = open(log_path, "a")  # noqa: SIM115 - closed in stop()
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "servicedesk", "worker", "--loglevel=WARNING", "--pool=solo",
             "--concurrency=1", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            self.proc = None
        self.log.close()


def worker_env(*, database_url: str, broker_url: str, settings_module: str, extra: dict[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


@dataclass
class KillReport:
    kills: int
    seconds: float


def deliver_with_kills(*, sink: SmtpSink, worker: Worker, broker_url: str, kills: int,
                       kill_after: tuple[int, int], pending: Callable[[], int], timeout: float,
                       seed: int = 14) -> KillReport:
    """Run the worker and queue the delivery task every half second (playing beat);
    each time the sink has accepted a random number (within `kill_after`) of messages
    since the worker started, SIGKILL it and start it again, `kills` times. Then let it
    finish until `pending()` is 0. Raises on timeout."""
    from celery import Celery

    rng = random.Random(seed)
    app = Celery("fault-harness")
    started = time.monotonic()
    deadline = started + timeout
    done = 0
    next_send = 0.0
    try:
        # The URL given here, not the app's: CELERY_BROKER_URL in the environment would win.
        with app.connection_for_write(broker_url) as conn:
            def tick():
                nonlocal next_send
                if time.monotonic() >= next_send:
                    app.send_task(DELIVER_TASK, connection=conn, expires=30)
                    next_send = time.monotonic() + 0.5
                if time.monotonic() > deadline:
                    raise TimeoutError(f"delivery did not finish in {timeout:.0f} s ({done} kills)")

            worker.start()
            while done < kills:
                base, target = sink.count(), rng.randint(*kill_after)
                checked = time.monotonic()
                left = pending()
                while sink.count() - base < target and left:
                    tick()
                    time.sleep(0.005)
                    if time.monotonic() - checked > 0.25:
                        left, checked = pending(), time.monotonic()
                if not left:
                    break
                time.sleep(rng.random() * 0.01)  # not always right after an acceptance
                worker.kill()
                done += 1
                worker.start()
            while pending():
                tick()
                time.sleep(0.1)
    finally:
        worker.stop()
    return KillReport(kills=done, seconds=time.monotonic() - started)
