import pytest
from django_scopes import scope

from imports import services
from imports.models import ImportBatch, Status
from tests.browser.conftest import log_in
from tests.imports import workbooks as wb
from tests.imports.batches import upload_batch
from tests.imports.locking import lock_held_elsewhere
from tests.workers.conftest import (  # noqa: F401  (fixtures)
    database_tasks,
    run_worker_batch,
    someone_waits_on_a_lock,
    wait_for,
    worker_process,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]


def test_no_worker_warning_shown_and_absent_while_a_worker_applies(
    page,
    screenshot,
    alice,
    password,
    tmp_path,
    database_tasks,  # noqa: F811
    worker_process,  # noqa: F811
):
    """R60: the batch page of an import waiting for a worker says plainly that none is
    running and what to do; while a real worker is applying it, the page shows the progress
    and no warning (and no "Mark failed")."""
    path = wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100")])
    batch = upload_batch(alice, path)
    run_worker_batch()  # checked; that worker has stopped since
    with scope(tenant=alice.tenant.pk):
        batch = services.batch_start_apply(
            batch=ImportBatch.objects.get(pk=batch.pk), user=alice.admin
        )
    assert batch.status == Status.APPLYING

    log_in(page, alice.admin.email, password)
    page.wait_for_url("**/t/**")
    page.goto(alice.url(f"imports/{batch.public_id}/"))
    notice = page.get_by_test_id("no-worker")
    assert notice.is_visible()
    assert "No background worker is running" in notice.inner_text()
    assert "python manage.py db_worker" in notice.inner_text()
    screenshot("no-worker")

    with lock_held_elsewhere(alice.company.pk):  # the worker's apply waits midway
        worker_process()
        wait_for(someone_waits_on_a_lock, what="the worker to be applying")
        page.reload()
        assert page.get_by_test_id("progress").is_visible()
        assert page.get_by_test_id("no-worker").count() == 0
        assert page.get_by_role("button", name="Mark failed").count() == 0
    wait_for(lambda: _status(batch) == Status.APPLIED, what="the apply to finish")


def _status(batch):
    with scope(tenant=batch.tenant_id):
        return ImportBatch.objects.get(pk=batch.pk).status
