"""Import Customers pages (R31, R38-R42). Thin: fetch within the tenant, call the service."""

import logging
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST, require_safe

from certhub.errors import show_error
from companies.models import Role
from companies.tenancy import role_required, working_companies
from companies.uploads import capped_upload
from imports import services
from imports.columns import TEMPLATE_FILE_NAMES
from imports.export import export_customers
from imports.forms import ExportForm, UploadForm
from imports.locks import company_lock_held
from imports.models import ChangeKind, ImportBatch, ImportChange, Status
from imports.selectors import describe_changes, get_batch, visible_batches
from imports.templates import template_bytes
from workers.heartbeat import any_worker_alive

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@role_required(Role.EDITOR, methods=("POST",))  # first: a viewer's upload is never read (R56)
@capped_upload  # a workbook over 50 MB is refused while it streams in (R40)
def import_start(request, tenant_slug):
    """The Import Customers page: templates, upload, export and the company's batches."""
    company = request.working_company
    form = UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if company is not None and form.is_valid():
            try:
                batch = services.batch_create(
                    tenant=request.tenant,
                    company=company,
                    user=request.user,
                    uploaded_file=form.cleaned_data["file"],
                    replace=form.cleaned_data["replace"],
                    mirror=form.cleaned_data["mirror"],
                )
            except ValidationError as error:
                show_error(request, error, form=form, field="file")
            except DatabaseError:  # R61: the transaction kept nothing; say so
                logger.exception("Recording an upload failed")
                form.add_error(
                    "file",
                    "The upload could not be recorded (a database error); "
                    "nothing was saved. Try again in a moment.",
                )
            else:
                messages.success(request, f"{batch.original_name} was uploaded; checking it now.")
                return redirect("imports:batch", tenant_slug=tenant_slug, public_id=batch.public_id)
    # The batches of the working company and those below it, newest first.
    batches = (
        visible_batches(request.membership).filter(
            company__in=working_companies(request, include_descendants=True)
        )
        if company
        else ImportBatch.objects.none()
    )
    page = Paginator(batches, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/import_start.html",
        {
            "form": form,
            "export_form": ExportForm(),
            "page_obj": page,
            "company": company,
            "template_names": TEMPLATE_FILE_NAMES,
        },
    )


@require_safe
def template_download(request, tenant_slug, kind):
    if kind not in TEMPLATE_FILE_NAMES:
        raise Http404("No such template.")
    response = HttpResponse(template_bytes(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILE_NAMES[kind]}"'
    return response


@require_safe
def export_download(request, tenant_slug):
    """The working company's customers (optionally with descendants) as a template (R42)."""
    import tempfile

    company = request.working_company
    form = ExportForm(request.GET)
    if company is None or not form.is_valid():
        raise Http404("Pick a company and a template.")
    descendants = form.cleaned_data["descendants"]
    ids = list(
        working_companies(request, include_descendants=descendants).values_list("pk", flat=True)
    )
    template = form.cleaned_data["template"]
    target = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it)
    export_customers(target, company_ids=ids, template=template, company_code=descendants)
    target.seek(0)
    return FileResponse(
        target,
        as_attachment=True,
        content_type=XLSX,
        filename=f"{company.code}-customers-{template}.xlsx",
    )


@require_safe
def batch_detail(request, tenant_slug, public_id):
    batch = get_batch(request.membership, public_id)
    changes = (
        ImportChange.objects.filter(batch=batch)
        .select_related("company")
        .order_by("number", "kind", "field")
    )
    # R59: the company's customers missing from a mirror file, listed apart.
    missing = changes.filter(kind=ChangeKind.DEACTIVATE)
    changes = changes.exclude(kind=ChangeKind.DEACTIVATE)
    page = Paginator(changes, 50).get_page(request.GET.get("changes"))
    describe_changes(batch, page)
    issues = batch.errors
    return render(
        request,
        "imports/batch_detail.html",
        {
            "batch": batch,
            "progress_label": progress_label(batch),
            "can_mark_failed": _can_mark_failed(request, batch),
            "changes": page,
            "missing": Paginator(missing, 50).get_page(request.GET.get("missing")),
            "issues": Paginator(issues, 50).get_page(request.GET.get("issues")),
            "can_retry": batch.status in (Status.FAILED, Status.CANCELLED)
            or bool(batch.status == Status.READY and batch.counts.get("errors")),
        },
    )


