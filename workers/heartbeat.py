"""Worker heartbeats and the recovery of tasks whose worker died (R60).

Every `db_worker` (workers/management/commands/db_worker.py) writes a WorkerBeat row when it
starts and every BEAT_SECONDS after, from a thread, and deletes it when it stops cleanly. A worker
is alive when it beat in the last SILENT_SECONDS (and, on this host, its process still exists).
A task left RUNNING by a worker that is not alive is recovered: marked failed, and the handler
its app registered with `when_worker_died` marks its record failed with a reason (or enqueues it
again). Workers recover at start and every RECOVER_SECONDS.
"""

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import timedelta

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_scopes import scope
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from companies.tenant_tasks import TENANT_ARGUMENT, is_tenant_task
from workers.models import WorkerBeat

logger = logging.getLogger(__name__)

BEAT_SECONDS = 5
SILENT_SECONDS = 60
RECOVER_SECONDS = 30


def _host() -> str:
    """This machine's name, plus its process-id namespace where there is one: containers that
    share a hostname do not share pids, so a pid is checked only within its own namespace."""
    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return socket.gethostname()[:255]
    return f"{socket.gethostname()[:200]} (pid namespace {namespace})"


HOST = _host()


class WorkerDied(Exception):
    """Recorded as the exception of a task whose worker stopped while running it."""


class NotYet(Exception):
    """Raised by a handler when its task cannot be recovered yet (try at the next sweep)."""


_handlers: dict[str, Callable[[dict], None]] = {}


def when_worker_died(task: Task) -> Callable:
    """Register `handler(kwargs)` for `task` (a django-tasks Task): called, in a transaction,
    with the task's keyword arguments when its worker died while running it; inside the task's
    tenant scope when it is a tenant task, as the task itself ran."""

    def register(handler: Callable[[dict], None]) -> Callable[[dict], None]:
        def run(kwargs: dict) -> None:
            if not is_tenant_task(task):
                return handler(kwargs)
            with scope(tenant=kwargs[TENANT_ARGUMENT]):
                return handler(kwargs)

        _handlers[task.module_path] = run
        return handler

    return register


def beat(worker_id: str, *, started_at=None, task: str = "") -> None:
    """Record that the worker `worker_id` of this process is alive."""
    now = timezone.now()
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": HOST, "pid": os.getpid(), "beat_at": now, "task": task[:200]},
        create_defaults={
            "host": HOST,
            "pid": os.getpid(),
            "beat_at": now,
            "task": task[:200],
            "started_at": started_at or now,
        },
    )


def stop(worker_id: str) -> None:
    WorkerBeat.objects.filter(worker_id=worker_id).delete()


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_alive(worker: WorkerBeat) -> bool:
    """Beat in the last SILENT_SECONDS and, when it runs on this host, its process exists."""
    if worker.beat_at < timezone.now() - timedelta(seconds=SILENT_SECONDS):
        return False
    return worker.host != HOST or _process_exists(worker.pid)


def live_workers() -> list[WorkerBeat]:
    since = timezone.now() - timedelta(seconds=SILENT_SECONDS)
    return [w for w in WorkerBeat.objects.filter(beat_at__gte=since) if is_alive(w)]


def last_beat():
    """When any worker last beat (a datetime), or None when none ever did."""
    return WorkerBeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()


def any_worker_alive() -> bool:
    """Whether a worker beat in the last SILENT_SECONDS (one query; what the pages show)."""
    return WorkerBeat.objects.filter(
        beat_at__gte=timezone.now() - timedelta(seconds=SILENT_SECONDS)
    ).exists()


def recover_dead_tasks() -> int:
    """Recover every task left RUNNING by a worker that is not alive; returns how many."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("recovery")  # each app's handlers (e.g. imports/recovery.py)
    alive = {w.worker_id for w in live_workers()}
    recovered = 0
    for task_id, worker_ids in DBTaskResult.objects.running().values_list("id", "worker_ids"):
        if worker_ids and worker_ids[-1] in alive:
            continue
        try:
            recovered += _recover(task_id, alive)
        except NotYet:
            continue
        except DatabaseError:
            logger.exception("Recovering task %s failed; the next sweep tries again", task_id)
    return recovered


def _recover(task_id, alive: set) -> int:
    with transaction.atomic():
        task = (
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(id=task_id, status="RUNNING")
            .first()
        )
        if task is None or (task.worker_ids and task.worker_ids[-1] in alive):
            return 0
        worker = task.worker_ids[-1] if task.worker_ids else "unknown"
        reason = (
            f"Its worker ({worker}) stopped while running it (killed, out of memory or "
            "the machine restarted)."
        )
        handler = _handlers.get(task.task_path)
        if handler is not None:
            handler(task.args_kwargs.get("kwargs", {}))
        task.set_failed(WorkerDied(reason))
        logger.warning("Task %s (%s): %s", task.id, task.task_path, reason)
    return 1


class Heartbeat(threading.Thread):
    """Beats every BEAT_SECONDS and recovers dead tasks every RECOVER_SECONDS, in its own
    thread (with its own database connection) so a long task does not silence its worker."""

    def __init__(self, worker_id: str):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.task = ""
        self._stopping = threading.Event()

    def start(self) -> None:
        beat(self.worker_id, started_at=self.started_at)
        recover_dead_tasks()
        super().start()

    def run(self) -> None:
        sweeps = 0
        try:
            while not self._stopping.wait(BEAT_SECONDS):
                sweeps += 1
                try:
                    beat(self.worker_id, started_at=self.started_at, task=self.task)
                    if sweeps % (RECOVER_SECONDS // BEAT_SECONDS) == 0:
                        recover_dead_tasks()
                except DatabaseError:
                    logger.exception("Heartbeat failed; trying again in %s s", BEAT_SECONDS)
                    connection.close()
        finally:
            connection.close()

    def stop(self) -> None:
        self._stopping.set()
        self.join(BEAT_SECONDS * 2)
        try:
            stop(self.worker_id)
        except DatabaseError:
            logger.exception("Could not remove the heartbeat of %s", self.worker_id)
