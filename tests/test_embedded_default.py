"""The embedded default: with no DATABASE_URL and no CELERY_BROKER_URL the app runs on a
SQLite file and Celery's filesystem broker, so `make run` needs nothing but Python.

The project is copied to a temporary directory (as a clean clone would be) so that the
SQLite file and the broker folders land there and not in the working tree's var/.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "var", "node_modules", "__pycache__", "*.pyc", ".pytest_cache", ".ruff_cache",
    ".hypothesis", ".mypy_cache", "staticfiles", "media", "*.sqlite3",
)
STARTUP_TIMEOUT = 40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def project(tmp_path):
    """A copy of the project and an environment with none of the server settings."""
    copy = tmp_path / "servicedesk"
    shutil.copytree(ROOT, copy, ignore=COPY_IGNORE)
    (copy / "var").mkdir()  # what `make run` does first
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings.local",
    }
    return copy, env


def manage(project, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    copy, env = project
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=copy, env=env, capture_output=True, text=True, timeout=timeout,
    )


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", errors="replace")


def test_without_server_settings_the_app_uses_sqlite_and_the_filesystem_broker(project):
    result = manage(project, "shell", "-c", (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'], "
        "settings.CELERY_BROKER_URL)"
    ))

    assert result.returncode == 0, result.stderr
    engine, name, broker = result.stdout.split()[-3:]
    assert engine == "django.db.backends.sqlite3"
    assert Path(name) == project[0] / "var" / "servicedesk.sqlite3"
    assert broker == "filesystem://"


def test_without_server_settings_the_app_migrates_and_serves_the_login_page(project):
    copy, env = project
    migrate = manage(project, "migrate", "--noinput")
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    assert (copy / "var" / "servicedesk.sqlite3").stat().st_size > 0

    port = free_port()
    log = (copy / "var" / "runserver.log").open("w+")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=copy, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        status, body = None, ""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, body = get(f"http://127.0.0.1:{port}/accounts/login/")
                if status == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        log.seek(0)
        output = log.read()

        assert status == 200, f"login page answered {status}; server output:\n{output}\n{body[:2000]}"
        assert "<form" in body and 'name="username"' in body and 'name="password"' in body
        assert "csrfmiddlewaretoken" in body
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_on_sqlite_the_catalog_search_finds_chinese_in_either_script(project):
    """SQLite keeps JSON with \\u escapes, so searching the translations column never
    matched Chinese text there; the folded search column does."""
    migrate = manage(project, "migrate", "--noinput")
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    result = manage(project, "shell", "-c", (
        "from teams.models import Team; "
        "from tickets.models import ServiceCategory, ServiceItem; "
        "from tickets.selectors import catalog; "
        "team = Team.objects.create(name='IT'); "
        "category = ServiceCategory.objects.create(name='Hardware'); "
        "ServiceItem.objects.create(name='Laptop repair', category=category, team=team, "
        "translations={'zh-hans': {'name': '笔记本电脑维修'}, 'zh-hant': {'description': '螢幕閃爍'}}); "
        "found = lambda q: [i.name for c in catalog(search=q) for i in c.items.all()]; "
        "print([found(q) for q in ('笔记本', '筆記本', '闪烁', 'laptop', '打印机')])"
    ))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str([["Laptop repair"]] * 4 + [[]])
