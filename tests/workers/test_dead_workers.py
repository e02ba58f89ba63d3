"""R60: a worker killed with SIGKILL mid-task leaves no batch stuck; a new worker recovers it."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scope
from django_tasks_db.models import DBTaskResult

from customers.models import Customer
from imports import services
from imports.models import ImportBatch, Retry, Status
from imports.tasks import validate_batch
from tests.imports import workbooks as wb
from tests.imports.locking import lock_held_elsewhere
from tests.workers.conftest import run_worker_batch, someone_waits_on_a_lock, wait_for
from workers import heartbeat
from workers.models import WorkerBeat

pytestmark = pytest.mark.django_db(transaction=True)


def _upload(alice, tmp_path) -> ImportBatch:
    path = wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100"), wb.customer("101")])
    with scope(tenant=alice.tenant.pk):
        return services.batch_create(
            tenant=alice.tenant,
            company=alice.company,
            user=alice.editor,
            uploaded_file=wb.upload(path),
            replace=False,
        )


def _batch(batch) -> ImportBatch:
    with scope(tenant=batch.tenant_id):
        return ImportBatch.objects.select_related("company").get(pk=batch.pk)


def _kill(process) -> None:
    process.kill()  # SIGKILL: no clean-up of any kind
    process.wait(10)


class _RowLocked:
    """Another session holds the batch row (FOR UPDATE), so a worker's progress update blocks."""

    def __init__(self, batch_id):
        self.batch_id = batch_id
        self.holding, self.release = threading.Event(), threading.Event()

    def __enter__(self):
        def hold():
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT 1 FROM imports_importbatch WHERE id = %s FOR UPDATE",
                        [self.batch_id],
                    )
                    self.holding.set()
                    self.release.wait(20)
            finally:
                connection.close()

        self.thread = threading.Thread(target=hold)
        self.thread.start()
        assert self.holding.wait(10)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join()


def test_worker_killed_mid_validation(alice, tmp_path, database_tasks, worker_process):
    """R60: a real db_worker killed with SIGKILL while checking a file; a new worker finds the
    task, the batch ends failed with the reason and offers to validate again, which works, and
    the batch then applies."""
    batch = _upload(alice, tmp_path)
    with _RowLocked(batch.pk):
        worker = worker_process()
        wait_for(someone_waits_on_a_lock, what="the worker to be validating")
        assert _batch(batch).status == Status.VALIDATING
        _kill(worker)
    assert DBTaskResult.objects.get().status == "RUNNING"  # what a dead worker leaves

    run_worker_batch()  # a new worker: recovers at start

    batch = _batch(batch)
    assert (batch.status, batch.retry) == (Status.FAILED, Retry.VALIDATE)
    assert "stopped before it finished" in batch.message
    assert "Validate it again" in batch.message
    task = DBTaskResult.objects.get()
    assert task.status == "FAILED" and "WorkerDied" in task.exception_class_path

    with scope(tenant=alice.tenant.pk):
        services.batch_revalidate(batch=batch, user=alice.editor)
    run_worker_batch()
    batch = _batch(batch)
    assert batch.status == Status.READY and batch.counts["new"] == 2
    with scope(tenant=alice.tenant.pk):
        services.batch_start_apply(batch=batch, user=alice.editor)
    run_worker_batch()
    assert _batch(batch).status == Status.APPLIED
    with scope(tenant=alice.tenant.pk):
        assert set(Customer.objects.values_list("number", flat=True)) == {"100", "101"}


