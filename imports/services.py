"""Every write of the imports app: batches from upload to undo (R38-R41), and `import_file`, the
same engine without a web request (the command, the benchmark).

Validation and applying run in the background (imports/tasks.py); the batch row carries the
progress, so the page can be left and revisited.
"""

import datetime
import logging
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from certhub.errors import DomainError
from companies.history import history_context
from companies.models import Company, Tenant
from companies.uploads import max_upload_bytes, storing_upload, too_large_message
from imports import checked, engine
from imports.csv_reader import is_csv, open_table
from imports.locks import ImportBusy, company_lock_held, holding_company_lock, try_company_lock
from imports.mapping import TitlesRefused, check_pairs, titles_key
from imports.models import ColumnMapping, ImportBatch, ImportChange, ImportCounts, Retry, Status
from imports.reader import WorkbookRefused
from imports.undo import undo

logger = logging.getLogger(__name__)


def _storage_name(tenant: Tenant, suffix: str) -> str:
    return f"tenants/{tenant.public_id}/imports/{uuid.uuid4().hex}{suffix}"


def _store(tenant: Tenant, source: IO[bytes], original_name: str) -> str:
    """Store an upload under a generated name that keeps its kind (.csv or .xlsx, R58);
    DomainError when the storage fails (R61)."""
    suffix = ".csv" if is_csv(original_name) else ".xlsx"
    name = _storage_name(tenant, suffix)
    with storing_upload(name):
        return default_storage.save(name, File(source, name=f"upload{suffix}"))


@contextmanager
def stored_file_path(name: str | None) -> Iterator[Path]:
    """A filesystem path of a stored file (downloaded first when storage is remote).
    FileNotFoundError when there is no file (`name` empty: a FileField with none)."""
    if not name:
        raise FileNotFoundError("The batch has no stored file.")
    try:
        yield Path(default_storage.path(name))
        return
    except NotImplementedError:
        pass
    with (
        tempfile.NamedTemporaryFile(suffix=Path(name).suffix) as local,
        default_storage.open(name) as src,
    ):
        shutil.copyfileobj(src, local)
        local.flush()
        yield Path(local.name)


