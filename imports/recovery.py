"""What happens to a batch whose worker died mid-task (R60); found by workers.heartbeat, which
runs these handlers in the task's tenant scope."""

from imports.locks import try_company_lock
from imports.models import ImportBatch, Retry, Status
from imports.tasks import apply_batch, validate_batch
from workers.heartbeat import NotYet, when_worker_died

STOPPED = "The worker {doing} stopped before it finished (killed, out of memory or restarted)"


@when_worker_died(validate_batch)
def validation_died(kwargs: dict) -> None:
    """The batch fails with the reason; its page offers to validate it again."""
    ImportBatch.objects.filter(pk=kwargs["batch_id"], status=Status.VALIDATING).update(
        status=Status.FAILED,
        retry=Retry.VALIDATE,
        message=STOPPED.format(doing="checking this file") + "; nothing was changed. "
        "Validate it again.",
    )


@when_worker_died(apply_batch)
def apply_died(kwargs: dict) -> None:
    """The apply's transaction died with its worker: the batch fails with the reason and may be
    applied again; or, if the worker died just after committing, it is applied."""
    from imports.services import apply_committed_at

    batch = (
        ImportBatch.objects.select_for_update()
        .filter(pk=kwargs["batch_id"], status=Status.APPLYING)
        .first()
    )
    if batch is None:
        return
    if not try_company_lock(batch.company_id):
        raise NotYet  # its connection (or another apply) still holds the lock
    batch.applied_at = apply_committed_at(batch)
    if batch.applied_at:
        batch.status, batch.retry = Status.APPLIED, Retry.NONE
        batch.message = (
            "Its worker stopped after the changes were written: they are in, "
            "and the import can be undone."
        )
    else:
        batch.status, batch.retry = Status.FAILED, Retry.APPLY
        batch.message = (
            STOPPED.format(doing="applying this import") + "; nothing was written. Apply it again."
        )
    batch.save(update_fields=["status", "retry", "message", "applied_at"])