def test_worker_killed_mid_apply(alice, tmp_path, database_tasks, worker_process):
    """R60: a real db_worker killed with SIGKILL while applying; a new worker finds the task,
    the batch ends failed with the reason (nothing written), and applying again works."""
    batch = _upload(alice, tmp_path)
    run_worker_batch()
    batch = _batch(batch)
    assert batch.status == Status.READY
    with scope(tenant=alice.tenant.pk):
        services.batch_start_apply(batch=batch, user=alice.editor)
    with lock_held_elsewhere(alice.company.pk):  # the worker's apply waits in the middle
        worker = worker_process()
        wait_for(someone_waits_on_a_lock, what="the worker to be applying")
        _kill(worker)
    # The killed worker's session goes once PostgreSQL notices; until then it holds the lock.
    from imports.locks import company_lock_held

    wait_for(lambda: not company_lock_held(alice.company.pk), what="the dead session to end")

    run_worker_batch()

    batch = _batch(batch)
    assert (batch.status, batch.retry) == (Status.FAILED, Retry.APPLY)
    assert "nothing was written. Apply it again." in batch.message
    with scope(tenant=alice.tenant.pk):
        assert not Customer.objects.exists()
        services.batch_start_apply(batch=batch, user=alice.editor)
    run_worker_batch()
    assert _batch(batch).status == Status.APPLIED
    with scope(tenant=alice.tenant.pk):
        assert Customer.objects.count() == 2


def test_a_live_worker_keeps_its_task_and_a_silent_one_loses_it(alice, tmp_path, database_tasks):
    """R60: a task whose worker beats is left alone; once the worker has been silent for a
    minute (another machine: its pid cannot be checked), any worker recovers it."""
    batch = _upload(alice, tmp_path)
    task = DBTaskResult.objects.get()
    task.claim("far-away")
    WorkerBeat.objects.create(
        worker_id="far-away",
        host="other-machine",
        pid=1,
        started_at=timezone.now(),
        beat_at=timezone.now(),
    )
    assert heartbeat.recover_dead_tasks() == 0
    assert _batch(batch).status == Status.VALIDATING

    WorkerBeat.objects.update(beat_at=timezone.now() - timedelta(seconds=61))
    assert heartbeat.recover_dead_tasks() == 1
    assert (_batch(batch).status, _batch(batch).retry) == (Status.FAILED, Retry.VALIDATE)
    assert validate_batch.module_path == task.task_path


def test_worker_beats_and_removes_its_row_when_stopped(alice, database_tasks):
    """R60: a worker writes its heartbeat (host, pid) while it runs and removes it when it stops
    cleanly; the pages then see no worker."""
    seen = []
    original = heartbeat.beat

    def spy(worker_id, **kwargs):
        original(worker_id, **kwargs)
        seen.append(list(WorkerBeat.objects.values_list("host", "pid")))

    heartbeat.beat = spy
    try:
        run_worker_batch()
    finally:
        heartbeat.beat = original
    import os

    assert seen and seen[0] == [(heartbeat.HOST, os.getpid())]
    assert not WorkerBeat.objects.exists()
    assert not heartbeat.any_worker_alive()


def test_dead_export_fails_with_its_reason_and_a_dead_email_is_sent_again(
    alice, database_tasks, login
):
    """R60: an exposure export whose worker died fails with the reason and its page offers
    "Export again"; a request email whose worker died is queued again."""
    from documents.exposure_export import start_export
    from documents.models import ExportStatus
    from documents.services.certificate_requests import certificate_request_create
    from tests.factories import make_customer

    customer = make_customer(alice.company, "100", "Acme")
    with scope(tenant=alice.tenant.pk):
        export = start_export(
            tenant=alice.tenant,
            company=alice.company,
            company_ids=[alice.company.pk],
            actor=alice.admin,
        )
        certificate_request_create(
            tenant=alice.tenant,
            actor=alice.editor,
            customer=customer,
            regions=["TX"],
            email="ap@example.com",
            base_url="http://testserver",
        )
    for task in DBTaskResult.objects.all():
        task.claim("killed-worker")  # its worker never beats again
    assert heartbeat.recover_dead_tasks() == 2

    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and "stopped before it finished" in export.error
    page = login(alice.admin).get(alice.url(f"exposure/exports/{export.public_id}/"))
    assert "Export again" in page.content.decode()
    queued = DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True)
    assert list(queued) == ["documents.tasks.send_certificate_request"]
