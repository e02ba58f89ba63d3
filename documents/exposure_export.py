"""The exposure report as .xlsx (R23), written by a background task (R47).

A background task rather than a streamed response: at 100,000 customers writing the workbook
takes several seconds, longer than a web request should hold a worker (and a proxy's timeout);
the job row shows progress and any web process serves the stored file afterwards.
"""

import posixpath
import tempfile
import uuid

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from companies.models import Company, Tenant
from companies.tenant_tasks import tenant_task
from customers.models import Customer
from customers.regions import REGION_NAMES
from customers.xlsx import row
from documents.coverage import Scope, exposure_report, iter_exposed_customers
from documents.models import Document, ExportStatus, ExposureExport
from documents.selectors import expiring_soon

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BATCH = 2_000  # customers per query, and how often progress is saved


def start_export(
    *, tenant: Tenant, company: Company, company_ids: list[int], actor, region: str = ""
) -> ExposureExport:
    """Record the job and enqueue it once the row is committed; with `region` (a code of
    REGION_NAMES) the workbook lists only the customers exposed there (R62)."""
    export = ExposureExport.objects.create(
        tenant=tenant, company=company, requested_by=actor, region=region
    )
    transaction.on_commit(
        lambda: write_exposure_export.enqueue(
            export_id=export.pk, tenant_id=tenant.pk, company_ids=company_ids
        )
    )
    return export


@tenant_task()
def write_exposure_export(*, export_id: int, tenant_id: int, company_ids: list[int]) -> None:
    export = ExposureExport.objects.select_related("tenant", "company").get(pk=export_id)
    try:
        _write(export, Scope(tenant_id, company_ids))
    except Exception as error:
        ExposureExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise


def _write(export: ExposureExport, coverage_scope: Scope) -> None:
    listed_region = export.region or None
    report = exposure_report(coverage_scope, limit=0, region=listed_region)
    total, customers_count, by_region = report.total, report.listed, report.by_region
    ExposureExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING, rows_total=customers_count
    )
    workbook = Workbook(write_only=True)

    regions = workbook.create_sheet("Exposure by region")
    regions.append(row(regions, ["Region", "Name", "Exposed customers"]))
    for region, count in by_region:
        regions.append(row(regions, [region, REGION_NAMES.get(region, ""), count]))
    regions.append(row(regions, ["Total", None, total]))

    sheet = workbook.create_sheet("Exposed customers")
    sheet.append(
        row(
            sheet,
            ["Company", "Customer number", "Name", "Kind", "City", "State", "Exposed regions"],
        )
    )
    done = 0
    for rows in iter_exposed_customers(coverage_scope, batch=BATCH, region=listed_region):
        by_id = Customer.objects.select_related("company").in_bulk([pk for pk, _ in rows])
        for pk, exposed in rows:
            c = by_id[pk]
            sheet.append(
                row(
                    sheet,
                    [
                        c.company.code,
                        c.number,
                        c.name1,
                        c.get_kind_display(),
                        c.city,
                        c.state,
                        ", ".join(exposed),
                    ],
                )
            )
        done += len(rows)
        ExposureExport.objects.filter(pk=export.pk).update(rows_done=done)

    soon = workbook.create_sheet("Expiring soon")
    soon.append(
        row(soon, ["Company", "Customer number", "Name", "Type", "Regions", "Expires", "Days left"])
    )
    # Every document expiring soon, as on the report page (its region filter lists customers).
    documents = (
        expiring_soon(
            Document.objects.filter(company_id__in=coverage_scope.company_ids), tenant=export.tenant
        )
        .select_related("customer", "company")
        .order_by("expiration_date")
    )
    for d in documents.iterator(chunk_size=BATCH):
        soon.append(
            row(
                soon,
                [
                    d.company.code,
                    d.customer.number,
                    d.customer.name1,
                    d.get_doc_type_display(),
                    ", ".join(d.regions),
                    d.expiration_date,
                    d.days_left,
                ],
            )
        )

    day = timezone.localdate().isoformat()
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        export.size = handle.tell()
        handle.seek(0)
        name = posixpath.join(
            "tenants", str(export.tenant.public_id), "exports", f"{uuid.uuid4().hex}.xlsx"
        )
        export.file.save(name, File(handle), save=False)
    only = f"-{listed_region}" if listed_region else ""
    export.original_name = f"exposure-{export.company.code}{only}-{day}.xlsx"
    export.content_type = XLSX
    export.status = ExportStatus.DONE
    export.rows_done = customers_count
    export.finished_at = timezone.now()
    export.save(
        update_fields=[
            "file",
            "original_name",
            "size",
            "content_type",
            "status",
            "rows_done",
            "finished_at",
        ]
    )
