"""`manage.py run_all`: the whole service desk in one terminal, for the demo and development.

It starts the web server and a Celery worker with the beat scheduler embedded, prints
their output line by line behind a name, and stops all of them on Ctrl-C or SIGTERM, or
as soon as one of them exits (a half-running service desk is worse than a stopped one).

Each child runs in its own session, so that Ctrl-C reaches this command only and the
children are stopped in order: SIGTERM first (Celery finishes the task at hand), SIGKILL
to the child's whole process group after a grace period. On Linux the children are
also told to die with this command, so that even a `kill -9` of it leaves nothing behind.
"""

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

GRACE_SECONDS = 10.0
COLOURS = {"web": "36", "worker": "35"}  # cyan, magenta
PR_SET_PDEATHSIG = 1


def child_environment(environ, *, host: str, port: int) -> dict[str, str]:
    """The web's, worker's and beat's environment: the caller's, plus the settings module
    and `SITE_URL`, the address that links in emails point to — what this command serves
    unless the caller set one (`make run PORT=8100` links to port 8100)."""
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return {
        **environ,
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": environ.get("DJANGO_SETTINGS_MODULE", "servicedesk.settings.local"),
        "SITE_URL": environ.get("SITE_URL") or f"http://{shown_host}:{port}",
    }


def _die_with_parent() -> None:
    """Runs in the child between fork and exec: SIGTERM when this command dies (Linux)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


class Child:
    """One supervised process and the thread that forwards its output."""

    def __init__(self, name: str, argv: list[str]):
        self.name = name
        self.argv = argv
        self.process: subprocess.Popen | None = None
        self.pump: threading.Thread | None = None

    def start(self, *, cwd: Path, env: dict[str, str]) -> None:
        # preexec_fn is only safe while this process has a single thread: start every
        # child before the first output thread.
        self.process = subprocess.Popen(
            self.argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )

    def forward_output(self, write) -> None:
        self.pump = threading.Thread(target=self._forward, args=(write,), name=f"{self.name}-output", daemon=True)
        self.pump.start()

    def _forward(self, write) -> None:
        assert self.process is not None and self.process.stdout is not None
        for raw in iter(self.process.stdout.readline, b""):
            write(self.name, raw.decode("utf-8", errors="replace").rstrip("\n"))

    def returncode(self) -> int | None:
        return self.process.poll() if self.process else None

    def signal(self, signum: int, *, group: bool = False) -> None:
        if self.process is None:
            return
        try:
            if group:
                os.killpg(self.process.pid, signum)
            elif self.process.poll() is None:
                self.process.send_signal(signum)
        except (ProcessLookupError, PermissionError):
            pass


class Command(BaseCommand):
    help = "Run the web server and a Celery worker with embedded beat in the foreground until Ctrl-C."
    # The children run the system checks themselves (runserver does; the worker loads the app).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="Port of the web server (default 8000).")
        parser.add_argument("--host", default="127.0.0.1", help="Address of the web server (default 127.0.0.1).")
        parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes (default 2).")

    def handle(self, *args, port: int, host: str, concurrency: int, **options):
        base_dir = Path(settings.BASE_DIR)
        self._prepare_directories()
        env = child_environment(os.environ, host=host, port=port)
        children = [
            Child("web", [sys.executable, str(base_dir / "manage.py"), "runserver", f"{host}:{port}", "--noreload"]),
            Child("worker", [sys.executable, "-m", "celery", "-A", "servicedesk", "worker", "-B", "-l", "info",
                             "--concurrency", str(concurrency)]),
        ]
        self._lock = threading.Lock()
        self._colour = self.stdout.isatty()
        self._width = max(len(name) for name in ["run_all", *(child.name for child in children)])

        stop = threading.Event()
        received: list[int] = []

        def on_signal(signum, _frame):
            received.append(signum)
            stop.set()

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
        self._say(f"starting web on http://{host}:{port}/ and a Celery worker with beat (broker: {broker}://); "
                  "Ctrl-C stops both")
        died: Child | None = None
        try:
            for child in children:
                child.start(cwd=base_dir, env=env)
            for child in children:
                child.forward_output(self._write)
            while not stop.wait(0.5):
                died = next((child for child in children if child.returncode() is not None), None)
                if died is not None:
                    break
        finally:
            if died is not None:
                self._say(f"{died.name} exited with code {died.returncode()}; stopping the others")
            elif received:
                self._say(f"received {signal.Signals(received[0]).name}; stopping")
            self._stop(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if died is not None:
            raise CommandError(f"{died.name} exited with code {died.returncode()}.")

    def _prepare_directories(self) -> None:
        """The embedded defaults write under var/: the SQLite file, the beat schedule and,
        on the filesystem broker, its queue folders, which kombu does not create."""
        Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent.mkdir(parents=True, exist_ok=True)
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS or {}
        for key in ("data_folder_in", "data_folder_out", "processed_folder"):
            if options.get(key):
                Path(options[key]).mkdir(parents=True, exist_ok=True)

    def _stop(self, children: list[Child]) -> None:
        for child in children:
            child.signal(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline and any(child.returncode() is None for child in children):
            time.sleep(0.1)
        for child in children:
            if child.returncode() is None:
                self._say(f"{child.name} did not stop within {GRACE_SECONDS:.0f} s; killing it")
            # Also takes away what a child leaves behind (pool processes, the embedded beat).
            child.signal(signal.SIGKILL, group=True)
            if child.process is not None:
                child.process.wait()
            if child.pump is not None:
                child.pump.join(timeout=2)
        self._say("stopped")

    def _write(self, name: str, line: str) -> None:
        prefix = f"{name.ljust(self._width)} | "
        if self._colour:
            prefix = f"\x1b[{COLOURS.get(name, '0')}m{prefix}\x1b[0m"
        with self._lock:
            self.stdout.write(prefix + line)
            self.stdout.flush()

    def _say(self, message: str) -> None:
        self._write("run_all", message)
