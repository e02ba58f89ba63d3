"""Background work of imports (R40, R47): tasks take ids and run in the tenant's scope.

The services turn every failure into a failed batch with its reason; should even that fail (the
database went away), the task records it on a fresh connection, so a batch never stays
validating or applying (R60).
"""

from django.db import close_old_connections, connection

from companies.tenant_tasks import tenant_task
from imports import services
from imports.models import ImportBatch, Retry, Status


@tenant_task()
def validate_batch(*, batch_id: int, tenant_id: int) -> str:
    try:
        batch = ImportBatch.objects.select_related("company").get(pk=batch_id)
        if batch.status != Status.VALIDATING:
            return batch.status
        return services.batch_validate(batch=batch).status
    except Exception:
        _failed(batch_id, Status.VALIDATING, Retry.VALIDATE, "Checking the file")
        raise


@tenant_task()
def apply_batch(*, batch_id: int, tenant_id: int, user_id: int) -> str:
    try:
        batch = ImportBatch.objects.select_related("company").get(pk=batch_id)
        if batch.status != Status.APPLYING:
            return batch.status
        return services.batch_apply(batch=batch, user=user_id).status
    except Exception:
        _failed(batch_id, Status.APPLYING, Retry.APPLY, "Applying")
        raise


def _failed(batch_id: int, status: str, retry: str, doing: str) -> None:
    connection.close()  # the old one may be broken
    close_old_connections()
    verb = "Validate" if retry == Retry.VALIDATE else "Apply"
    batch = ImportBatch.objects.filter(pk=batch_id, status=status).first()
    if batch is not None and status == Status.APPLYING:
        batch.applied_at = services.apply_committed_at(batch)
        if batch.applied_at:  # the error came after the changes were committed
            batch.status, batch.message = Status.APPLIED, ""
            batch.save(update_fields=["status", "message", "applied_at"])
            return
    ImportBatch.objects.filter(pk=batch_id, status=status).update(
        status=Status.FAILED,
        retry=retry,
        message=f"{doing} failed on a database error; nothing was written. {verb} it again.",
    )