class _Progress:
    """The engine's progress callback for a batch: writes rows_done, rows_total and step through
    a connection of its own, so the batch page sees them while the engine's transaction is
    still open (the checks and writes, P6). The engine's own transaction never writes the
    batch row, so this cannot wait for it."""

    def __init__(self, batch: ImportBatch):
        self.batch_id = batch.pk
        self.connection: BaseDatabaseWrapper | None = None

    def __call__(self, done: int, total: int, step: str = "") -> None:
        if self.connection is None:
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        with self.connection.cursor() as cursor:
            cursor.execute(
                """UPDATE imports_importbatch SET rows_done = %s, rows_total = %s,
                                     step = %s WHERE id = %s""",
                [done, total, step[:200], self.batch_id],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


@contextmanager
def _progress(batch: ImportBatch) -> Iterator[_Progress]:
    report = _Progress(batch)
    try:
        yield report
    finally:
        report.close()


def _save_result(batch: ImportBatch, result: engine.Result) -> None:
    batch.template = result.template
    batch.read_as = result.read_as
    batch.rows_total = result.rows_total
    batch.rows_done = result.rows_total
    batch.step = ""
    batch.counts = result.counts
    batch.errors = engine.issues_as_json(result.issues)


# --- batches from the web -----------------------------------------------------------------------


def batch_create(
    *,
    tenant: Tenant,
    company: Company,
    user: User,
    uploaded_file: UploadedFile,
    replace: bool,
    mirror: bool = False,
) -> ImportBatch:
    """Store the upload and validate it in the background (R38, R40); `mirror`: the file is
    the company's whole customer list (R59)."""
    if (uploaded_file.size or 0) > max_upload_bytes():  # R40; the web page refuses it sooner
        raise DomainError(too_large_message(uploaded_file.name or "The file"))
    from imports.tasks import validate_batch

    with transaction.atomic():
        batch = ImportBatch.objects.create(
            tenant=tenant,
            company=company,
            created_by=user,
            replace=replace,
            mirror=mirror,
            original_name=Path(uploaded_file.name or "upload.xlsx").name[:255],
            status=Status.VALIDATING,
        )
        batch.file.name = _store(tenant, uploaded_file, batch.original_name)
        batch.save(update_fields=["file"])
        transaction.on_commit(
            lambda: validate_batch.enqueue(batch_id=batch.pk, tenant_id=tenant.pk)
        )
    return batch


def batch_validate(*, batch: ImportBatch) -> ImportBatch:
    """Read and check every row, store the preview: status ready, or failed when refused."""
    version = company_version(batch.company_id)
    try:
        with stored_file_path(batch.file.name) as path, _progress(batch) as progress:
            result = engine.run(path, batch=batch, apply=False, progress=progress, keep=True)
    except WorkbookRefused as refusal:
        return _fail(batch, str(refusal), mappable=isinstance(refusal, TitlesRefused))
    except Exception as error:  # the database or the storage failed: nothing was kept
        logger.exception("Validating import batch %s failed", batch.pk)
        ImportChange.objects.filter(batch=batch).delete()
        return _fail(
            batch,
            f"Checking the file failed ({_short(error)}); nothing was changed. Validate it again.",
            retry=Retry.VALIDATE,
        )
    _save_result(batch, result)
    batch.checked_version = version
    batch.status = Status.READY
    # A batch cancelled while it was being checked stays cancelled, without the rows the
    # check kept (the cancel could not drop them while the check was using them).
    if not ImportBatch.objects.filter(pk=batch.pk, status=Status.VALIDATING).exists():
        batch.status = Status.CANCELLED
        checked.discard(batch.pk)
    batch.save()
    return batch


BUSY = (
    "Another import of this company is being applied right now; {action} this one when it "
    "has finished (its page shows how far it is)."
)


def another_apply_running(batch: ImportBatch) -> bool:
    """Whether another batch of the company is applying (queued or holding the lock)."""
    return ImportBatch.objects.filter(company_id=batch.company_id, status=Status.APPLYING).exclude(
        pk=batch.pk
    ).exists() or company_lock_held(batch.company_id)


STALE = "The customers changed since this preview: check the file again."


def company_version(company_id: int) -> int:
    """How many times imports changed the company's customers: applies plus undos of its
    batches (web and command). It only grows; a preview is stale once it moved (R39)."""
    return ImportBatch.objects.filter(company_id=company_id).aggregate(
        version=Count("applied_at") + Count("undone_at")
    )["version"]


def preview_is_stale(batch: ImportBatch) -> bool:
    """Whether another batch of the company was applied or undone since the check that made
    this batch's preview started (R39): applying it would not do what its preview shows. A
    batch checked before versions were kept is not known stale."""
    return (
        batch.checked_version is not None
        and company_version(batch.company_id) != batch.checked_version
    )


def batch_start_apply(*, batch: ImportBatch, user: User) -> ImportBatch:
    """Mark a ready batch (or one whose apply failed for a reason other than its rows) as
    applying and apply it in the background (R39, R40). Refused at once while another batch of
    the company is applying (R57). A stale preview is never applied: the batch fails with
    `STALE` and its page offers "Validate again"."""
    from imports.tasks import apply_batch

    if another_apply_running(batch):
        raise ImportBusy(BUSY.format(action="apply"))
    if batch.status in (Status.READY, Status.FAILED) and preview_is_stale(batch):
        return _fail(batch, STALE, retry=Retry.VALIDATE)
    with transaction.atomic():
        startable = Q(status=Status.READY) | Q(status=Status.FAILED, retry=Retry.APPLY)
        started = ImportBatch.objects.filter(startable, pk=batch.pk).update(
            status=Status.APPLYING, rows_done=0, applied_by=user, message="", retry=""
        )
        if not started:
            raise DomainError("Only a batch that is ready can be applied.")
        transaction.on_commit(
            lambda: apply_batch.enqueue(
                batch_id=batch.pk, tenant_id=batch.tenant_id, user_id=user.pk
            )
        )
    batch.refresh_from_db()
    return batch


def batch_apply(*, batch: ImportBatch, user: User | int) -> ImportBatch:
    """Apply the valid rows in one transaction (R39): all of them or none. The worker holds the
    company's import lock throughout, which tells a running apply from a crashed one."""
    user_id = user if isinstance(user, int) else user.pk  # the task passes the id
    try:
        with holding_company_lock(batch.company_id):
            batch.refresh_from_db()
            if batch.status not in (Status.READY, Status.APPLYING):
                return batch  # marked failed (or finished) while it waited for the worker
            if preview_is_stale(batch):
                return _fail(batch, STALE, retry=Retry.VALIDATE)
            with stored_file_path(batch.file.name) as path, _progress(batch) as progress:
                result = engine.run(
                    path, batch=batch, apply=True, user_id=user_id, progress=progress
                )
    except WorkbookRefused as refusal:
        return _fail(batch, str(refusal))
    except ImportBusy as busy:
        ImportBatch.objects.filter(pk=batch.pk).update(status=Status.READY, message=str(busy))
        batch.refresh_from_db()
        return batch
    except Exception as error:  # the transaction rolled back: nothing was written
        logger.exception("Applying import batch %s failed", batch.pk)
        return _fail(
            batch,
            f"Applying failed ({_short(error)}); nothing was written. Apply it again.",
            retry=Retry.APPLY,
        )
    _save_result(batch, result)
    batch.status = Status.APPLIED
    batch.applied_by_id = user_id
    batch.applied_at = result.applied_at
    batch.save()
    engine.vacuum_customers(result)  # the batch shows applied meanwhile
    return batch


def batch_mark_failed(*, batch: ImportBatch, user: User) -> ImportBatch:
    """Recover a batch left "applying" by a worker that crashed (R40): allowed only while no
    one holds the company's import lock (a running apply holds it from start to end). The
    crashed apply's transaction rolled back, so nothing of it was written; unless the worker
    died in the instant after that transaction committed: then the batch is applied."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != Status.APPLYING:
            raise DomainError("Only a batch that is applying can be marked failed.")
        if not try_company_lock(batch.company_id):  # held until this transaction ends
            raise DomainError("This import is still being applied; wait for it to finish.")
        batch.applied_at = apply_committed_at(batch)
        if batch.applied_at:
            batch.status = Status.APPLIED
            batch.message = (
                "Its worker stopped after the changes were written: they are in, "
                "and the import can be undone."
            )
        else:
            batch.status = Status.FAILED
            batch.message = (
                f"Marked failed by {user}: its apply had stopped; nothing was "
                "written. Upload the file again to retry."
            )
        batch.save(update_fields=["status", "message", "applied_at"])
    return batch


def apply_committed_at(batch: ImportBatch) -> datetime.datetime | None:
    """When the batch's apply committed, or None: its writes carry the batch in their history
    context (imports/history.py). A rare admin action, so an unindexed look is fine."""
    from pghistory.models import Context

    return (
        Context.objects.filter(metadata__import_batch=str(batch.public_id))
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def batch_revalidate(*, batch: ImportBatch, user: User) -> ImportBatch:
    """Check a batch again whose checking failed for a reason other than its file (R60)."""
    from imports.tasks import validate_batch

    with transaction.atomic():
        restarted = ImportBatch.objects.filter(
            pk=batch.pk, status=Status.FAILED, retry=Retry.VALIDATE
        ).update(status=Status.VALIDATING, rows_done=0, rows_total=0, message="", retry="")
        if not restarted:
            raise DomainError("Only a batch whose checking was interrupted can be validated again.")
        transaction.on_commit(
            lambda: validate_batch.enqueue(batch_id=batch.pk, tenant_id=batch.tenant_id)
        )
    batch.refresh_from_db()
    return batch


def batch_cancel(*, batch: ImportBatch, user: User) -> ImportBatch:
    message = f"Cancelled by {user}."
    # A check still running keeps using its rows; it drops them itself when it ends
    # (batch_validate), so they are dropped here only for a batch no check is running for.
    idle = ImportBatch.objects.filter(pk=batch.pk, status__in=[Status.READY, Status.FAILED])
    cancelled_idle = idle.update(status=Status.CANCELLED, message=message)
    cancelled = cancelled_idle or ImportBatch.objects.filter(
        pk=batch.pk, status=Status.VALIDATING
    ).update(status=Status.CANCELLED, message=message)
    if not cancelled:
        raise DomainError("Only a batch that is not applied can be cancelled.")
    ImportChange.objects.filter(batch=batch).delete()
    if cancelled_idle:
        checked.discard(batch.pk)
    batch.refresh_from_db()
    return batch


def batch_undo(*, batch: ImportBatch, user: User) -> ImportBatch:
    """Restore what the batch changed unless a later change touched it (R39)."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != Status.APPLIED:
            raise DomainError("Only an applied batch can be undone.")
        # R57: never wait for another apply; the lock is held until this transaction ends.
        if ImportBatch.objects.filter(
            company_id=batch.company_id, status=Status.APPLYING
        ).exists() or not try_company_lock(batch.company_id):
            raise ImportBusy(BUSY.format(action="undo"))
        with history_context(user, import_batch=str(batch.public_id), undo=True):
            not_restored = undo(batch, user_id=user.pk)
        batch.status = Status.UNDONE
        batch.undone_at = timezone.now()
        batch.not_restored = not_restored
        batch.message = f"Undone by {user}."
        batch.save()
    return batch


def _fail(
    batch: ImportBatch, message: str, *, mappable: bool = False, retry: str = Retry.NONE
) -> ImportBatch:
    batch.status = Status.FAILED
    batch.message = message[:1000]
    batch.mappable = mappable
    batch.retry = retry
    batch.save()
    return batch


def _short(error: Exception) -> str:
    """The first line of an error, for a message a user reads."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]


# --- column mappings (R58) ----------------------------------------------------------------------


def batch_file_head(batch: ImportBatch, *, rows: int) -> tuple[tuple[str, ...], list[tuple]]:
    """The titles of the batch's file and its first `rows` data rows (for the mapping page);
    WorkbookRefused (a DomainError) when the file cannot be read."""
    with stored_file_path(batch.file.name) as path:
        sheet = open_table(path, name=batch.original_name)
        head: list[tuple[str, ...]] = []
        for _, cells in sheet.rows:
            if len(head) >= rows:
                break
            if any(str(cell).strip() for cell in cells):
                head.append(cells)
    return sheet.header, head


def mapping_save(
    *, company: Company, user: User, name: str, header: Sequence[str], pairs: dict[str, str]
) -> ColumnMapping:
    """Save the company's mapping `name` (replacing one of that name) for files with these
    titles: pairs is {template title: file title or ""}. DomainError, by template title,
    when the key is not mapped or a column serves two fields."""
    errors = check_pairs(pairs)
    if errors:
        raise DomainError(errors)
    missing = [t for t in pairs.values() if t and t not in header]
    if missing:
        raise DomainError(f'The file has no column "{missing[0]}".')
    mapping, _ = ColumnMapping.objects.update_or_create(
        tenant_id=company.tenant_id,
        company=company,
        name=name.strip(),
        defaults={
            "titles": list(header),
            "titles_key": titles_key(header),
            "pairs": dict(pairs),
            "created_by": user,
        },
    )
    return mapping


def batch_map(*, batch: ImportBatch, user: User, name: str, pairs: dict[str, str]) -> ImportBatch:
    """Save the mapping and check the batch's file again through it (R58), in the background."""
    from imports.tasks import validate_batch

    header, _ = batch_file_head(batch, rows=0)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if not batch.can_map:
            raise DomainError("This import can no longer be mapped.")
        mapping = mapping_save(
            company=batch.company, user=user, name=name, header=header, pairs=pairs
        )
        batch.mapping, batch.mappable, batch.message = mapping, False, ""
        batch.status, batch.rows_done = Status.VALIDATING, 0
        batch.save(update_fields=["mapping", "mappable", "message", "status", "rows_done"])
        transaction.on_commit(
            lambda: validate_batch.enqueue(batch_id=batch.pk, tenant_id=batch.tenant_id)
        )
    return batch


# --- the same engine without a request (R41, benchmark) -----------------------------------------


@dataclass
class ImportResult:
    status: str  # "applied", "valid" (dry run), "invalid" (row errors), "refused"
    counts: ImportCounts = field(default_factory=ImportCounts)
    issues: list = field(default_factory=list)
    message: str = ""
    batch: ImportBatch | None = None

    @property
    def exit_code(self) -> int:
        return {"applied": 0, "valid": 0, "invalid": 1, "refused": 2}[self.status]


def import_file(
    path: str | Path,
    *,
    tenant: Tenant,
    company: Company,
    user: User | None = None,
    replace: bool = False,
    mirror: bool = False,
    mapping: str = "",
    dry_run: bool = False,
    skip_errors: bool = False,
    progress: Callable[..., None] | None = None,
) -> ImportResult:
    """Import a workbook into `company`: validate, then apply unless `dry_run`. With `mirror`
    the file is the company's whole customer list: customers missing from it become inactive
    (R59). `mapping` names a column mapping the company saved (R58); without it, a saved
    mapping for the file's titles is used when they are not the template's.

    Rows with errors stop the import (nothing written) unless `skip_errors`. A dry run leaves no
    trace; otherwise the batch is kept (applied, or failed with the reason) and can be undone.
    Runs in the caller's tenant scope (the command's `companies.commands.tenant_scope`).
    """
    path = Path(path)
    saved = None
    if mapping:
        saved = ColumnMapping.objects.filter(company=company, name=mapping).first()
        if saved is None:
            return ImportResult(
                "refused",
                message=(
                    f'No column mapping named "{mapping}" for {company.name}; save one on the '
                    "Import page (Map the columns of this file) first."
                ),
            )
    options = {"replace": replace, "mirror": mirror, "mapping": saved}
    if dry_run:
        with transaction.atomic():
            result = _import(path, tenant, company, user, options, False, True, progress)
            transaction.set_rollback(True)
        return result
    return _import(path, tenant, company, user, options, True, skip_errors, progress)


def _import(
    path: Path,
    tenant: Tenant,
    company: Company,
    user: User | None,
    options: dict[str, Any],
    apply: bool,
    skip_errors: bool,
    progress: Callable[..., None] | None,
) -> ImportResult:
    batch = ImportBatch.objects.create(
        tenant=tenant,
        company=company,
        created_by=user,
        original_name=path.name[:255],
        status=Status.VALIDATING,
        **options,
    )
    if apply:
        with open(path, "rb") as source:
            batch.file.name = _store(tenant, source, batch.original_name)
    try:
        result = engine.run(
            path,
            batch=batch,
            apply=apply,
            skip_errors=skip_errors,
            user_id=getattr(user, "pk", None),
            progress=progress,
        )
    except WorkbookRefused as refusal:
        _fail(batch, str(refusal), mappable=isinstance(refusal, TitlesRefused))
        return ImportResult("refused", message=str(refusal), batch=batch)
    _save_result(batch, result)
    if result.applied:
        batch.status, batch.applied_at, batch.applied_by = Status.APPLIED, result.applied_at, user
        status = "applied"
    elif not apply:
        batch.status, status = Status.READY, ("invalid" if result.counts["errors"] else "valid")
    else:
        batch.status, status = Status.FAILED, "invalid"
        batch.message = "Rows had errors; nothing was applied."
    batch.save()
    engine.vacuum_customers(result)
    return ImportResult(
        status, counts=result.counts, issues=result.issues, message=batch.message, batch=batch
    )