def _can_mark_failed(request, batch) -> bool:
    """An admin may mark an applying batch failed once no worker is alive and none holds its
    company's lock (workers recover dead tasks themselves, R60)."""
    return (
        batch.status == Status.APPLYING
        and request.membership.has_role(Role.ADMIN)
        and not any_worker_alive()
        and not company_lock_held(batch.company_id)
    )


@require_safe
def batch_progress(request, tenant_slug, public_id):
    """JSON for the progress bar (static/js/certhub.js): rows done of total."""
    batch = get_batch(request.membership, public_id)
    return JsonResponse(
        {
            "done": batch.rows_done,
            "total": batch.rows_total,
            "label": progress_label(batch),
            "finished": not batch.is_running,
            "reload": not batch.is_running,
        }
    )


def progress_label(batch) -> str:
    if not batch.is_running:
        return batch.get_status_display()
    verb = "Applying" if batch.status == Status.APPLYING else "Checking"
    if batch.step:  # after the rows are read: "checking: ...: step 3 of 14" (P6)
        return f"{verb}: {batch.step}"
    if not batch.rows_total:
        return f"{verb}: opening the workbook…"
    if batch.rows_done >= batch.rows_total:
        then = "writing the changes" if verb == "Applying" else "comparing with the customers"
        return f"{verb}: all {batch.rows_total:,} rows read; {then}…"
    return f"{verb}: {batch.rows_done:,} of {batch.rows_total:,} rows read"


@require_POST
@role_required(Role.EDITOR)
def batch_apply(request, tenant_slug, public_id):
    return _act(
        request,
        public_id,
        services.batch_start_apply,
        "Applying the valid rows.",
        failed="Nothing was applied.",  # a stale preview fails at once; its page says why
    )


@require_POST
@role_required(Role.EDITOR)
def batch_cancel(request, tenant_slug, public_id):
    return _act(request, public_id, services.batch_cancel, "The import was cancelled.")


@require_POST
@role_required(Role.EDITOR)
def batch_revalidate(request, tenant_slug, public_id):
    return _act(request, public_id, services.batch_revalidate, "Checking the file again.")


@require_POST
@role_required(Role.EDITOR)
def batch_undo(request, tenant_slug, public_id):
    return _act(request, public_id, services.batch_undo, "The import was undone.")


@require_POST
@role_required(Role.ADMIN)
def batch_mark_failed(request, tenant_slug, public_id):
    """Recover a batch whose apply stopped with its worker (R40): admins only."""
    return _act(
        request,
        public_id,
        services.batch_mark_failed,
        lambda batch: f"The import was marked {batch.get_status_display().lower()}.",
    )


def _act(
    request,
    public_id,
    service,
    success: str | Callable[[ImportBatch], str],
    *,
    failed: str | None = None,
):
    """Run `service` on the batch and say how it went: its error, `failed` (an error) when
    given and the batch ended failed, else `success`."""
    batch = get_batch(request.membership, public_id)
    try:
        batch = service(batch=batch, user=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        if failed is not None and batch.status == Status.FAILED:
            messages.error(request, failed)
        else:
            messages.success(request, success(batch) if callable(success) else success)
    return redirect("imports:batch", tenant_slug=request.tenant.slug, public_id=batch.public_id)


@require_safe
def batch_errors_download(request, tenant_slug, public_id):
    """The uploaded file back with an error column added (R38)."""
    from imports.error_file import write_error_file

    batch = get_batch(request.membership, public_id)
    if not batch.file:
        raise Http404("This batch has no stored file.")
    try:
        content = write_error_file(batch)
    except Exception:  # R61: a refused or unreadable file, a storage failure
        logger.exception("The errors file of batch %s could not be written", batch.pk)
        messages.error(
            request,
            "This file cannot be given back with an error column: "
            f"{batch.message or 'it could not be read'} Upload a corrected file.",
        )
        return redirect("imports:batch", tenant_slug=tenant_slug, public_id=batch.public_id)
    name = batch.original_name.rsplit(".", 1)[0] or "import"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}-errors.xlsx")
    return response
