"""Real `db_worker` processes against the test database, stopped by their pid (R60)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test database (pytest-django's), as a DATABASE_URL for a child process: the URL the
    tests were given (tests/testenv.py) with the test database's name."""
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))


@pytest.fixture
def database_tasks(settings):
    """Tasks go to the database queue, as in production, for workers to claim."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def worker_process(settings, tmp_path):
    """Start `manage.py db_worker` as a child process (its own process group); yields a
    function that starts it and returns the Popen. Every one still running is killed at the
    end, by its pid."""
    started = []

    def start():
        env = dict(
            os.environ,
            DATABASE_URL=database_url(),
            DJANGO_DEBUG="0",
            CERTHUB_MEDIA_ROOT=str(settings.MEDIA_ROOT),
            CERTHUB_TASK_BACKEND="django_tasks_db.DatabaseBackend",
        )
        env.pop("CERTHUB_S3_BUCKET", None)
        log = open(tmp_path / f"worker-{len(started)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.1",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append((process, log))
        return process

    yield start
    for process, log in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        log.close()


def run_worker_batch() -> None:
    """A worker in this process that runs what is queued, then exits (`db_worker --batch`)."""
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        signal.signal(signal.SIGINT, handlers[0])
        signal.signal(signal.SIGTERM, handlers[1])


def wait_for(condition, seconds: float = 10, what: str = "condition") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def someone_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE wait_event_type = "
            "'Lock' AND datname = current_database())"
        )
        return cursor.fetchone()[0]
